/**
 * Socket Mode: with SLACK_APP_TOKEN set the app opens a WebSocket (URL from
 * apps.connections.open, called with the app-level token) instead of
 * listening for HTTP, and handles envelopes the way it handles HTTP requests,
 * acknowledging each by its envelope_id.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { readServeConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/slack/server.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, CHANNEL, until } from '../helpers/slack-app.js';

let api: FakeSlackApi;
let wss: WebSocketServer;
let app: RunningServer;
let socket: WebSocket | undefined;
const acks = new Map<string, unknown>();

beforeAll(async () => {
  api = await new FakeSlackApi().start();
  api.channels.set(CHANNEL, true);
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  api.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A00000001' } }));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
      acks.set(message.envelope_id, message.payload ?? null);
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-socket-'));
  const env = {
    SLACK_BOT_TOKEN: api.token,
    SLACK_APP_TOKEN: api.appToken,
    SLACK_API_URL: api.url,
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'gc.db')}`,
    RUNBOOKS_DIR,
    LOG_LEVEL: 'silent',
  };
  app = await startServer({ config: readServeConfig(env) });
  await until(() => socket, 10_000, 'the Socket Mode connection');
}, 30_000);

afterAll(async () => {
  await app?.stop();
  wss?.close();
  await api?.stop();
});

function envelope(id: string, payload: Record<string, unknown>) {
  socket?.send(
    JSON.stringify({ envelope_id: id, type: 'slash_commands', accepts_response_payload: true, payload }),
  );
}

it('connects with the app token, acks slash commands by envelope id and opens incidents', async () => {
  expect(app.mode).toBe('socket');
  expect(api.callsOf('apps.connections.open')[0]?.ok).toBe(true);
  const base = {
    team_id: 'T00000001',
    channel_id: CHANNEL,
    user_id: ALICE,
    user_name: 'alice',
    command: '/gc-incident',
    api_app_id: 'A00000001',
    response_url: api.responseUrl(),
  };
  envelope('env-help', { ...base, text: 'help', trigger_id: api.trigger() });
  const help = (await until(() => acks.get('env-help'), 10_000, 'the help ack')) as { text: string };
  expect(help.text).toBe('gc-incident help');

  envelope('env-start', {
    ...base,
    text: 'start gc-full-collection-latency job=checkout',
    trigger_id: api.trigger(),
  });
  await until(() => (acks.has('env-start') ? true : undefined), 10_000, 'the start ack');
  const card = await until(
    () => api.messages.find((m) => !m.threadTs && m.text.startsWith('GC-')),
    10_000,
    'the card',
  );
  expect(card.text).toContain('Latency spikes from full');
  const incidents = await app.services.store.list();
  expect(incidents[0]?.commander).toBe(ALICE);
  await app.services.flow.idle();
});
