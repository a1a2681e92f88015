/**
 * Soak: two replicas of the app on one PostgreSQL database behind a
 * round-robin balancer, a steady stream of signed slash commands, clicks and
 * Alertmanager notifications, one replica killed with SIGKILL every minute and
 * restarted, Prometheus stopped for a while. At the end it checks that no
 * acknowledged event was lost, nothing was duplicated (incidents, cards,
 * reminders), every request was answered within Slack's 3 seconds, and the
 * replica that ran throughout kept its memory steady; then prints the figures.
 * The peer is the same app in a warm-up phase without faults, in the same run.
 *
 *   npm run bench:soak [-- --minutes 5 --rate 6 --kill-every 60 --lease 10]
 *
 * Needs what CI installs: PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432),
 * Prometheus, and Debian's python3 with prometheus_client.
 */
import { appendFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { request } from 'undici';
import {
  findExecutable,
  freePort,
  type Running,
  servicePython,
  startPrometheus,
  startService,
  waitForSeries,
} from '../src/adapters/lab/lab.js';
import { PostgresStore } from '../src/adapters/store/postgres-store.js';
import { causeOf } from '../src/core/alerts/cause.js';
import { fleetCause } from '../src/core/alerts/fleet.js';
import type { Incident } from '../src/core/incident/model.js';
import { ACTION } from '../src/slack/ids.js';
import { type AppProcess, startApp } from '../tests/helpers/app-process.js';
import { shippedRunbook } from '../tests/helpers/engine.js';
import { RUNBOOKS_DIR } from '../tests/helpers/runbooks.js';
import { FakeSlackApi } from '../tests/helpers/slack-api.js';
import {
  blockActionPayload,
  payloadBody,
  SIGNING_SECRET,
  sendSigned,
  slashBody,
} from '../tests/helpers/slack-requests.js';
import { PG_URL } from '../tests/helpers/stores.js';
import { pct } from './percentile.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '6' },
    'kill-every': { type: 'string', default: '60' },
    lease: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '30' },
  },
});
const RUN_MS = Number(values.minutes) * 60_000;
const RATE = Number(values.rate);
const KILL_EVERY_MS = Number(values['kill-every']) * 1000;
const LEASE_MS = Number(values.lease) * 1000;
const WARMUP_MS = Number(values.warmup) * 1000;
const RUNBOOK = 'gc-thrash-allocation-churn';
const CHANNELS = Array.from({ length: 12 }, (_, i) => `C0SOAK${String(i).padStart(4, '0')}`);
const OWNER = 'U0OWNER001';
const TOKEN = 'soak-alertmanager-token';
const alertRunbook = shippedRunbook(RUNBOOK);

// What this machine needs; a clear sentence rather than a stack trace when something is missing.
const prometheusBin = findExecutable('prometheus', process.env.PATH);
const service = servicePython(process.env.GC_SERVICE_PYTHON, process.env.PATH);
if (!prometheusBin || !service.python || !service.metrics) {
  console.log(
    'bench:soak needs Prometheus and python3 with prometheus_client: apt-get install -y prometheus python3-prometheus-client',
  );
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'gc-incident-soak-'));
const logFile = join(work, 'replicas.log');
const logFd = openSync(logFile, 'a');

// A database of its own, dropped at the end.
const database = `gcinc_soak_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const dbUrl = new URL(PG_URL);
dbUrl.pathname = `/${database}`;
const store = new PostgresStore({ connectionString: dbUrl.toString(), max: 4 });
await store.migrate();

const api = await new FakeSlackApi().start();
for (const c of CHANNELS) api.channels.set(c, true);
// The runbook's own channel, where alerts open their incidents.
api.channels.set('#python-platform', true);
const gcService = await startService(service.python, 'churn');
const promPort = await freePort();
const promDir = join(work, 'prometheus');
mkdirSync(promDir);
const startProm = () =>
  startPrometheus(prometheusBin, `127.0.0.1:${gcService.port}`, { port: promPort, dir: promDir });
let prometheus: Running | undefined = await startProm();
await waitForSeries(prometheus.url, 'python_gc_collections_total');

const env: Record<string, string> = {
  SLACK_BOT_TOKEN: api.token,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: api.url,
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: dbUrl.toString(),
  RUNBOOKS_DIR,
  PROMETHEUS_URL: prometheus.url,
  ALERTMANAGER_TOKEN: TOKEN,
  ALERTMANAGER_CHANNEL: CHANNELS[0] as string,
  REMINDER_CRON: '*/2 * * * * *',
  DIGEST_CRON: 'off',
  LOG_LEVEL: 'info',
  PATH: process.env.PATH ?? '',
};

// --- replicas -----------------------------------------------------------------------------------
interface Replica {
  readonly name: string;
  app: AppProcess | undefined;
  starts: number;
  readonly rss: { t: number; kb: number }[];
}
const takeovers = { slack: 0, steps: 0 };
const onLog = (line: string) => {
  appendFileSync(logFd, `${line}\n`);
  if (!line.includes('taking over work')) return;
  const kind = /"kind":"(\w+)"/.exec(line)?.[1];
  if (kind === 'slack' || kind === 'steps') takeovers[kind] += 1;
};
async function boot(replica: Replica): Promise<void> {
  replica.app = await startApp(env, {
    leaseMs: LEASE_MS,
    reminderLeaseMs: 2 * LEASE_MS,
    stderr: logFd,
    onLog,
  });
  replica.starts += 1;
}
// A survives the whole run (its memory is the one measured); B is killed every minute.
const survivor: Replica = { name: 'A', app: undefined, starts: 0, rss: [] };
const victim: Replica = { name: 'B', app: undefined, starts: 0, rss: [] };
const replicas = [survivor, victim];
await Promise.all(replicas.map(boot));

function rssKb(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}

// --- the balancer and the senders -----------------------------------------------------------------
let turn = 0;
function pickPort(avoid?: number): number {
  const up = replicas.map((r) => r.app?.port).filter((p): p is number => p !== undefined && p !== avoid);
  if (up.length === 0) return survivor.app?.port as number;
  turn += 1;
  return up[turn % up.length] as number;
}

const latencies: { phase: 'warmup' | 'soak'; ms: number }[] = [];
let phase: 'warmup' | 'soak' = 'warmup';
const outcome = { sent: 0, answered: 0, cut: 0, refused: 0, unanswered: 0, over3s: 0 };

/** As Slack and a balancer do: a connection cut by a dying replica is retried on another one. */
async function deliver(send: (port: number, retry: number) => Promise<{ status: number; ms: number }>) {
  outcome.sent += 1;
  let avoid: number | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = pickPort(avoid);
    try {
      const r = await send(port, attempt);
      latencies.push({ phase, ms: r.ms });
      if (r.ms > 3000) outcome.over3s += 1;
      if (r.status === 200) outcome.answered += 1;
      else outcome.refused += 1;
      return r.status === 200;
    } catch {
      outcome.cut += 1;
      avoid = port;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
  outcome.unanswered += 1;
  return false;
}

const sendSlash = (text: string, channel: string) => {
  const triggerId = api.trigger();
  const body = slashBody({
    text,
    userId: 'U0SOAKER01',
    channelId: channel,
    triggerId,
    responseUrl: api.responseUrl(),
  });
  return {
    triggerId,
    ok: deliver((port, retry) => sendSigned(port, body, retry ? { retryNum: retry } : {})),
  };
};

const sendClick = (actionId: string, incident: Incident, stepId: string, user: string) => {
  const triggerId = api.trigger();
  const body = payloadBody(
    blockActionPayload({
      actionId,
      value: `${incident.id}|${stepId}`,
      userId: user,
      channelId: incident.card?.channel ?? (CHANNELS[0] as string),
      messageTs: incident.card?.ts ?? '1.000001',
      triggerId,
      responseUrl: api.responseUrl(),
    }),
  );
  return {
    triggerId,
    ok: deliver((port, retry) => sendSigned(port, body, retry ? { retryNum: retry } : {})),
  };
};

let alertSeq = 0;
const alertStarts = new Map<number, string>();
function sendAlert(n: number) {
  const startsAt = alertStarts.get(n) ?? new Date().toISOString();
  alertStarts.set(n, startsAt);
  const labels = { alertname: 'GcYoungCollectionStorm', runbook_id: RUNBOOK, job: `soak-alert-${n}` };
  const groupKey = `{}:{alertname="GcYoungCollectionStorm", job="soak-alert-${n}"}`;
  const body = JSON.stringify({
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'gc-incident',
    groupLabels: { alertname: labels.alertname, job: labels.job },
    commonLabels: labels,
    commonAnnotations: { summary: `soak alert ${n} ` },
    externalURL: 'http://alertmanager.invalid',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: `soak alert ${n} ` },
        startsAt,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.invalid/graph',
        fingerprint: `soak${n}`,
      },
    ],
  });
  return {
    // The incident's identity as the app computes it (runbook and its key inputs), not a copied format.
    key: causeOf(alertRunbook, { job: labels.job }) as string,
    ok: deliver(async (port) => {
      const started = performance.now();
      const r = await request(`http://127.0.0.1:${port}/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      });
      await r.body.text();
      return { status: r.statusCode, ms: performance.now() - started };
    }),
  };
}

// --- what was acknowledged, to check at the end ---------------------------------------------------
const acked = {
  starts: [] as string[],
  assigns: [] as string[],
  followUps: [] as string[],
  alerts: new Set<string>(),
  alertRepeats: 0,
};
let known: Incident[] = [];
const pending: Promise<unknown>[] = [];
let userSeq = 0;

function operation(i: number): void {
  const channel = CHANNELS[i % CHANNELS.length] as string;
  const withCard = known.filter((k) => k.card && k.status !== 'closed');
  const target = withCard[Math.floor(Math.random() * withCard.length)];
  const slot = i % 10;
  if (slot === 0 || !target) {
    const s = sendSlash(`start ${RUNBOOK} job=soak-${i}`, channel);
    pending.push(s.ok.then((ok) => ok && acked.starts.push(`slack:cmd:${s.triggerId}`)));
  } else if (slot === 1 || slot === 4 || slot === 7) {
    // Assign to me on the manual triage step, each time by a new person (so each click changes it).
    const step = target.steps.find((s) => s.kind === 'manual' && s.phase === 'triage');
    if (!step) return;
    userSeq += 1;
    const c = sendClick(ACTION.assign, target, step.id, `U0S${String(userSeq).padStart(7, '0')}`);
    pending.push(
      c.ok.then((ok) => ok && acked.assigns.push(`slack:${c.triggerId}:${ACTION.assign}:${step.id}`)),
    );
  } else if (slot === 2) {
    const s = sendSlash(`followup add <@${OWNER}> "soak item ${i}" due=20s`, target.card?.channel as string);
    pending.push(s.ok.then((ok) => ok && acked.followUps.push(`slack:cmd:${s.triggerId}`)));
  } else if (slot === 9) {
    // Run a triage query (real PromQL against Prometheus, failing with a reason while it is down),
    // or the simulation (seconds in a worker thread: what a kill most often interrupts).
    const kind = i % 20 === 9 ? 'simulate' : 'query';
    const step = target.steps.find(
      (s) => s.kind === kind && (s.status === 'pending' || s.status === 'failed'),
    );
    if (step) pending.push(sendClick(ACTION.run, target, step.id, 'U0SOAKER01').ok);
  } else {
    pending.push(sendSlash(slot % 2 === 0 ? 'list' : `status ${target.id}`, channel).ok);
  }
}

// --- the run ------------------------------------------------------------------------------------
const refreshKnown = setInterval(() => {
  void store
    .list({ limit: 200 })
    .then((list) => {
      known = list;
    })
    .catch(() => {});
}, 1000);
const rssTimer = setInterval(() => {
  for (const r of replicas) {
    const kb = rssKb(r.app?.child.pid);
    if (kb) r.rss.push({ t: performance.now(), kb });
  }
}, 2000);

const runStart = performance.now();
const soakStart = runStart + WARMUP_MS;
const end = soakStart + RUN_MS;
const events: string[] = [];
let kills = 0;
let promDownMs = 0;

const killer = (async () => {
  let next = soakStart + KILL_EVERY_MS;
  while (performance.now() < end - 5000) {
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    if (performance.now() >= end - 5000) break;
    // Killed first, noticed after: requests already on their way to B are cut and retried.
    const app = victim.app;
    app?.child.kill('SIGKILL');
    await app?.exited;
    victim.app = undefined;
    kills += 1;
    events.push(`${((performance.now() - soakStart) / 1000).toFixed(0)} s: SIGKILL replica B`);
    await new Promise((r) => setTimeout(r, 2000));
    await boot(victim);
    next += KILL_EVERY_MS;
  }
})();

const promOutage = (async () => {
  // Prometheus is stopped from 35% to 55% of the soak, then started again on the same address.
  await new Promise((r) => setTimeout(r, Math.max(0, soakStart + RUN_MS * 0.35 - performance.now())));
  const stoppedAt = performance.now();
  await prometheus?.stop();
  prometheus = undefined;
  events.push(`${((stoppedAt - soakStart) / 1000).toFixed(0)} s: Prometheus stopped`);
  await new Promise((r) => setTimeout(r, RUN_MS * 0.2));
  prometheus = await startProm();
  promDownMs = performance.now() - stoppedAt;
  events.push(`${((performance.now() - soakStart) / 1000).toFixed(0)} s: Prometheus started again`);
})();

let i = 0;
let nextAlert = runStart;
while (performance.now() < end) {
  const now = performance.now();
  if (phase === 'warmup' && now >= soakStart) phase = 'soak';
  if (now >= nextAlert) {
    // A new alert group every 5 s, and a repeat of an earlier one (Alertmanager's repeat_interval).
    nextAlert += 5000;
    alertSeq += 1;
    const fresh = sendAlert(alertSeq);
    pending.push(fresh.ok.then((ok) => ok && acked.alerts.add(fresh.key)));
    const earlier = 1 + Math.floor(Math.random() * alertSeq);
    const repeat = sendAlert(earlier);
    pending.push(
      repeat.ok.then((ok) => {
        if (!ok) return;
        acked.alerts.add(repeat.key);
        acked.alertRepeats += 1;
      }),
    );
  }
  operation(i);
  i += 1;
  const due = runStart + (i * 1000) / RATE;
  await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
}
await Promise.all(pending);
await killer;
await promOutage;

// --- quiet down: leases taken over, reminders due delivered ------------------------------------------
const quietFrom = Date.now();
// Follow-ups added in the last seconds fall due up to 20 s after the load stops.
const quietUntil = Date.now() + 25_000;
const quietDeadline = Date.now() + LEASE_MS * 6 + 60_000;
for (;;) {
  const held = await store.heldWork();
  const due = await store.pendingReminders(new Date());
  if ((held === 0 && due === 0 && Date.now() > quietUntil) || Date.now() > quietDeadline) break;
  await new Promise((r) => setTimeout(r, 1000));
}
await new Promise((r) => setTimeout(r, 3000));
clearInterval(refreshKnown);
clearInterval(rssTimer);

// --- checks ---------------------------------------------------------------------------------------
const incidents = await store.list({ limit: 100_000 });
const byId = new Map(incidents.map((x) => [x.id, x]));
const cards = new Map<string, number>();
for (const m of api.messages) {
  if (m.threadTs || m.channel.startsWith('D')) continue;
  const id = /^(GC-\d{4}-\d+)/.exec(m.text)?.[1];
  if (id) cards.set(id, (cards.get(id) ?? 0) + 1);
}
/** Acknowledged alert groups whose cause has no incident with a card, found by the store's own query. */
async function lostAlertsOf(causes: Iterable<string>): Promise<string[]> {
  // A storm's causes (more than ALERT_FLEET's keys in its window) are listed by the fleet incident.
  const fleet = await store.findByCause(fleetCause(RUNBOOK));
  const inFleet = new Set(fleet?.card ? (fleet.fleet?.members ?? []).map((m) => m.cause) : []);
  const lost: string[] = [];
  for (const cause of causes) {
    if ((await store.findByCause(cause))?.card) continue;
    if (inFleet.has(cause)) alertsInFleet += 1;
    else lost.push(cause);
  }
  return lost;
}
let alertsInFleet = 0;
async function lostOf(keys: Iterable<string>, needsCard: boolean): Promise<string[]> {
  const lost: string[] = [];
  for (const key of keys) {
    const found = await store.findIdempotent(key);
    const incident = found ? byId.get(found.incidentId) : undefined;
    if (!found || (needsCard && !incident?.card)) lost.push(key);
  }
  return lost;
}
const lostStarts = await lostOf(acked.starts, true);
const lostAssigns = await lostOf(acked.assigns, false);
const lostFollowUps = await lostOf(acked.followUps, false);
const lostAlerts = await lostAlertsOf(acked.alerts);
const duplicateCards = [...cards.values()].filter((n) => n > 1).length;
const cardless = incidents.filter((x) => !x.card).length;
const alertIncidents = new Map<string, number>();
for (const x of incidents) {
  if (x.cause && acked.alerts.has(x.cause))
    alertIncidents.set(x.cause, (alertIncidents.get(x.cause) ?? 0) + 1);
}
const duplicateAlertIncidents = [...alertIncidents.values()].filter((n) => n > 1).length;
const reminderPosts = new Map<string, number>();
for (const m of api.messages) {
  const ref = /^Reminder: (\S+)/.exec(m.text)?.[1];
  if (ref) {
    const where = `${ref} ${m.threadTs ? 'thread' : 'dm'}`;
    reminderPosts.set(where, (reminderPosts.get(where) ?? 0) + 1);
  }
}
// Every item due before the quiet-down began must have had its direct message by now.
const itemsDue = incidents.flatMap((x) =>
  x.followUps
    .filter((f) => f.status === 'open' && Date.parse(f.dueAt) <= quietFrom)
    .map((f) => `${x.id}/${f.id}`),
);
const remindersMissing = itemsDue.filter((ref) => !reminderPosts.has(`${ref} dm`)).length;
const dmsDelivered = [...reminderPosts.keys()].filter((k) => k.endsWith(' dm')).length;
const duplicateReminders = [...reminderPosts.values()].filter((n) => n > 1).length;
const remindersStillDue = await store.pendingReminders(new Date());
const interruptedSteps = incidents.flatMap((x) =>
  x.steps.filter((s) => s.status === 'failed' && (s.reason ?? '').includes('interrupted')),
).length;
const stuckRunning = incidents.flatMap((x) => x.steps.filter((s) => s.status === 'running')).length;

const warm = latencies.filter((l) => l.phase === 'warmup').map((l) => l.ms);
const soak = latencies.filter((l) => l.phase === 'soak').map((l) => l.ms);
const rssNear = (t: number) => {
  const window = survivor.rss.filter((s) => s.t <= t && s.t > t - 20_000).map((s) => s.kb);
  return pct(window, 50) / 1024;
};
const firstThird = rssNear(soakStart + RUN_MS / 3);
const last = rssNear(performance.now());
const rssChange = (last - firstThird) / firstThird;

const checks: [string, boolean][] = [
  [
    'no acknowledged event lost',
    lostStarts.length + lostAssigns.length + lostFollowUps.length + lostAlerts.length === 0,
  ],
  [
    'no duplicate incident, card or reminder',
    duplicateCards + duplicateAlertIncidents + duplicateReminders === 0,
  ],
  ['every request answered within 3 s', outcome.over3s === 0 && outcome.unanswered === 0],
  [
    'no step left running, no reminder missed or left due',
    stuckRunning === 0 && remindersStillDue === 0 && remindersMissing === 0,
  ],
  ['RSS of the surviving replica within 10%', Math.abs(rssChange) <= 0.1],
];
const f = (n: number) => n.toFixed(1);
console.log(
  `soak: ${f(RUN_MS / 60_000)} min after ${f(WARMUP_MS / 1000)} s of warm-up (Node ${process.version}), 2 replicas on PostgreSQL behind round-robin, ${RATE} requests/s + 2 alerts/5 s, lease ${f(LEASE_MS / 1000)} s`,
);
console.log(
  `  faults                       : ${events.join('; ')} (${kills} kills, Prometheus down ${f(promDownMs / 1000)} s)`,
);
console.log(
  `  requests                     : ${outcome.sent} sent, ${outcome.answered} answered 200, ${outcome.refused} refused, ${outcome.cut} attempts cut by a kill and retried on the other replica, ${outcome.unanswered} never answered`,
);
console.log(
  `  answer latency, warm-up (peer): p50 ${f(pct(warm, 50))} ms  p99 ${f(pct(warm, 99))} ms  max ${f(Math.max(...warm))} ms`,
);
console.log(
  `  answer latency, under faults : p50 ${f(pct(soak, 50))} ms  p99 ${f(pct(soak, 99))} ms  max ${f(Math.max(...soak))} ms  (p99 ratio ${(pct(soak, 99) / pct(warm, 99)).toFixed(2)}x); over 3 s: ${outcome.over3s}`,
);
console.log(
  `  slash start acknowledged     : ${acked.starts.length}, lost ${lostStarts.length}; incidents ${incidents.length}, without a card ${cardless}, with more than one card ${duplicateCards}`,
);
console.log(`  Assign clicks acknowledged   : ${acked.assigns.length}, lost ${lostAssigns.length}`);
console.log(
  `  follow-ups acknowledged      : ${acked.followUps.length}, lost ${lostFollowUps.length}; reminders: ${dmsDelivered} delivered, ${itemsDue.length} items due before the end of which ${remindersMissing} without one, duplicates ${duplicateReminders}, still due ${remindersStillDue}`,
);
console.log(
  `  alert groups acknowledged    : ${acked.alerts.size} of ${alertSeq} groups (+${acked.alertRepeats} repeats), lost ${lostAlerts.length} (found by cause: ${acked.alerts.size - lostAlerts.length - alertsInFleet} in their own incident, ${alertsInFleet} in the fleet incident), causes with more than one incident ${duplicateAlertIncidents}`,
);
console.log(
  `  taken over from dead replicas: ${takeovers.slack} Slack requests replayed, ${takeovers.steps} step leases (${interruptedSteps} steps failed as interrupted), ${stuckRunning} steps left running`,
);
console.log(
  `  RSS of replica A (never killed): ${f(firstThird)} MB after the first third, ${f(last)} MB at the end (${rssChange >= 0 ? '+' : ''}${f(rssChange * 100)}%, target within 10%)`,
);
for (const [name, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}`);
if (lostStarts.length + lostAssigns.length + lostFollowUps.length + lostAlerts.length > 0)
  console.log(
    `  lost keys: ${[...lostStarts, ...lostAssigns, ...lostFollowUps, ...lostAlerts].slice(0, 10).join(', ')}`,
  );
const duplicated = [...reminderPosts].filter(([, n]) => n > 1).map(([k]) => k);
if (duplicated.length > 0) console.log(`  reminders posted twice: ${duplicated.join(', ')}`);
console.log(`  replica logs: ${logFile}`);

// --- clean up -----------------------------------------------------------------------------------
for (const r of replicas) {
  r.app?.child.stdin?.end();
  await Promise.race([r.app?.exited, new Promise((res) => setTimeout(res, 15_000))]);
  r.app?.child.kill('SIGKILL');
}
await prometheus?.stop();
await gcService.stop();
await store.close();
await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
await admin.end();
await api.stop();
rmSync(promDir, { recursive: true, force: true });
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
