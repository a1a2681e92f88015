/**
 * What people see when Alertmanager's alerts cannot become incidents: the alert, what is
 * missing, and the exact `/gc-incident start …` line that opens the incident by hand. One
 * message per alert group, service and episode (a keyed post: a repeat notification, another
 * replica or a restart finds it and posts nothing), so repeats never flood the channel.
 */
import type { AlertmanagerAlert, BlockedAlerts } from '../core/alerts/alertmanager.js';
import { context, type SlackMessage, section } from './blocks/common.js';
import { escapeMrkdwn, LIMITS } from './limits.js';

/** Alerts listed by their distinguishing labels (job, instance), at most `max`. */
export function alertList(alerts: readonly AlertmanagerAlert[], max = 10): string {
  const shown = alerts.slice(0, max).map((a) => {
    const where = ['job', 'instance', 'service']
      .filter((l) => a.labels[l] !== undefined)
      .map((l) => `${l}=${a.labels[l]}`)
      .join(' ');
    return `${a.labels.alertname ?? 'alert'}${where ? ` {${where}}` : ''} (${a.fingerprint})`;
  });
  const more = alerts.length > max ? [`… and ${alerts.length - max} more`] : [];
  return [...shown, ...more].map((l) => `• ${escapeMrkdwn(l)}`).join('\n');
}

export function blockedAlertMessage(blocked: BlockedAlerts, transient?: string): SlackMessage {
  const runbookUrl = blocked.alerts.find((a) => a.annotations.runbook_url)?.annotations.runbook_url;
  const title = transient
    ? `:warning: Alert *${escapeMrkdwn(blocked.alertname)}* has not opened an incident yet`
    : `:warning: Alert *${escapeMrkdwn(blocked.alertname)}* could not open an incident`;
  const why = transient
    ? `${escapeMrkdwn(transient)} Alertmanager retries the notification; if it keeps failing, open the incident by hand:`
    : `${escapeMrkdwn(blocked.problem)}.\nOpen the incident by hand (fill in what is in angle brackets):`;
  const text = `${title}\n${why}\n\`\`\`${escapeMrkdwn(blocked.startLine)}\`\`\``;
  const summary = blocked.alerts[0]?.annotations.summary;
  return {
    text: `Alert ${blocked.alertname} could not open an incident: ${transient ?? blocked.problem}. ${blocked.startLine}`
      .replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c)
      .slice(0, LIMITS.messageText),
    blocks: [
      section(text),
      context(
        [
          summary ? escapeMrkdwn(summary) : undefined,
          alertList(blocked.alerts, 5),
          runbookUrl && /^https?:\/\//.test(runbookUrl) ? `<${encodeURI(runbookUrl)}|runbook>` : undefined,
        ]
          .filter(Boolean)
          .join('\n'),
      ),
    ],
  };
}

/** A thread note on an incident that more than one alert opened or joined. */
export function foldedAlertsMessage(alerts: readonly AlertmanagerAlert[]): SlackMessage {
  const text = `:link: ${alerts.length} alerts of this group are folded into this incident:\n${alertList(alerts, 20)}`;
  return { text: `${alerts.length} alerts folded into this incident`, blocks: [section(text)] };
}

/** A notification the intake refused before reading its alerts (too large). */
export function refusedNotificationMessage(reason: string): SlackMessage {
  const text = `:warning: An Alertmanager notification was refused: ${escapeMrkdwn(reason)}\nIts alerts opened no incident. Set \`max_alerts\` in the webhook config or group alerts by \`job\` (\`group_by: [alertname, job]\`).`;
  return {
    text: `An Alertmanager notification was refused: ${escapeMrkdwn(reason)}`,
    blocks: [section(text)],
  };
}
