/**
 * Storm: 1,000 Alertmanager groups over 200 jobs arriving at once at two replicas on one
 * PostgreSQL database, once per grouping (`group_by: [alertname, job]`: 5 alert names × 200
 * jobs; `[alertname, instance]`: 200 jobs × 5 instances), with a fake Slack that refuses posts
 * faster than one per second per channel (429 + Retry-After) and replica B killed with SIGKILL
 * half-way. Prints incidents opened (own and fleet), duplicates, causes lost, answers over 3 s,
 * posts per minute per channel, and replica A's memory.
 *
 *   npm run bench:storm [-- --groups 1000 --jobs 200 --concurrency 20 --grouping both|job|instance
 *                          --trace FILE]
 *
 * `--trace FILE` appends one JSON line per attempt (seconds since the start, ms, replica,
 * status; 0: no answer); the replicas' log is in $TMPDIR/gc-incident-storm-PID.log.
 */
import { appendFileSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { request } from 'undici';
import { PostgresStore } from '../src/adapters/store/postgres-store.js';
import { causeOf } from '../src/core/alerts/cause.js';
import { fleetCause } from '../src/core/alerts/fleet.js';
import { type AppProcess, startApp } from '../tests/helpers/app-process.js';
import { shippedRunbook } from '../tests/helpers/engine.js';
import { RUNBOOKS_DIR } from '../tests/helpers/runbooks.js';
import { FakeSlackApi } from '../tests/helpers/slack-api.js';
import { SIGNING_SECRET } from '../tests/helpers/slack-requests.js';
import { PG_URL } from '../tests/helpers/stores.js';
import { pct } from './percentile.js';

const { values } = parseArgs({
  options: {
    groups: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '20' },
    grouping: { type: 'string', default: 'both' },
    trace: { type: 'string' },
  },
});
const GROUPS = Number(values.groups);
const JOBS = Number(values.jobs);
const PER_JOB = Math.max(1, Math.round(GROUPS / JOBS));
const CONCURRENCY = Number(values.concurrency);
const RUNBOOK = 'gc-thrash-allocation-churn';
const CHANNEL = '#python-platform';
const TOKEN = 'storm-alertmanager-token';
const runbook = shippedRunbook(RUNBOOK);
const logFd = openSync(join(tmpdir(), `gc-incident-storm-${process.pid}.log`), 'a');

function rssMb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** One group of the storm: which alerts it carries under each grouping. */
function group(grouping: 'job' | 'instance', n: number) {
  const job = `storm-${String(n % JOBS).padStart(3, '0')}`;
  const k = Math.floor(n / JOBS);
  const alerts =
    grouping === 'job'
      ? [{ alertname: `PythonGCThrash${k}`, instance: `${job}-0` }]
      : [{ alertname: 'PythonGCThrash', instance: `${job}-${k}` }];
  const groupKey =
    grouping === 'job'
      ? `{}:{alertname="${alerts[0]?.alertname}", job="${job}"}`
      : `{}:{alertname="PythonGCThrash", instance="${alerts[0]?.instance}"}`;
  return {
    job,
    body: JSON.stringify({
      version: '4',
      groupKey,
      status: 'firing',
      receiver: 'gc-incident',
      truncatedAlerts: 0,
      externalURL: 'http://alertmanager.invalid',
      alerts: alerts.map((a) => ({
        status: 'firing',
        labels: { ...a, job, runbook_id: RUNBOOK },
        annotations: { summary: `storm on ${job}` },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `${a.alertname}:${a.instance}`,
      })),
    }),
  };
}

async function run(grouping: 'job' | 'instance') {
  const database = `gcinc_storm_${grouping}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  const store = new PostgresStore({ connectionString: url.toString(), max: 4 });
  await store.migrate();
  const api = await new FakeSlackApi().start();
  api.channels.set(CHANNEL, true);
  api.channelPaceMs = 1000;
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: api.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: url.toString(),
    RUNBOOKS_DIR,
    ALERTMANAGER_TOKEN: TOKEN,
    REMINDER_CRON: 'off',
    DIGEST_CRON: 'off',
    LOG_LEVEL: 'warn',
    PATH: process.env.PATH ?? '',
  };
  // The replicas' log (warnings and errors: LOG_LEVEL=warn) and stderr, in one file.
  const boot = () =>
    startApp(env, { stderr: logFd, leaseMs: 10_000, onLog: (line) => writeSync(logFd, `${line}\n`) });
  const replicas: (AppProcess | undefined)[] = await Promise.all([boot(), boot()]);
  const started = performance.now();
  const latencies: number[] = [];
  let retried = 0;
  let refused = 0;
  let unanswered = 0;
  let sent = 0;
  let killedAt = -1;
  const jobs = new Set<string>();
  let next = 0;
  let turn = 0;
  async function deliver(body: string): Promise<void> {
    for (let attempt = 0; attempt < 6; attempt++) {
      const up = replicas.filter((r): r is AppProcess => r !== undefined);
      const app = up[turn++ % up.length] as AppProcess;
      const who = app === replicas[0] ? 'A' : `B${killedAt < 0 ? '' : '2'}`;
      const t0 = performance.now();
      try {
        const r = await request(`http://127.0.0.1:${app.port}/alertmanager`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body,
          headersTimeout: 60_000,
        });
        const text = await r.body.text();
        latencies.push(performance.now() - t0);
        if (values.trace)
          appendFileSync(
            values.trace,
            `${JSON.stringify({ grouping, at: (t0 - started) / 1000, ms: performance.now() - t0, who, attempt, status: r.statusCode, ...(r.statusCode === 200 ? {} : { text }) })}\n`,
          );
        if (r.statusCode === 200) return;
        refused += 1;
      } catch {
        // Cut by the kill: Alertmanager retries (on the other replica here). An attempt that
        // got no answer at all for over 3 s (the 60 s timeout) is a slow answer, not a cut.
        const ms = performance.now() - t0;
        if (ms > 3000) unanswered += 1;
        if (values.trace)
          appendFileSync(
            values.trace,
            `${JSON.stringify({ grouping, at: (t0 - started) / 1000, ms, who, attempt, status: 0 })}\n`,
          );
      }
      retried += 1;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  async function sender() {
    while (next < GROUPS) {
      const n = next++;
      const g = group(grouping, n);
      jobs.add(g.job);
      sent += 1;
      if (n === Math.floor(GROUPS / 2) && replicas[1]) {
        // SIGKILL replica B mid-storm, and start it again (a crash and a restart).
        replicas[1].child.kill('SIGKILL');
        replicas[1] = undefined;
        killedAt = (performance.now() - started) / 1000;
        void boot().then((app) => {
          replicas[1] = app;
        });
      }
      await deliver(g.body);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  const answeredIn = (performance.now() - started) / 1000;
  // Cards and notices still queued behind Slack's pace (the apps' post queues, in the store):
  // wait until none is pending and no Slack call happened for 10 s.
  let posts = -1;
  while (posts !== api.calls.length || (await store.posts.pendingPosts()) > 0) {
    posts = api.calls.length;
    await new Promise((r) => setTimeout(r, 10_000));
  }
  const drainedIn = (performance.now() - started) / 1000;
  const rss = rssMb(replicas[0]?.child.pid);
  const incidents = await store.list({ limit: 100_000 });
  const fleet = await store.findByCause(fleetCause(RUNBOOK));
  const inFleet = new Set((fleet?.fleet?.members ?? []).map((m) => m.cause));
  let lost = 0;
  for (const job of jobs) {
    const cause = causeOf(runbook, { job }) as string;
    if (!(await store.findByCause(cause))?.card && !inFleet.has(cause)) lost += 1;
  }
  const byCause = new Map<string, number>();
  for (const i of incidents) if (i.cause) byCause.set(i.cause, (byCause.get(i.cause) ?? 0) + 1);
  const duplicates = [...byCause.values()].filter((n) => n > 1).length;
  // Posts per minute per channel: the most in any 60 s window (the fake's ts is its clock in seconds).
  const perChannel = new Map<string, number[]>();
  for (const m of api.messages)
    perChannel.set(m.channel, [...(perChannel.get(m.channel) ?? []), Number(m.ts)]);
  let worst = 0;
  for (const times of perChannel.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] as number) - (times[j] as number) >= 60) j++;
      worst = Math.max(worst, i - j + 1);
    }
  }
  console.log(
    `  group_by [alertname, ${grouping}]: ${GROUPS} groups over ${jobs.size} jobs (${PER_JOB} per job)`,
  );
  console.log(
    `    incidents opened ${incidents.length} (${incidents.filter((i) => !i.fleet).length} own, ${incidents.filter((i) => i.fleet).length} fleet listing ${fleet?.fleet?.members.length ?? 0} services); causes with more than one incident ${duplicates}; causes lost ${lost}`,
  );
  console.log(
    `    answers: ${latencies.length}, p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms, over 3 s ${latencies.filter((ms) => ms > 3000).length} (+${unanswered} attempts unanswered for over 3 s); refused ${refused}, retried ${retried}; all answered in ${answeredIn.toFixed(1)} s; replica B killed at ${killedAt.toFixed(1)} s`,
  );
  console.log(
    `    Slack: ${api.messages.length} messages, most in one channel in any minute ${worst}, 429s from the channel pace ${api.rateLimited}; post queues drained at ${drainedIn.toFixed(0)} s; replica A RSS ${rss.toFixed(0)} MB`,
  );
  for (const r of replicas) r?.child.kill('SIGKILL');
  await store.close();
  await api.stop();
  await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
  await admin.end();
  return { duplicates, lost, over3s: latencies.filter((ms) => ms > 3000).length + unanswered, worst, sent };
}

console.log(
  `storm: ${GROUPS} groups, ${CONCURRENCY} at a time, 2 replicas on PostgreSQL, Slack paced at 1 post/s/channel (Node ${process.version})`,
);
const results = [];
for (const grouping of ['job', 'instance'] as const)
  if (values.grouping === 'both' || values.grouping === grouping) results.push(await run(grouping));
const checks: [string, boolean][] = [
  ['no cause with more than one incident', results.every((r) => r.duplicates === 0)],
  ['no cause lost across the SIGKILL', results.every((r) => r.lost === 0)],
  ['every answer within 3 s', results.every((r) => r.over3s === 0)],
  ['at most 20 posts per minute per channel', results.every((r) => r.worst <= 20)],
];
for (const [name, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
