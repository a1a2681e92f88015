/**
 * A loopback server that speaks Slack's Web API for the methods gc-incident
 * uses. It checks the bot token, enforces Block Kit limits and trigger_id
 * rules, keeps channels and messages, records every call, and can be told to
 * answer with errors or rate limits (HTTP 429 with Retry-After).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageViolations, parseMaybeJson, viewViolations } from './slack-limits.js';

type Json = Record<string, unknown>;

export interface RecordedCall {
  readonly method: string;
  readonly body: Json;
  readonly ok: boolean;
  readonly error?: string | undefined;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string | undefined;
  text: string;
  blocks: Json[];
  updates: number;
  /** chat.postMessage's `metadata` ({event_type, event_payload}), returned by history only on request. */
  metadata?: Json | undefined;
  /** Attachments (the card's severity bar) and whether a thread reply was also sent to the channel. */
  attachments?: Json[] | undefined;
  broadcast?: boolean | undefined;
  /** Who wrote it: a person (say()) or the bot (chat.postMessage). */
  user?: string | undefined;
  /** Reaction name → users, in the order they reacted (react()/unreact()). */
  reactions?: Map<string, string[]> | undefined;
}

/**
 * `lost`: Slack carries the call out and the answer never arrives (the connection drops);
 * `pass`: this call is answered as usual (a fault for a later call of the same method).
 */
type Fault = { error: string } | { status: 429; retryAfter: number } | { lost: true } | { pass: true };

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: StoredMessage[] = [];
  /** Uploaded files; `text` for text files (a postmortem's Markdown, JSON, HTML), for tests to read. */
  readonly files: {
    channel: string;
    threadTs: string;
    filename: string;
    title: string;
    bytes: number;
    text?: string | undefined;
  }[] = [];
  readonly views: { id: string; view: Json; hash: string }[] = [];
  readonly responses: { url: string; body: Json }[] = [];
  /** Channels that exist; the bot is a member of those marked true. */
  readonly channels = new Map<string, boolean>();
  /** Channels the bot cannot join by itself (private): conversations.join refuses, as Slack does. */
  readonly privateChannels = new Set<string>();
  readonly groups = new Map<string, { handle: string; users: string[] }>();
  /** Workspace members users.info knows: id → real name and IANA time zone. */
  readonly users = new Map<
    string,
    { name: string; realName: string; tz: string; email?: string; deleted?: boolean }
  >();
  /** Block types this workspace does not draw: a message carrying one is refused with invalid_blocks. */
  readonly refusedBlockTypes = new Set<string>();
  /** Scopes the app was not granted: methods needing them answer missing_scope, as Slack does. */
  readonly missingScopes = new Set<string>();
  /** Channels by name (conversations.create), with topic, members, bookmarks, pins and whether archived. */
  readonly created = new Map<
    string,
    {
      id: string;
      topic: string;
      members: string[];
      bookmarks: { title: string; link: string }[];
      pins: string[];
      archived: boolean;
      /** Who made it: the bot (conversations.create) or, unset, someone else. */
      creator?: string | undefined;
    }
  >();
  /** Canvases: id → title, markdown, the channel whose canvas it is, and how often it was edited. */
  readonly canvases = new Map<
    string,
    { title: string; markdown: string; channel?: string | undefined; edits: number }
  >();
  private readonly faults = new Map<string, Fault[]>();
  private readonly stalled = new Set<string>();
  private readonly stalledChannels = new Set<string>();
  private readonly stalledAnswers = new Set<string>();
  private readonly slowMethods = new Map<string, number>();
  private readonly held: (() => void)[] = [];
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly uploads = new Map<string, { filename: string; bytes: number; text?: string }>();
  private server?: Server;
  /** Socket Mode: the WebSocket URL apps.connections.open hands out, when a test serves one. */
  socketUrl?: string;
  readonly appToken = 'xapp-1-A0000001-0000-test';
  private tsCounter = 0;
  port = 0;
  /**
   * Slack's per-channel pace for chat.postMessage (about one per second): a post sooner than
   * this after the channel's last one gets HTTP 429 with Retry-After, as Slack answers. Off: 0.
   */
  channelPaceMs = 0;
  /** Posts refused by the channel pace. */
  rateLimited = 0;
  private readonly lastPost = new Map<string, number>();

  constructor(
    readonly token = 'xoxb-test-token-0000',
    private readonly now: () => number = Date.now,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** A trigger id as Slack issues with an interaction: valid for 3 s, once. */
  trigger(): string {
    const id = `${Math.floor(this.now())}.${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    this.triggers.set(id, { issuedAt: this.now(), used: false });
    return id;
  }

  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${randomUUID()}`;
  }

  /** The next calls of `method` fail this way, in order. */
  failNext(method: string, ...faults: Fault[]): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
  }

  /**
   * Calls of `method` get no answer until unstall(), as when Slack hangs; a call whose client
   * went away meanwhile (its process was killed) is dropped unanswered, as if never received.
   */
  stall(method: string): void {
    this.stalled.add(method);
  }

  /**
   * Calls of `method` are carried out (a post is stored) and then get no answer until
   * unstall(): Slack did it, the caller never heard so (its process was killed meanwhile).
   */
  stallAnswer(method: string): void {
    this.stalledAnswers.add(method);
  }

  /** Calls of `method` are carried out `ms` later than they arrive, as when Slack is slow. */
  slow(method: string, ms: number): void {
    this.slowMethods.set(method, ms);
  }

  /** Posts in `channel` get no answer until unstall(): a channel whose queue is slow to drain. */
  stallChannel(channel: string): void {
    this.stalledChannels.add(channel);
  }

  unstall(): void {
    this.stalled.clear();
    this.stalledChannels.clear();
    this.stalledAnswers.clear();
    for (const resume of this.held.splice(0)) resume();
  }

  /** Calls waiting in a stall. */
  get stalledCalls(): number {
    return this.held.length;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  threadOf(channel: string, ts: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === ts);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** A person writes in a channel or thread, as Slack stores it (mrkdwn with entities escaped). */
  say(channel: string, user: string, text: string, threadTs?: string): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.nextTs(),
      threadTs,
      text,
      blocks: [],
      updates: 0,
      user,
    };
    this.messages.push(message);
    return message;
  }

  /** A person reacts to a message (what Slack stores before it sends reaction_added). */
  react(channel: string, ts: string, user: string, name: string): void {
    const message = this.message(channel, ts);
    if (!message) throw new Error(`no message ${channel}/${ts}`);
    message.reactions ??= new Map();
    const users = message.reactions.get(name) ?? [];
    if (!users.includes(user)) message.reactions.set(name, [...users, user]);
  }

  unreact(channel: string, ts: string, user: string, name: string): void {
    const users = (this.message(channel, ts)?.reactions?.get(name) ?? []).filter((u) => u !== user);
    if (users.length > 0) this.message(channel, ts)?.reactions?.set(name, users);
    else this.message(channel, ts)?.reactions?.delete(name);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = req.url ?? '/';
    if (url.startsWith('/response/')) {
      const body = JSON.parse(raw.toString('utf8') || '{}') as Json;
      this.responses.push({ url, body });
      const problems = messageViolations(body);
      this.calls.push({
        method: 'response_url',
        body,
        ok: problems.length === 0,
        error: problems.join('; ') || undefined,
      });
      res.writeHead(problems.length === 0 ? 200 : 400, { 'content-type': 'text/plain' });
      res.end(problems.length === 0 ? 'ok' : 'invalid_blocks');
      return;
    }
    if (url.startsWith('/upload/')) {
      const id = url.slice('/upload/'.length);
      const pending = this.uploads.get(id);
      if (pending) pending.bytes = raw.length;
      if (pending && /\.(md|json|html|txt)$/.test(pending.filename)) pending.text = fileText(raw);
      res.writeHead(pending ? 200 : 404);
      res.end(pending ? 'OK' : 'not found');
      return;
    }
    const method = url.replace(/^\/api\//, '').split('?')[0] ?? '';
    const slow = this.slowMethods.get(method);
    // waits: a slow Slack method, for as long as the test asked (a few hundred ms)
    if (slow) await new Promise((r) => setTimeout(r, slow));
    if (this.stalled.has(method)) {
      await new Promise<void>((resume) => this.held.push(resume));
      if (req.socket.destroyed) return;
    }
    const body = parseBody(req.headers['content-type'] ?? '', raw);
    if (method === 'chat.postMessage' && this.stalledChannels.has(String(body.channel))) {
      await new Promise<void>((resume) => this.held.push(resume));
      if (req.socket.destroyed) return;
    }
    const queued = this.faults.get(method)?.shift();
    if (queued && 'lost' in queued) {
      const done = this.dispatch(method, body) ?? this.dispatchPlaces(method, body);
      this.calls.push({ method, body, ok: done.ok === true, error: 'answer lost' });
      req.socket.destroy();
      return;
    }
    const fault = queued && 'pass' in queued ? undefined : queued;
    if (fault && 'status' in fault) {
      this.calls.push({ method, body, ok: false, error: 'ratelimited' });
      res.writeHead(429, { 'retry-after': String(fault.retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (method === 'chat.postMessage' && this.channelPaceMs > 0 && typeof body.channel === 'string') {
      const last = this.lastPost.get(body.channel) ?? Number.NEGATIVE_INFINITY;
      const wait = last + this.channelPaceMs - this.now();
      if (wait > 0) {
        this.rateLimited += 1;
        this.calls.push({ method, body, ok: false, error: 'ratelimited' });
        res.writeHead(429, {
          'retry-after': String(Math.ceil(wait / 1000)),
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      this.lastPost.set(body.channel, this.now());
    }
    const auth = req.headers.authorization ?? (typeof body.token === 'string' ? `Bearer ${body.token}` : '');
    let answer: Json;
    if (auth !== `Bearer ${this.token}` && method !== 'apps.connections.open')
      answer = { ok: false, error: 'invalid_auth' };
    else if (fault) answer = { ok: false, error: fault.error };
    else if (SCOPES[method] && this.missingScopes.has(SCOPES[method] as string))
      answer = { ok: false, error: 'missing_scope', needed: SCOPES[method] };
    else answer = this.dispatch(method, body) ?? this.dispatchPlaces(method, body);
    this.calls.push({
      method,
      body,
      ok: answer.ok === true,
      error: answer.ok ? undefined : String(answer.error),
    });
    if (this.stalledAnswers.has(method)) {
      await new Promise<void>((resume) => this.held.push(resume));
      if (req.socket.destroyed) return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  private asHistory(m: StoredMessage, body: Json): Json {
    const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
    return {
      type: 'message',
      ts: m.ts,
      text: m.text,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  private refusedBlocks(body: Json): string[] {
    const blocks = (parseMaybeJson(body.blocks) as Json[] | undefined) ?? [];
    return blocks
      .filter((b) => this.refusedBlockTypes.has(String(b.type)))
      .map((b) => `unsupported block type ${String(b.type)}`);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private channelProblem(channel: unknown): string | undefined {
    if (typeof channel !== 'string' || !this.channels.has(channel)) return 'channel_not_found';
    if (!this.channels.get(channel)) return 'not_in_channel';
    return undefined;
  }

  /** A created channel by id. */
  channelById(id: string) {
    return [...this.created.values()].find((c) => c.id === id);
  }

  /** Channels, bookmarks, pins and canvases, as Slack answers them (docs.slack.dev/reference/methods/…). */
  private dispatchPlaces(method: string, body: Json): Json {
    const place = (key: string) => this.channelById(String(body[key]));
    switch (method) {
      case 'conversations.create': {
        const name = String(body.name ?? '');
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if (this.created.has(name)) return { ok: false, error: 'name_taken' };
        const id = `C${randomUUID().replace(/-/g, '').slice(0, 9).toUpperCase()}`;
        this.created.set(name, {
          id,
          topic: '',
          members: ['UBOT00001'],
          bookmarks: [],
          pins: [],
          archived: false,
          creator: 'UBOT00001',
        });
        this.channels.set(id, true);
        return { ok: true, channel: { id, name, is_channel: true } };
      }
      case 'conversations.list': {
        // One page of at most `limit` channels, as Slack pages them (response_metadata.next_cursor).
        const all = [...this.created.entries()].filter(
          ([, c]) => !(c.archived && (body.exclude_archived === true || body.exclude_archived === 'true')),
        );
        const start = Number(body.cursor ?? 0) || 0;
        const limit = Math.min(Number(body.limit ?? 100) || 100, 1000);
        const page = all.slice(start, start + limit);
        const next = start + limit < all.length ? String(start + limit) : '';
        return {
          ok: true,
          channels: page.map(([name, c]) => ({
            id: c.id,
            name,
            is_channel: true,
            is_archived: c.archived,
            ...(c.creator ? { creator: c.creator } : {}),
          })),
          response_metadata: { next_cursor: next },
        };
      }
      case 'conversations.info': {
        const id = String(body.channel);
        const entry = [...this.created.entries()].find(([, c]) => c.id === id);
        if (!entry && !this.channels.has(id)) return { ok: false, error: 'channel_not_found' };
        const [name, c] = entry ?? [id.toLowerCase(), undefined];
        return {
          ok: true,
          channel: {
            id,
            name,
            is_channel: true,
            is_archived: c?.archived ?? false,
            topic: { value: c?.topic ?? '', creator: '', last_set: 0 },
          },
        };
      }
      case 'bookmarks.list': {
        const c = place('channel_id');
        if (!c) return { ok: false, error: 'channel_not_found' };
        return { ok: true, bookmarks: c.bookmarks.map((b, i) => ({ id: `Bk${i + 1}`, ...b, type: 'link' })) };
      }
      case 'conversations.setTopic': {
        const c = place('channel');
        if (!c) return { ok: false, error: 'channel_not_found' };
        if (c.archived) return { ok: false, error: 'is_archived' };
        if (String(body.topic).length > 250) return { ok: false, error: 'too_long' };
        c.topic = String(body.topic);
        return { ok: true };
      }
      case 'conversations.invite': {
        const c = place('channel');
        if (!c) return { ok: false, error: 'channel_not_found' };
        const users = String(body.users ?? '')
          .split(',')
          .filter((u) => u !== '');
        if (users.includes('UBOT00001')) return { ok: false, error: 'cant_invite_self' };
        if (users.length === 0 || users.length > 1000) return { ok: false, error: 'no_user' };
        if (users.every((u) => c.members.includes(u))) return { ok: false, error: 'already_in_channel' };
        for (const u of users) if (!c.members.includes(u)) c.members.push(u);
        return { ok: true, channel: { id: c.id } };
      }
      case 'bookmarks.add': {
        const c = place('channel_id');
        if (!c) return { ok: false, error: 'channel_not_found' };
        if (body.type !== 'link' || !/^https?:\/\//.test(String(body.link)))
          return { ok: false, error: 'invalid_link' };
        c.bookmarks.push({ title: String(body.title), link: String(body.link) });
        return { ok: true, bookmark: { id: `Bk${c.bookmarks.length}`, title: body.title, link: body.link } };
      }
      case 'pins.add': {
        const c = place('channel');
        if (!c) return { ok: false, error: 'channel_not_found' };
        if (!this.message(c.id, String(body.timestamp))) return { ok: false, error: 'message_not_found' };
        if (c.pins.includes(String(body.timestamp))) return { ok: false, error: 'already_pinned' };
        c.pins.push(String(body.timestamp));
        return { ok: true };
      }
      case 'conversations.archive': {
        const c = place('channel');
        if (!c) return { ok: false, error: 'channel_not_found' };
        if (c.archived) return { ok: false, error: 'already_archived' };
        c.archived = true;
        this.channels.set(c.id, false);
        return { ok: true };
      }
      case 'canvases.create':
      case 'conversations.canvases.create': {
        const content = parseMaybeJson(body.document_content) as Json | undefined;
        if (content?.type !== 'markdown' || typeof content.markdown !== 'string')
          return { ok: false, error: 'canvas_creation_failed' };
        const channel = method === 'conversations.canvases.create' ? String(body.channel_id) : undefined;
        if (channel !== undefined && !this.channels.has(channel))
          return { ok: false, error: 'channel_not_found' };
        if (channel !== undefined && [...this.canvases.values()].some((c) => c.channel === channel))
          return { ok: false, error: 'channel_canvas_already_exists' };
        const id = `F${randomUUID().replace(/-/g, '').slice(0, 9).toUpperCase()}`;
        this.canvases.set(id, {
          title: String(body.title ?? ''),
          markdown: content.markdown,
          channel,
          edits: 0,
        });
        return { ok: true, canvas_id: id };
      }
      case 'canvases.edit': {
        const canvas = this.canvases.get(String(body.canvas_id));
        if (!canvas) return { ok: false, error: 'canvas_not_found' };
        const changes = (parseMaybeJson(body.changes) as Json[] | undefined) ?? [];
        const change = changes[0];
        const content = change?.document_content as Json | undefined;
        if (changes.length !== 1 || change?.operation !== 'replace' || typeof content?.markdown !== 'string')
          return { ok: false, error: 'canvas_editing_failed' };
        canvas.markdown = content.markdown;
        canvas.edits += 1;
        return { ok: true };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private dispatch(method: string, body: Json): Json | undefined {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          user_id: 'UBOT00001',
          bot_id: 'BBOT00001',
          team_id: 'T00000001',
          user: 'gc-incident',
        };
      case 'chat.postMessage': {
        const problem = this.channelProblem(body.channel);
        if (problem) return { ok: false, error: problem };
        const violations = [...messageViolations(body), ...this.refusedBlocks(body)];
        if (violations.length > 0) return { ok: false, error: 'invalid_blocks', errors: violations };
        const ts = this.nextTs();
        const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
        if (threadTs && !this.message(String(body.channel), threadTs))
          return { ok: false, error: 'thread_not_found' };
        const metadata = parseMaybeJson(body.metadata) as Json | undefined;
        if (
          metadata !== undefined &&
          (typeof metadata.event_type !== 'string' ||
            typeof metadata.event_payload !== 'object' ||
            metadata.event_payload === null)
        )
          return { ok: false, error: 'invalid_metadata_format' };
        this.messages.push({
          channel: String(body.channel),
          ts,
          threadTs,
          text: String(body.text ?? ''),
          blocks: (parseMaybeJson(body.blocks) as Json[] | undefined) ?? [],
          updates: 0,
          metadata,
          attachments: parseMaybeJson(body.attachments) as Json[] | undefined,
          broadcast: threadTs !== undefined && [true, 'true'].includes(body.reply_broadcast as never),
          user: 'UBOT00001',
        });
        return { ok: true, channel: body.channel, ts };
      }
      // Messages carry their metadata only with include_all_metadata, as Slack's do.
      case 'conversations.history': {
        const problem = this.channelProblem(body.channel);
        if (problem) return { ok: false, error: problem };
        // latest (with inclusive) bounds the page as Slack does: messages at or before it.
        const latest = body.latest === undefined ? undefined : String(body.latest);
        const inclusive = body.inclusive === true || body.inclusive === 'true';
        const top = this.messages
          .filter((m) => m.channel === body.channel && (!m.threadTs || m.threadTs === m.ts))
          .filter(
            (m) =>
              latest === undefined ||
              BigInt(m.ts.replace('.', '')) < BigInt(latest.replace('.', '')) ||
              (inclusive && m.ts === latest),
          )
          .reverse()
          .slice(0, Math.min(Number(body.limit ?? 100) || 100, 999));
        return { ok: true, messages: top.map((m) => this.asHistory(m, body)), has_more: false };
      }
      case 'conversations.replies': {
        const problem = this.channelProblem(body.channel);
        if (problem) return { ok: false, error: problem };
        const parent = this.message(String(body.channel), String(body.ts));
        if (!parent) return { ok: false, error: 'thread_not_found' };
        const thread = [
          parent,
          ...this.messages.filter((m) => m.channel === body.channel && m.threadTs === parent.ts),
        ].slice(0, Math.min(Number(body.limit ?? 1000) || 1000, 1000));
        return { ok: true, messages: thread.map((m) => this.asHistory(m, body)), has_more: false };
      }
      case 'chat.update': {
        const notIn = this.channelProblem(body.channel);
        if (notIn) return { ok: false, error: notIn };
        const stored = this.message(String(body.channel), String(body.ts));
        if (!stored) return { ok: false, error: 'message_not_found' };
        const violations = [...messageViolations(body), ...this.refusedBlocks(body)];
        if (violations.length > 0) return { ok: false, error: 'invalid_blocks', errors: violations };
        stored.text = String(body.text ?? '');
        stored.blocks = (parseMaybeJson(body.blocks) as Json[] | undefined) ?? [];
        stored.attachments = parseMaybeJson(body.attachments) as Json[] | undefined;
        stored.updates += 1;
        return { ok: true, channel: body.channel, ts: body.ts };
      }
      case 'chat.postEphemeral': {
        const problem = this.channelProblem(body.channel);
        if (problem) return { ok: false, error: problem };
        const violations = messageViolations(body);
        if (violations.length > 0) return { ok: false, error: 'invalid_blocks', errors: violations };
        return { ok: true, message_ts: this.nextTs() };
      }
      // As Slack answers: the message (with thread_ts in a thread) and its reactions; `full`
      // lists every reacting user, without it at most a few.
      case 'reactions.get': {
        const problem = this.channelProblem(body.channel);
        if (problem) return { ok: false, error: problem };
        const m = this.message(String(body.channel), String(body.timestamp));
        if (!m) return { ok: false, error: 'message_not_found' };
        const full = body.full === true || body.full === 'true';
        const reactions = [...(m.reactions ?? new Map<string, string[]>()).entries()].map(
          ([name, users]) => ({
            name,
            users: full ? users : users.slice(0, 5),
            count: users.length,
          }),
        );
        return {
          ok: true,
          type: 'message',
          channel: m.channel,
          message: {
            type: 'message',
            ts: m.ts,
            text: m.text,
            user: m.user,
            ...(m.user === 'UBOT00001' ? { bot_id: 'BBOT00001' } : {}),
            ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
            ...(reactions.length > 0 ? { reactions } : {}),
          },
        };
      }
      case 'chat.getPermalink': {
        const problem = this.channelProblem(body.channel);
        if (problem) return { ok: false, error: problem };
        return {
          ok: true,
          channel: body.channel,
          permalink: `https://example.slack.com/archives/${String(body.channel)}/p${String(body.message_ts).replace('.', '')}`,
        };
      }
      case 'conversations.join': {
        if (typeof body.channel !== 'string' || !this.channels.has(body.channel))
          return { ok: false, error: 'channel_not_found' };
        if (this.privateChannels.has(body.channel))
          return { ok: false, error: 'method_not_supported_for_channel_type' };
        this.channels.set(body.channel, true);
        return { ok: true, channel: { id: body.channel } };
      }
      case 'views.open':
      case 'views.push': {
        const trigger = this.triggers.get(String(body.trigger_id));
        if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
        if (trigger.used) return { ok: false, error: 'trigger_exchanged' };
        if (this.now() - trigger.issuedAt > 3000) return { ok: false, error: 'expired_trigger_id' };
        trigger.used = true;
        const view = parseMaybeJson(body.view) as Json;
        const violations = viewViolations(view);
        if (violations.length > 0)
          return { ok: false, error: 'invalid_arguments', response_metadata: { messages: violations } };
        const stored = { id: `V${randomUUID().slice(0, 8).toUpperCase()}`, view, hash: randomUUID() };
        this.views.push(stored);
        return { ok: true, view: { ...view, id: stored.id, hash: stored.hash } };
      }
      case 'views.update': {
        const stored = this.views.find((v) => v.id === body.view_id);
        if (!stored) return { ok: false, error: 'not_found' };
        if (body.hash && body.hash !== stored.hash) return { ok: false, error: 'hash_conflict' };
        const view = parseMaybeJson(body.view) as Json;
        const violations = viewViolations(view);
        if (violations.length > 0)
          return { ok: false, error: 'invalid_arguments', response_metadata: { messages: violations } };
        stored.view = view;
        stored.hash = randomUUID();
        return { ok: true, view: { ...view, id: stored.id, hash: stored.hash } };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
        this.uploads.set(id, { filename: String(body.filename), bytes: -1 });
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const problem = this.channelProblem(body.channel_id);
        if (problem) return { ok: false, error: problem };
        const files = parseMaybeJson(body.files) as { id: string; title?: string }[];
        for (const f of files) {
          const upload = this.uploads.get(f.id);
          if (!upload || upload.bytes < 0) return { ok: false, error: 'file_not_found' };
          this.files.push({
            channel: String(body.channel_id),
            threadTs: String(body.thread_ts ?? ''),
            filename: upload.filename,
            title: f.title ?? upload.filename,
            bytes: upload.bytes,
            text: upload.text,
          });
        }
        // Slack answers each file's object; its permalink is what a canvas embeds as an image.
        return {
          ok: true,
          files: files.map((f) => ({
            id: f.id,
            title: f.title ?? this.uploads.get(f.id)?.filename,
            name: this.uploads.get(f.id)?.filename,
            permalink: `https://example.slack.com/files/UBOT00001/${f.id}/${this.uploads.get(f.id)?.filename ?? 'file'}`,
          })),
        };
      }
      case 'usergroups.users.list': {
        const group = this.groups.get(String(body.usergroup));
        return group ? { ok: true, users: group.users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'usergroups.list':
        return {
          ok: true,
          usergroups: [...this.groups.entries()].map(([id, g]) => ({ id, handle: g.handle })),
        };
      case 'apps.connections.open':
        return this.socketUrl
          ? { ok: true, url: this.socketUrl }
          : { ok: false, error: 'not_allowed_token_type' };
      case 'conversations.open': {
        if (!/^[UW][A-Z0-9]+$/.test(String(body.users))) return { ok: false, error: 'user_not_found' };
        const id = `D${String(body.users).slice(1)}`;
        this.channels.set(id, true);
        return { ok: true, channel: { id } };
      }
      // As Slack answers: user_not_found for unknown ids; tz and real_name inside `user`.
      case 'users.info': {
        const user = this.users.get(String(body.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: String(body.user),
            name: user.name,
            real_name: user.realName,
            tz: user.tz,
            profile: { real_name: user.realName, display_name: user.name },
          },
        };
      }
      // As Slack answers: pages of `limit` members (at most 1000) with a next_cursor, the last one empty.
      case 'users.list': {
        const all = [...this.users.entries()];
        const start = Number(body.cursor ? Buffer.from(String(body.cursor), 'base64').toString() : 0);
        const limit = Math.min(1000, Number(body.limit ?? 0) || 1000);
        const page = all.slice(start, start + limit);
        const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64') : '';
        return {
          ok: true,
          members: page.map(([id, u]) => ({
            id,
            name: u.name,
            deleted: u.deleted ?? false,
            real_name: u.realName,
            tz: u.tz,
            profile: { real_name: u.realName, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
          })),
          response_metadata: { next_cursor: next },
        };
      }
      case 'users.lookupByEmail': {
        const found = [...this.users.entries()].find(([, u]) => u.email === String(body.email) && !u.deleted);
        if (!found) return { ok: false, error: 'users_not_found' };
        const [id, u] = found;
        return {
          ok: true,
          user: { id, name: u.name, real_name: u.realName, tz: u.tz, profile: { email: u.email } },
        };
      }
      default:
        return undefined;
    }
  }
}

/** The scope each place-managing method needs (bot token). */
const SCOPES: Record<string, string> = {
  'conversations.create': 'channels:manage',
  'conversations.setTopic': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'conversations.archive': 'channels:manage',
  'conversations.list': 'channels:read',
  'conversations.info': 'channels:read',
  'bookmarks.list': 'bookmarks:read',
  'bookmarks.add': 'bookmarks:write',
  'pins.add': 'pins:write',
  'canvases.create': 'canvases:write',
  'canvases.edit': 'canvases:write',
  'conversations.canvases.create': 'canvases:write',
};

function parseBody(contentType: string, raw: Buffer): Json {
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return JSON.parse(text || '{}') as Json;
  if (contentType.includes('multipart/form-data')) return {};
  return Object.fromEntries(new URLSearchParams(text));
}

/** A text file's content from its upload body: the file part of a multipart form, or the raw body. */
function fileText(raw: Buffer): string {
  const body = raw.toString('utf8');
  const boundary = /^--([^\r\n]+)\r\n/.exec(body)?.[1];
  if (!boundary) return body;
  const part = body.split(`--${boundary}`).find((p) => /filename=/.test(p)) ?? '';
  const start = part.indexOf('\r\n\r\n');
  return start < 0 ? part : part.slice(start + 4).replace(/\r\n$/, '');
}
