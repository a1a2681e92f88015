/**
 * POST /alertmanager: Alertmanager's webhook, beside Slack's endpoint. A bearer
 * token (ALERTMANAGER_TOKEN) protects it; every answer is a clear HTTP status
 * with a JSON body, and a log line; nothing a sender does can crash the app.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RunbookLibrary } from '../adapters/fs/runbook-library.js';
import { parseAlertmanagerPayload, planAlertGroup } from '../core/alerts/alertmanager.js';
import { describeError, type IncidentFlow, userMessage } from './incident-flow.js';

const MAX_BODY = 1024 * 1024;

export interface AlertmanagerRouteDeps {
  readonly token: string | undefined;
  readonly defaultChannel: string | undefined;
  readonly flow: IncidentFlow;
  readonly runbooks: RunbookLibrary;
  readonly logger: Logger;
}

function answer(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function alertmanagerHandler(deps: AlertmanagerRouteDeps) {
  const log = deps.logger.child({ component: 'alertmanager' });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (!deps.token) {
        log.warn('an Alertmanager notification arrived but ALERTMANAGER_TOKEN is not set');
        return answer(res, 503, {
          error:
            'the Alertmanager intake is off: set ALERTMANAGER_TOKEN on gc-incident and the same bearer token in Alertmanager',
        });
      }
      if (!tokenMatches(req.headers.authorization, deps.token)) {
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
      if (!/application\/json/i.test(req.headers['content-type'] ?? '')) {
        return answer(res, 415, { error: 'send application/json (Alertmanager webhook payload)' });
      }
      const raw = await readBody(req);
      if (!raw) return answer(res, 413, { error: `the body is larger than ${MAX_BODY} bytes` });
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
      const { plans, unknown } = planAlertGroup(parsed.payload, deps.runbooks.list());
      for (const alert of unknown) {
        log.warn(
          { alertname: alert.labels.alertname, fingerprint: alert.fingerprint },
          "no runbook for this alert (runbook_id label, or the alert name in a runbook's metadata.alerts)",
        );
      }
      const opened: string[] = [];
      const existing: string[] = [];
      const resolved: string[] = [];
      const failed: { runbook: string; error: string }[] = [];
      for (const plan of plans) {
        try {
          const firing = plan.alerts.some((a) => a.status === 'firing');
          if (firing) {
            const outcome = await deps.flow.startFromAlert(plan, deps.defaultChannel);
            (outcome.opened ? opened : existing).push(outcome.incident.id);
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
        }
      }
      log.info(
        {
          groupKey: parsed.payload.groupKey,
          status: parsed.payload.status,
          opened,
          existing,
          resolved,
          unknown: unknown.length,
        },
        'Alertmanager notification',
      );
      const status = failed.length > 0 && opened.length + existing.length + resolved.length === 0 ? 422 : 200;
      return answer(res, status, {
        opened,
        existing,
        resolved,
        unknown: unknown.map((a) => a.labels.alertname ?? a.fingerprint),
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
