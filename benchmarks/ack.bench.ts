/**
 * Ack latency of the Slack endpoint under a steady stream of signed slash
 * commands, next to a bare Bolt app that only acks, in the same run and on the
 * same fake Slack Web API. The gc-incident app does its real work after each
 * ack (opening incidents, posting and editing cards, answering lists) while a
 * long simulation runs in its worker thread.
 *
 * gc-incident runs as it is deployed: `gc-incident serve` from dist/ (the script builds first), in
 * a process of its own, with the image's NODE_OPTIONS (the Dockerfile's; ACK_NODE_OPTIONS overrides,
 * '' for none); `--from src` runs it from the sources under tsx instead, as the bench did
 * until 2026-12-07 (tsx's loader then sits on every lazy import, and every worker thread loads
 * its TypeScript through it).
 *
 *   npm run bench:ack [-- --rate 40 --seconds 15 --from dist|src]
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, waitUntilServing } from '../src/adapters/lab/lab.js';
import { RUNBOOKS_DIR } from '../tests/helpers/runbooks.js';
import { FakeSlackApi } from '../tests/helpers/slack-api.js';
import { SIGNING_SECRET, sendSigned, slashBody } from '../tests/helpers/slack-requests.js';
import { pct } from './percentile.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '40' },
    // Where the SQLite file lives (default: a temporary folder on disk).
    db: { type: 'string' },
    from: { type: 'string', default: 'dist' },
  },
});
if (values.from !== 'dist' && values.from !== 'src')
  throw new Error(`--from must be dist or src, not ${values.from}`);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CHANNEL = 'C0BENCH0001';
// The simulations post in a channel of their own: each channel has its posting pace (at most 20
// posts a minute, docs/slack-app.md), and the incidents' cards fill CHANNEL's.
const SIM_CHANNEL = 'C0BENCH0002';

const api = await new FakeSlackApi().start();
api.channels.set(CHANNEL, true);
api.channels.set(SIM_CHANNEL, true);
const dir = mkdtempSync(join(tmpdir(), 'gc-incident-bench-ack-'));
// A simulation of about 10^8 allocations (a couple of seconds); the driver keeps one running at all times.
writeFileSync(
  join(dir, 'long.yaml'),
  'name: long\npython: "3.12"\nsetup: { heap: 200000 }\niterations: 4000000\nrate: 100000\neach_iteration:\n  - temp: 20\n  - cycle: { size: 3 }\n  - keep: 1\n',
);
const profile = process.env.ACK_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ACK_PROFILE}`] : [];
const dbPath = values.db ?? join(dir, 'gc.db');
const target = (kind: 'gc' | 'bare') =>
  new Promise<{ port: number; child: ChildProcess }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        // ACK_PROFILE=DIR writes a CPU profile of the gc-incident process (to see what delays acks).
        ...(kind === 'gc' ? profile : []),
        '--import',
        'tsx',
        join(import.meta.dirname, 'ack-target.ts'),
        kind,
        api.url,
        api.token,
        SIGNING_SECRET,
        dbPath,
        RUNBOOKS_DIR,
        dir,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });

/** The NODE_OPTIONS the container image runs gc-incident with (its Dockerfile's ENV). */
const IMAGE_NODE_OPTIONS =
  /NODE_OPTIONS=(\S+)/.exec(readFileSync(join(import.meta.dirname, '..', 'Dockerfile'), 'utf8'))?.[1] ?? '';
const NODE_OPTIONS = process.env.ACK_NODE_OPTIONS ?? IMAGE_NODE_OPTIONS;

/** `gc-incident serve` as deployed (bin/gc-incident.js, dist/), ready once /healthz answers. */
async function deployed(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...profile, join(import.meta.dirname, '..', 'bin', 'gc-incident.js'), 'serve'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: api.token,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: api.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${dbPath}`,
        RUNBOOKS_DIR,
        WORKLOADS_DIR: dir,
        LOG_LEVEL: 'silent',
        ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
        ...(process.env.SLACK_POST_PACE ? { SLACK_POST_PACE: process.env.SLACK_POST_PACE } : {}),
      },
    },
  );
  await waitUntilServing(`http://127.0.0.1:${port}/healthz`, child, 'gc-incident serve');
  return { port, child };
}

// Each app in its own process, so neither one's work slows the other; the driver is this process.
const [gc, bare] = await Promise.all([values.from === 'dist' ? deployed() : target('gc'), target('bare')]);
// A benchmark that fails (throws) still stops both apps: neither is left serving, holding the terminal.
process.on('exit', () => {
  for (const { child } of [gc, bare]) if (child.exitCode === null) child.kill('SIGKILL');
});
const app = { port: gc.port };
const barePort = bare.port;

const commands = ['list', 'status', 'start gc-thrash-allocation-churn job=bench', 'runbooks', 'list all'];
async function send(port: number, i: number): Promise<number> {
  const body = slashBody({
    text: commands[i % commands.length] as string,
    userId: 'U0BENCH001',
    channelId: CHANNEL,
    triggerId: api.trigger(),
    responseUrl: api.responseUrl(),
  });
  const result = await sendSigned(port, body);
  if (result.status !== 200) throw new Error(`HTTP ${result.status}: ${result.text}`);
  return result.ms;
}

// Warm both up, then start the long simulation.
for (let i = 0; i < 50; i++) {
  await send(app.port, i);
  await send(barePort, i);
}
const startSimulation = () =>
  sendSigned(
    app.port,
    slashBody({
      text: 'simulate long',
      userId: 'U0BENCH001',
      channelId: SIM_CHANNEL,
      triggerId: api.trigger(),
      responseUrl: api.responseUrl(),
    }),
  );
const simulations = () => api.messages.filter((m) => !m.threadTs && m.text.startsWith('🧪 long'));
// Started: its progress message moved past "queued". Edits wait for the channel's posting pace and
// only the newest is sent, so a short run may show "100%" as its first edit (seen 2026-12-07).
const simulationRan = () => simulations().some((m) => !m.text.includes('queued'));
await startSimulation();
// Measure only once a simulation really ran in the worker; the keeper below starts the next ones.
for (let waited = 0; !simulationRan(); waited += 100) {
  const failed = api.messages.find((m) => m.text.includes('Simulation failed'));
  if (failed || waited > 60_000)
    throw new Error(
      `the background simulation did not start: ${failed?.text ?? JSON.stringify(api.responses.at(-1)?.body.text)}`,
    );
  await new Promise((r) => setTimeout(r, 100));
}
// Start the next simulation as soon as one finishes, for the whole measurement. Finished is read
// from the app's own counter on /metrics: the progress messages wait for their channel's posting
// pace (20 a minute), and reading them left the worker idle most of the time (2026-12-07).
let keepSimulating = true;
let idleSamples = 0;
let samples = 0;
let started = 1;
async function finished(): Promise<number> {
  // Only the one counter (`name[]`): rendering every default metric 20 times a second cost the app
  // 12 % of its busy time and 20 % of its allocations, a load Prometheus never puts on it (2026-12-07).
  const text = await (
    await fetch(`http://127.0.0.1:${app.port}/metrics?name[]=gc_incident_simulations_total`)
  ).text();
  let n = 0;
  for (const m of text.matchAll(/^gc_incident_simulations_total\{outcome="(?:done|failed)"\} (\d+)/gm))
    n += Number(m[1]);
  return n;
}
const keeper = (async () => {
  while (keepSimulating) {
    await new Promise((r) => setTimeout(r, 50));
    samples += 1;
    if ((await finished()) >= started) {
      idleSamples += 1;
      started += 1;
      await startSimulation();
    }
  }
})();

// Steady rate, both apps interleaved so they share the machine's conditions.
const total = RATE * SECONDS;
const gcTimes: number[] = [];
const bareTimes: number[] = [];
const pending: Promise<void>[] = [];
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const which = i % 2 === 0;
  pending.push(
    send(which ? app.port : barePort, i).then((ms) => void (which ? gcTimes : bareTimes).push(ms)),
  );
}
await Promise.all(pending);
keepSimulating = false;
await keeper;
const elapsed = (performance.now() - start) / 1000;

const row = (name: string, xs: number[]) =>
  `  ${name.padEnd(34)}: p50 ${pct(xs, 50).toFixed(2).padStart(6)} ms   p99 ${pct(xs, 99).toFixed(2).padStart(6)} ms   max ${Math.max(
    ...xs,
  )
    .toFixed(2)
    .padStart(7)} ms   (${xs.length} requests)`;
const incidents = api.messages.filter((m) => !m.threadTs && m.text.startsWith('GC-')).length;
console.log(
  `ack latency, ${RATE} signed slash commands/s for ${elapsed.toFixed(1)} s (Node ${process.version}; gc-incident from ${values.from === 'dist' ? `dist/, as deployed, NODE_OPTIONS=${NODE_OPTIONS || '(none)'}` : 'src/ under tsx'})`,
);
console.log(row('gc-incident (real work after ack)', gcTimes));
console.log(row('bare Bolt app (ack only)', bareTimes));
console.log(`  ratio p50                         : ${(pct(gcTimes, 50) / pct(bareTimes, 50)).toFixed(2)}x`);
console.log(
  `  ratio p99                         : ${(pct(gcTimes, 99) / pct(bareTimes, 99)).toFixed(2)}x (target 1.2x)`,
);
console.log(`  over Slack's 3 s                  : ${gcTimes.filter((t) => t > 3000).length}`);
console.log(
  `  background simulations (worker)   : ${started} run back to back; none running in ${((100 * idleSamples) / Math.max(1, samples)).toFixed(1)}% of 50 ms samples`,
);
console.log(
  `  incident cards posted during the run: ${incidents}; Web API calls answered: ${api.calls.length}`,
);

for (const { child } of [gc, bare]) {
  child.removeAllListeners('exit');
  child.stdin?.end();
}
// The deployed server stops on SIGTERM, as under a process manager.
if (values.from === 'dist') gc.child.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 500));
await api.stop();
process.exit(0);
