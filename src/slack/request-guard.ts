/**
 * The one check every request to Slack's endpoint passes before Bolt sees it.
 * Bolt trusts the shape of a signed body: `payload=null` made it read
 * `body.ssl_check` on null in a promise nobody awaited, which ended the process
 * (one request took down every replica). Here the body is buffered (bounded),
 * parsed and checked; anything that is not a form or JSON object Slack could
 * have sent gets a 400. The buffered body is handed to Bolt as `rawBody`, which
 * Bolt reuses instead of reading the stream again. The signature is checked
 * first (Bolt's own verifier), so an unsigned request is a 401 whatever its
 * shape, as before; Bolt verifies it again on the same bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidSlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';

/** Bolt's own default; a bigger body is answered 413 here, before it is held in memory whole. */
export const SLACK_BODY_LIMIT = 4 * 1024 * 1024;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export type BodyCheck = { ok: true } | { ok: false; reason: string };

/** Whether a raw body is one Slack could have sent (a form with fields, or a JSON object). */
export function checkSlackBody(raw: string, contentType: string | undefined): BodyCheck {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/json') {
    const parsed = parseJson(raw);
    if (!isObject(parsed)) return { ok: false, reason: 'the JSON body is not an object' };
    if (typeof parsed.type !== 'string') return { ok: false, reason: 'the JSON body has no string type' };
    // Bolt reads event.type unguarded: `event: null` was a 500 and an error-level log.
    if (
      parsed.type === 'event_callback' &&
      (!isObject(parsed.event) || typeof parsed.event.type !== 'string')
    )
      return { ok: false, reason: 'event_callback without an event object with a string type' };
    return { ok: true };
  }
  if (media !== 'application/x-www-form-urlencoded')
    return { ok: false, reason: `unsupported content type '${media.slice(0, 60)}'` };
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(raw);
  } catch {
    return { ok: false, reason: 'the form body does not parse' };
  }
  const payload = form.get('payload');
  if (payload === null) {
    if (form.get('ssl_check') === '1') return { ok: true };
    if (typeof form.get('command') === 'string') return { ok: true };
    return { ok: false, reason: 'the form has neither a payload nor a command' };
  }
  const parsed = parseJson(payload);
  if (!isObject(parsed)) return { ok: false, reason: 'payload is not a JSON object' };
  if (typeof parsed.type !== 'string') return { ok: false, reason: 'payload has no string type' };
  // Every interaction Slack sends names its user; Bolt and the listeners read user.id unguarded.
  if (!isObject(parsed.user) || typeof parsed.user.id !== 'string')
    return { ok: false, reason: 'payload has no user with an id' };
  if (parsed.type === 'message_action' && (!isObject(parsed.message) || !isObject(parsed.channel)))
    return { ok: false, reason: 'message_action payload without its message and channel' };
  if (parsed.type === 'block_actions') {
    const actions = parsed.actions;
    if (!Array.isArray(actions) || !actions.every((a) => isObject(a) && typeof a.action_id === 'string'))
      return { ok: false, reason: 'block_actions payload without well-formed actions' };
  }
  if (parsed.type === 'view_submission' || parsed.type === 'view_closed') {
    if (!isObject(parsed.view)) return { ok: false, reason: `${parsed.type} payload without a view` };
  }
  for (const key of ['user', 'team', 'channel', 'container', 'message'] as const) {
    if (key in parsed && parsed[key] !== null && !isObject(parsed[key]))
      return { ok: false, reason: `payload.${key} is not an object` };
  }
  return { ok: true };
}

/**
 * Wraps Bolt's request listener: POSTs to `endpoint` are buffered and checked
 * first; an exception thrown synchronously by the listener is logged and
 * answered, never left to end the process.
 */
export function guardSlackRequests(
  listener: RequestListener,
  logger: Logger,
  options: { signingSecret?: string | undefined; endpoint?: string; bodyLimit?: number } = {},
): RequestListener {
  const endpoint = options.endpoint ?? '/slack/events';
  const limit = options.bodyLimit ?? SLACK_BODY_LIMIT;
  const pass = (req: IncomingMessage, res: ServerResponse) => {
    try {
      listener(req, res);
    } catch (error) {
      logger.error(
        { err: String(error), url: req.url?.slice(0, 100) },
        'request handler threw; request refused',
      );
      refuse(res, 400);
    }
  };
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== endpoint) return pass(req, res);
    readBody(req, limit).then(
      (body) => {
        if (body === 'too large') {
          logger.warn({ limit }, 'Slack request body over the limit; refused');
          return refuse(res, 413);
        }
        const text = body.toString('utf8');
        if (
          options.signingSecret !== undefined &&
          !isSslCheck(text) &&
          !signed(req, text, options.signingSecret)
        ) {
          logger.warn('Slack request with a missing or wrong signature refused');
          return refuse(res, 401);
        }
        const check = checkSlackBody(text, req.headers['content-type']);
        if (!check.ok) {
          logger.warn({ reason: check.reason }, 'malformed Slack request refused before Bolt');
          return refuse(res, 400);
        }
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        pass(req, res);
      },
      (error: unknown) => {
        logger.warn({ err: String(error) }, 'Slack request body could not be read');
        refuse(res, 400);
      },
    );
  };
}

/** Slack's SSL check is unsigned by design; Bolt answers it without looking further. */
function isSslCheck(text: string): boolean {
  return new URLSearchParams(text).get('ssl_check') === '1';
}

function signed(req: IncomingMessage, body: string, signingSecret: string): boolean {
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return false;
  return isValidSlackRequest({
    signingSecret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function refuse(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(
    status === 413 ? 'request body too large\n' : status === 401 ? 'unauthorized\n' : 'malformed request\n',
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
