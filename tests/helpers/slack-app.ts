/**
 * The real app (Bolt's HTTP receiver on loopback) wired to the fake Web API,
 * a SQLite store in a temporary folder, and a runbook folder; plus helpers
 * that act as Slack does: signed slash commands, clicks and submissions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readServeConfig } from '../../src/config.js';
import type { Incident } from '../../src/core/incident/model.js';
import type { Clock } from '../../src/core/ports.js';
import { ACTION } from '../../src/slack/ids.js';
import { type RunningServer, startServer } from '../../src/slack/server.js';
import { RUNBOOKS_DIR } from './runbooks.js';
import { FakeSlackApi, type StoredMessage } from './slack-api.js';
import {
  blockActionPayload,
  eventBody,
  messageActionPayload,
  payloadBody,
  SIGNING_SECRET,
  sendSigned,
  slashBody,
  viewSubmissionPayload,
} from './slack-requests.js';

export const CHANNEL = 'C0INCIDENT1';
export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00001';

export interface HarnessOptions {
  readonly runbooksDir?: string;
  readonly env?: Record<string, string>;
  readonly api?: FakeSlackApi;
  readonly dbPath?: string;
  readonly clock?: Clock;
  /** The app's waits (verification intervals, retries); with a fake clock, one that advances it. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a dead process's leased work waits before this app takes it over. */
  readonly leaseMs?: number;
}

export class SlackHarness {
  readonly logs: string[] = [];
  server!: RunningServer;
  env!: Record<string, string>;

  private constructor(
    readonly api: FakeSlackApi,
    readonly dbPath: string,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<SlackHarness> {
    const api = options.api ?? (await new FakeSlackApi().start());
    // The workspace's people, as users.info describes them (postmortems show names and local times).
    api.users.set(ALICE, { name: 'alice', realName: 'Alice Martin', tz: 'Europe/Paris' });
    api.users.set(BOB, { name: 'bob', realName: 'Bob Chen', tz: 'America/New_York' });
    api.channels.set(CHANNEL, true);
    const dbPath = options.dbPath ?? join(mkdtempSync(join(tmpdir(), 'gc-incident-slack-')), 'gc.db');
    const harness = new SlackHarness(api, dbPath, options);
    await harness.boot();
    return harness;
  }

  private async boot(): Promise<void> {
    this.env = {
      SLACK_BOT_TOKEN: this.api.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.api.url,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${this.dbPath}`,
      RUNBOOKS_DIR: this.options.runbooksDir ?? RUNBOOKS_DIR,
      LOG_LEVEL: 'debug',
      // Tests tick reminders themselves (server.reminders.tick()), on their own clock.
      REMINDER_CRON: 'off',
      DIGEST_CRON: 'off',
      // Incidents stay threads unless a test opts into their own channels.
      INCIDENT_CHANNEL_SEVERITIES: 'none',
      // Posts still go through the queue, unpaced: a test of the pace sets its own.
      SLACK_POST_PACE: '0',
      ...this.options.env,
    };
    const logs = this.logs;
    this.server = await startServer({
      config: readServeConfig(this.env),
      slackRetries: 2,
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(this.options.leaseMs ? { leaseMs: this.options.leaseMs } : {}),
      logDestination: new Writable({
        write(chunk, _enc, cb) {
          logs.push(String(chunk));
          cb();
        },
      }),
    });
  }

  get port(): number {
    return this.server.port;
  }

  get flow() {
    return this.server.services.flow;
  }

  get store() {
    return this.server.services.store;
  }

  /** Stops the app (not the fake Slack) and starts a new one on the same database. */
  async restart(): Promise<void> {
    await this.server.stop();
    await this.boot();
  }

  async stop(): Promise<void> {
    await this.server.stop();
    if (!this.options.api) await this.api.stop();
  }

  /** Waits for the newest incident to have its card posted, and returns it. */
  newestWithCard(ms = 10_000, what = 'the incident card'): Promise<Incident> {
    return until(
      async () => {
        const [latest] = await this.store.list({ limit: 5 });
        return latest?.card ? latest : undefined;
      },
      ms,
      what,
    );
  }

  async slash(text: string, user = ALICE, channel = CHANNEL) {
    const triggerId = this.api.trigger();
    const responseUrl = this.api.responseUrl();
    const response = await sendSigned(
      this.port,
      slashBody({ text, userId: user, channelId: channel, triggerId, responseUrl }),
    );
    await this.settle();
    return { ...response, triggerId, responseUrl };
  }

  async click(
    actionId: string,
    value: string,
    options: {
      user?: string;
      messageTs?: string;
      channel?: string;
      triggerId?: string;
      retryNum?: number;
    } = {},
  ) {
    const triggerId = options.triggerId ?? this.api.trigger();
    const responseUrl = this.api.responseUrl();
    const channelId = options.channel ?? CHANNEL;
    // As Slack does: the message the button is on (the latest carrying it in that channel).
    const on =
      options.messageTs === undefined ? this.messageWithButton(channelId, actionId, value) : undefined;
    const payload = blockActionPayload({
      actionId,
      value,
      userId: options.user ?? ALICE,
      channelId,
      messageTs: options.messageTs ?? on?.ts ?? '1.000001',
      threadTs: on?.threadTs,
      triggerId,
      responseUrl,
    });
    const response = await sendSigned(
      this.port,
      payloadBody(payload),
      options.retryNum ? { retryNum: options.retryNum } : {},
    );
    await this.settle();
    return { ...response, triggerId, responseUrl };
  }

  /**
   * The latest message in `channel` showing a button with this action id and value; else (a test
   * clicking a button the card does not show right now) the latest one with a button of the same
   * incident, its card.
   */
  messageWithButton(channel: string, actionId: string, value: string): StoredMessage | undefined {
    const incident = value.split('|')[0] ?? value;
    const latest = this.api.messages.filter((m) => m.channel === channel).reverse();
    const withButton = (match: (e: { action_id?: string; value?: string }) => boolean) =>
      latest.find((m) =>
        m.blocks.some(
          (b) => b.type === 'actions' && (b.elements as { action_id?: string; value?: string }[]).some(match),
        ),
      );
    return (
      withButton((e) => e.action_id === actionId && e.value === value) ??
      withButton((e) => e.value === incident || (e.value ?? '').startsWith(`${incident}|`))
    );
  }

  async submit(
    view: Record<string, unknown>,
    viewId: string,
    values: Record<string, Record<string, unknown>>,
    user = ALICE,
  ) {
    const payload = viewSubmissionPayload({
      userId: user,
      view,
      values,
      viewId,
      triggerId: this.api.trigger(),
    });
    const response = await sendSigned(this.port, payloadBody(payload));
    await this.settle();
    return response;
  }

  async shortcut(messageTs: string, user = ALICE) {
    const triggerId = this.api.trigger();
    const payload = messageActionPayload({
      userId: user,
      channelId: CHANNEL,
      messageTs,
      triggerId,
      responseUrl: this.api.responseUrl(),
    });
    const response = await sendSigned(this.port, payloadBody(payload));
    await this.settle();
    return { ...response, triggerId };
  }

  /** An Events API event (reaction_added…), signed and sent as Slack does. */
  async event(event: Record<string, unknown>, eventId?: string) {
    const response = await sendSigned(this.port, eventBody(event, eventId), {
      contentType: 'application/json',
    });
    await this.settle();
    return response;
  }

  /** Waits until the app has finished everything the last request started. */
  async settle(): Promise<void> {
    // The listener runs just after the ack has been written; give it a turn to register.
    await new Promise((r) => setTimeout(r, 20));
    await this.flow.idle();
    // Finished requests' rows are deleted in batches (WorkLeases.forget): write the batch now.
    await this.server.leases.flushForgotten();
  }

  /** Ephemeral answers sent to one response_url. */
  answersTo(responseUrl: string) {
    return this.api.responses.filter((r) => responseUrl.endsWith(r.url)).map((r) => r.body);
  }

  /** The card of an incident as Slack currently shows it. */
  async card(incidentId: string): Promise<StoredMessage> {
    const incident = await this.store.load(incidentId);
    if (!incident?.card) throw new Error(`${incidentId} has no card`);
    const message = this.api.message(incident.card.channel, incident.card.ts);
    if (!message) throw new Error(`card of ${incidentId} not found in the fake Slack`);
    return message;
  }

  async thread(incidentId: string): Promise<StoredMessage[]> {
    const incident = await this.store.load(incidentId);
    if (!incident?.card) return [];
    return this.api.threadOf(incident.card.channel, incident.card.ts);
  }

  async latestIncident() {
    const [incident] = await this.store.list({ limit: 1 });
    if (!incident) throw new Error('no incident');
    return incident;
  }

  /**
   * Brings an incident to containment without Prometheus: each earlier phase's steps are skipped
   * by `by` (the skip modal is tested in app.test.ts), then the card's Next phase is clicked.
   * Returns the phase reached (the caller asserts it).
   */
  async walkToContainment(incidentId: string, by = ALICE): Promise<string | undefined> {
    for (let n = 0; n < 3; n++) {
      const incident = await this.store.load(incidentId);
      if (!incident || incident.phase === 'containment') break;
      for (const step of incident.steps.filter((s) => s.phase === incident.phase && s.status !== 'skipped'))
        await this.flow.skip(
          incidentId,
          step.id,
          { id: by },
          'no Prometheus in this test',
          `setup:${incidentId}:${step.id}`,
        );
      await this.click(ACTION.advance, incidentId, { user: by });
    }
    return (await this.store.load(incidentId))?.phase;
  }
}

/** Every button on a message, by action id and value. */
export function buttonsOf(message: StoredMessage): { actionId: string; value: string; text: string }[] {
  return message.blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) =>
      (b.elements as { action_id: string; value: string; text: { text: string } }[]).map((e) => ({
        actionId: e.action_id,
        value: e.value,
        text: e.text.text,
      })),
    );
}

export async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
