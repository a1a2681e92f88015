/**
 * Alerts attached to an incident: which are firing, which names were seen. A notification that
 * changes neither (Alertmanager repeats itself) records nothing, so no idempotency key is needed.
 */
import type { IncidentCommand } from './commands.js';
import type { PendingEvent } from './decide.js';
import { type AlertSummary, type Incident, MAX_ALERT_NAMES, MAX_TRACKED_ALERTS } from './model.js';

type Attach = Extract<IncidentCommand, { type: 'attach-alerts' }>;

const EMPTY: AlertSummary = { firing: [], names: [], notifications: 0, lastAt: '' };

export function decideAttach(incident: Incident, command: Attach): PendingEvent[] {
  const before = incident.alerts ?? EMPTY;
  const firing = new Set(before.firing);
  const started = [...new Set(command.firing.map((a) => a.fingerprint))].filter((f) => !firing.has(f));
  const stopped = [...new Set(command.resolved)].filter((f) => firing.has(f));
  const names = [...new Set(command.firing.map((a) => a.name))].filter((n) => !before.names.includes(n));
  if (started.length === 0 && stopped.length === 0 && names.length === 0) return [];
  return [{ type: 'alerts.attached', data: { firing: started, resolved: stopped, names } }];
}

export function applyAttached(incident: Incident, data: Record<string, unknown>, at: string): AlertSummary {
  const before = incident.alerts ?? EMPTY;
  const resolved = new Set(data.resolved as string[]);
  const firing = [...before.firing.filter((f) => !resolved.has(f)), ...(data.firing as string[])];
  return {
    // Past the cap, the newest fingerprints are not tracked (the count on the card says "at least").
    firing: firing.slice(0, MAX_TRACKED_ALERTS),
    names: [...before.names, ...(data.names as string[])].slice(0, MAX_ALERT_NAMES),
    notifications: before.notifications + 1,
    lastAt: at,
  };
}
