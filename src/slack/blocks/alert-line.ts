/**
 * The card's alert line: which alerts of the incident's cause fire now, by name, and when the
 * last one arrived, so a person sees that a second alert name or instance joined this incident
 * instead of opening another. Pure.
 */
import type { Incident } from '../../core/incident/model.js';
import { MAX_TRACKED_ALERTS } from '../../core/incident/model.js';
import { slackDate } from '../../format/relative-time.js';
import { escapeMrkdwn } from '../limits.js';
import { context } from './common.js';

export function alertLine(incident: Incident): ReturnType<typeof context> | undefined {
  const alerts = incident.alerts;
  if (!alerts || alerts.notifications === 0) return undefined;
  const n = alerts.firing.length;
  const count =
    n === 0
      ? 'no alert firing'
      : `${n >= MAX_TRACKED_ALERTS ? 'at least ' : ''}${n} alert${n === 1 ? '' : 's'} firing`;
  const names = alerts.names.map((name) => escapeMrkdwn(name)).join(', ');
  const last = alerts.lastAt ? ` · last ${slackDate(alerts.lastAt, '{time}')}` : '';
  return context(`🔔 ${count}${names ? ` (${names})` : ''}${last}`);
}
