/**
 * POST /alertmanager: Alertmanager's webhook, beside Slack's endpoint. A bearer
 * token (ALERTMANAGER_TOKEN) protects it; every answer is a clear HTTP status
 * with a JSON body, and a log line; nothing a sender does can crash the app.
 *
 * Never silent: alerts that cannot open an incident are posted once (per group, service
 * and episode) to the runbook's channel or ALERTMANAGER_CHANNEL with the line that opens
 * it by hand. The status tells Alertmanager to retry only when retrying can help
 * (Alertmanager retries 5xx and gives up on 4xx): a store or Slack outage is 503; a
 * missing label is 200 once people were told, 422 when nobody could be.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { MIMEType } from 'node:util';
import type { Logger } from 'pino';
import type { RunbookLibrary } from '../adapters/fs/runbook-library.js';
import { bearerMatches } from '../adapters/http/bearer.js';
import { readRequestBody } from '../adapters/http/request-body.js';
import {
  type AlertGroupPlan,
  type BlockedAlerts,
  parseAlertmanagerPayload,
  planAlertGroup,
  startLine,
} from '../core/alerts/alertmanager.js';
import { isGcIncidentError } from '../core/errors.js';
import { resolveInputs } from '../core/incident/inputs.js';
import type { Incident } from '../core/incident/model.js';
import type { Clock } from '../core/ports.js';
import { blockedAlertMessage, foldedAlertsMessage, refusedNotificationMessage } from './alert-notices.js';
import { describeError, userMessage } from './error-text.js';
import type { IncidentFlow } from './flow/flow.js';
import type { SlackGateway } from './gateway.js';
import type { QueuedSlackGateway } from './queued-gateway.js';

/** Alertmanager sends a whole group in one body; 10,000 alerts take about 11 MiB. */
export const MAX_BODY = 32 * 1024 * 1024;
/** Incidents one notification may open; the group's other services get one notice. */
export const MAX_INCIDENTS_PER_NOTIFICATION = 20;

export interface AlertmanagerRouteDeps {
  readonly token: string | undefined;
  readonly defaultChannel: string | undefined;
  readonly flow: IncidentFlow;
  readonly runbooks: RunbookLibrary;
  /** `enqueue` (the app's queued gateway): a notice counts as told once durably queued. */
  readonly slack: Pick<SlackGateway, 'post'> & Partial<Pick<QueuedSlackGateway, 'enqueue'>>;
  readonly logger: Logger;
  /** Paces the "too large" notice (once per ten minutes). */
  readonly clock: Clock;
  readonly maxBody?: number;
  /** How long a queued notice's delivery is waited for (default NOTICE_WAIT_MS). */
  readonly noticeWaitMs?: number;
}

/**
 * A notice durably queued counts as told: it goes out at the channel's pace, which in a storm
 * of blocked alerts (one notice per group) is minutes behind, far past Alertmanager's patience
 * and Slack's 3 s. A refusal Slack gives at once (channel_not_found) is still seen as untold.
 */
export const NOTICE_WAIT_MS = 1000;

function answer(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The media type proper (`application/json; charset=utf-8` yes, `text/plain; x=application/json` no). */
export function isJsonMediaType(header: string | undefined): boolean {
  if (!header) return false;
  try {
    return new MIMEType(header).essence === 'application/json';
  } catch {
    return false;
  }
}

/** Whether Alertmanager retrying the notification can help (an outage), or not (a missing label). */
function retryable(error: unknown): boolean {
  if (isGcIncidentError(error))
    return (
      error.code === 'STORE_UNAVAILABLE' || error.code === 'CONFLICT' || error.code.startsWith('METRICS_')
    );
  return true;
}

function inputProblem(
  runbook: Parameters<typeof resolveInputs>[0],
  inputs: Readonly<Record<string, string>>,
) {
  try {
    resolveInputs(runbook, inputs);
    return undefined;
  } catch (error) {
    if (isGcIncidentError(error) && error.code === 'INPUT_INVALID') return error.message;
    throw error;
  }
}

export function alertmanagerHandler(deps: AlertmanagerRouteDeps) {
  const log = deps.logger.child({ component: 'alertmanager' });
  const maxBody = deps.maxBody ?? MAX_BODY;
  // Notices already in Slack; the keyed post finds older ones after a restart or on a replica.
  const noticed = new Set<string>();
  let refusedNoticeAt = Number.NEGATIVE_INFINITY;

  /** Posts a notice once per key; false when Slack could not be told (then a retry can help). */
  async function notice(
    channel: string | undefined,
    key: string,
    message: Parameters<SlackGateway['post']>[1],
  ) {
    if (!channel) return false;
    if (noticed.has(key)) return true;
    try {
      if (deps.slack.enqueue) {
        const { delivered } = await deps.slack.enqueue(channel, message, undefined, { key, lookup: true });
        let answered = false;
        delivered.catch((error) => {
          if (answered)
            log.warn({ channel, err: describeError(error) }, 'Slack refused a queued alert notice');
        });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          delivered,
          new Promise((resolve) => {
            timer = setTimeout(resolve, deps.noticeWaitMs ?? NOTICE_WAIT_MS);
          }),
        ]).finally(() => clearTimeout(timer));
        answered = true;
      } else {
        await deps.slack.post(channel, message, undefined, { key, lookup: true });
      }
      if (noticed.size > 10_000) noticed.clear();
      noticed.add(key);
      return true;
    } catch (error) {
      log.warn({ channel, err: describeError(error) }, 'could not post the alert notice to Slack');
      return false;
    }
  }

  const channelOf = (blocked: BlockedAlerts) =>
    blocked.runbook?.metadata.owner.slackChannel || deps.defaultChannel;

  async function refuseTooLarge(res: ServerResponse): Promise<void> {
    const reason = `its body is larger than ${maxBody} bytes`;
    log.warn({ maxBody }, 'Alertmanager notification refused: too large');
    // Once per ten minutes: Alertmanager's retries of the same body must not flood the channel.
    const now = deps.clock.now().getTime();
    if (now - refusedNoticeAt > 600_000 && deps.defaultChannel) {
      refusedNoticeAt = now;
      await notice(
        deps.defaultChannel,
        `alertmanager:too-large:${refusedNoticeAt}`,
        refusedNotificationMessage(reason),
      );
    }
    answer(res, 413, {
      error: `the body is larger than ${maxBody} bytes; set max_alerts in the webhook config`,
    });
  }

  async function open(plan: AlertGroupPlan) {
    // Say in the thread which alerts this incident stands for, once its card is there; the
    // answer does not wait for the channel's posting pace (posts are queued durably).
    const listFolded = async (incident: Incident) => {
      if (plan.alerts.length < 2 || !incident.card) return;
      await deps.slack
        .post(incident.card.channel, foldedAlertsMessage(plan.alerts), incident.card.ts, {
          key: `${plan.key}:folded`,
          lookup: true,
          incidentId: incident.id,
        })
        .catch((error) => log.warn({ err: describeError(error) }, 'could not list the folded alerts'));
    };
    const outcome = await deps.flow.startFromAlert(plan, deps.defaultChannel, listFolded);
    // A fleet's table lists its services: no thread message per joining group.
    if (outcome.incident.card && outcome.kind !== 'fleet' && outcome.kind !== 'fleet-opened')
      deps.flow.track(listFolded(outcome.incident));
    return outcome;
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!deps.token) {
        log.warn('an Alertmanager notification arrived but ALERTMANAGER_TOKEN is not set');
        return answer(res, 503, {
          error:
            'the Alertmanager intake is off: set ALERTMANAGER_TOKEN on gc-incident and the same bearer token in Alertmanager',
        });
      }
      if (!bearerMatches(req.headers.authorization, deps.token)) {
        log.warn(
          { from: req.socket.remoteAddress },
          'Alertmanager notification refused: missing or wrong bearer token',
        );
        return answer(
          res,
          401,
          { error: 'missing or wrong bearer token (Authorization: Bearer …)' },
          { 'www-authenticate': 'Bearer' },
        );
      }
      if (!isJsonMediaType(req.headers['content-type'])) {
        return answer(res, 415, { error: 'send application/json (Alertmanager webhook payload)' });
      }
      if (Number(req.headers['content-length'] ?? 0) > maxBody) {
        req.resume();
        return await refuseTooLarge(res);
      }
      const raw = await readRequestBody(req, maxBody);
      if (!raw) return await refuseTooLarge(res);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        log.warn({ err: String(error) }, 'Alertmanager notification is not JSON');
        return answer(res, 400, { error: `the body is not JSON: ${(error as Error).message}` });
      }
      const parsed = parseAlertmanagerPayload(body);
      if (!parsed.ok) {
        log.warn({ problem: parsed.problem }, 'Alertmanager notification refused');
        return answer(res, 422, { error: parsed.problem });
      }
      const { plans, blocked, unknown } = planAlertGroup(parsed.payload, deps.runbooks.list(), inputProblem);
      const opened: string[] = [];
      const existing: string[] = [];
      const relapsed: string[] = [];
      const resolved: string[] = [];
      const folded: Record<string, string[]> = {};
      const failed: { runbook: string; error: string }[] = [];
      let retry = false;
      let untold = false;
      const firingPlans = plans.filter((p) => p.alerts.some((a) => a.status === 'firing'));
      const overflow = firingPlans.slice(MAX_INCIDENTS_PER_NOTIFICATION);
      for (const plan of plans) {
        if (overflow.includes(plan)) continue;
        try {
          if (firingPlans.includes(plan)) {
            const outcome = await open(plan);
            const list = outcome.opened ? opened : outcome.kind === 'relapsed' ? relapsed : existing;
            if (!list.includes(outcome.incident.id)) list.push(outcome.incident.id);
            folded[outcome.incident.id] = plan.alerts.map((a) => a.fingerprint);
          } else {
            const incident = await deps.flow.alertResolved(plan);
            if (incident) resolved.push(incident.id);
          }
        } catch (error) {
          log.warn(
            { runbook: plan.runbook.metadata.id, err: describeError(error) },
            'alert group not handled',
          );
          failed.push({ runbook: plan.runbook.metadata.id, error: userMessage(error) });
          const canRetry = retryable(error);
          retry ||= canRetry;
          const alertname = plan.alerts[0]?.labels.alertname ?? plan.runbook.metadata.id;
          const asBlocked: BlockedAlerts = {
            alerts: plan.alerts,
            alertname,
            runbook: plan.runbook,
            problem: userMessage(error),
            startLine: startLine(plan.runbook.metadata.id, plan.inputs, [], plan.service),
            key: `${plan.key}:failed`,
          };
          const told = await notice(
            channelOf(asBlocked),
            asBlocked.key,
            blockedAlertMessage(asBlocked, canRetry ? `${userMessage(error)}.` : undefined),
          );
          untold ||= !told;
        }
      }
      if (overflow.length > 0) {
        const alerts = overflow.flatMap((p) => p.alerts);
        const first = overflow[0] as AlertGroupPlan;
        const over: BlockedAlerts = {
          alerts,
          alertname: first.alerts[0]?.labels.alertname ?? first.runbook.metadata.id,
          runbook: first.runbook,
          problem: `this notification names ${firingPlans.length} services; at most ${MAX_INCIDENTS_PER_NOTIFICATION} incidents open per notification, so ${overflow.length} more did not (group alerts by job in Alertmanager, or open them by hand)`,
          startLine: startLine(first.runbook.metadata.id, first.inputs, [], first.service),
          key: `alertmanager:${parsed.payload.groupKey}:overflow:${first.key}`,
        };
        untold ||= !(await notice(channelOf(over), over.key, blockedAlertMessage(over)));
      }
      for (const b of blocked) {
        const told = await notice(channelOf(b), b.key, blockedAlertMessage(b));
        untold ||= !told;
        // A channel exists but Slack did not take the notice: a retry can tell people later.
        if (!told && channelOf(b)) retry = true;
      }
      log.info(
        {
          groupKey: parsed.payload.groupKey,
          status: parsed.payload.status,
          opened,
          existing,
          relapsed,
          resolved,
          blocked: blocked.map((b) => ({ alert: b.alertname, problem: b.problem })),
          overflow: overflow.length,
        },
        'Alertmanager notification',
      );
      const handled = opened.length + existing.length + relapsed.length + resolved.length;
      const status = retry
        ? 503
        : (failed.length > 0 || blocked.length > 0) && untold && handled === 0
          ? 422
          : 200;
      return answer(res, status, {
        opened,
        existing,
        relapsed,
        resolved,
        folded,
        unknown: unknown.map((a) => a.labels.alertname ?? a.fingerprint),
        blocked: blocked.map((b) => ({ alert: b.alertname, problem: b.problem, start: b.startLine })),
        notOpened: overflow.map((p) =>
          Object.entries(p.inputs)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        ),
        failed,
        ...(parsed.payload.truncatedAlerts > 0 ? { truncatedAlerts: parsed.payload.truncatedAlerts } : {}),
      });
    } catch (error) {
      log.error({ err: describeError(error) }, 'Alertmanager notification failed');
      if (!res.headersSent)
        answer(res, 500, { error: 'the notification could not be handled; see the app log' });
    }
  };
}
