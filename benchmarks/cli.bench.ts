/**
 * Start-up time of the command line, as a user meets it: whole processes of the built
 * `bin/gc-incident.js` against a bare `node -e 0` measured in the same run, in interleaved
 * rounds (so a busy machine slows every case alike). Prints min/median/max and the ratio of
 * medians to bare Node, against the goals: --version and --help at most 2x, validate of one
 * file at most 3x, validate of 200 files under 1 s.
 *
 *   npm run bench:cli            (ROUNDS=21 npm run bench:cli for more rounds)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'gc-incident.js');
const rounds = Number(process.env.ROUNDS ?? 11);
const shipped = readdirSync(join(repo, 'runbooks')).filter((f) => f.endsWith('.yaml'));

// 200 runbooks with distinct ids, in the repository's layout so `../workloads/…` resolves.
const root = mkdtempSync(join(tmpdir(), 'gc-incident-bench-cli-'));
const many = join(root, 'runbooks');
cpSync(join(repo, 'workloads'), join(root, 'workloads'), { recursive: true });
mkdirSync(many);
for (let i = 0; i < 200; i++) {
  const source = readFileSync(join(repo, 'runbooks', shipped[i % shipped.length] ?? ''), 'utf8');
  writeFileSync(
    join(many, `runbook-${String(i).padStart(3, '0')}.yaml`),
    source.replace(/^( {2}id: )(.*)$/m, `$1$2-${i}`),
  );
}
const one = join(repo, 'runbooks', 'gc-thrash-allocation-churn.yaml');

interface Case {
  readonly name: string;
  readonly args: string[];
  /** Goal: at most this many times bare Node's median, or under this many ms. */
  readonly goal: { ratio: number } | { ms: number };
}
const cases: Case[] = [
  { name: 'node -e 0', args: ['-e', '0'], goal: { ratio: 1 } },
  { name: 'gc-incident --version', args: [bin, '--version'], goal: { ratio: 2 } },
  { name: 'gc-incident --help', args: [bin, '--help'], goal: { ratio: 2 } },
  { name: 'gc-incident validate (1 file)', args: [bin, 'validate', one], goal: { ratio: 3 } },
  { name: 'gc-incident validate (200 files)', args: [bin, 'validate', many], goal: { ms: 1000 } },
];

function run(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return ms;
}

const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (const c of cases) run(c.args); // warm the file cache and Node's compile cache
for (let round = 0; round < rounds; round++) {
  for (const c of cases) times.get(c.name)?.push(run(c.args));
}
rmSync(root, { recursive: true, force: true });

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
};
const bare = stats(times.get('node -e 0') ?? []).median;
console.log(`gc-incident start-up, ${rounds} interleaved rounds on Node ${process.version}`);
console.log('case                               min ms  median ms  max ms  × node  goal');
let missed = 0;
for (const c of cases) {
  const s = stats(times.get(c.name) ?? []);
  const ratio = s.median / bare;
  const ok = 'ratio' in c.goal ? ratio <= c.goal.ratio : s.median < c.goal.ms;
  if (!ok) missed++;
  const goal =
    c.name === 'node -e 0' ? '(peer)' : 'ratio' in c.goal ? `≤${c.goal.ratio}×` : `<${c.goal.ms} ms`;
  console.log(
    `${c.name.padEnd(34)} ${s.min.toFixed(0).padStart(6)}  ${s.median.toFixed(0).padStart(9)}  ${s.max.toFixed(0).padStart(6)}  ${ratio.toFixed(2).padStart(6)}  ${goal}${c.name === 'node -e 0' ? '' : ok ? ' met' : ' MISSED'}`,
  );
}
console.log(
  missed === 0 ? 'every goal met' : `${missed} goal(s) missed (see docs/benchmarks.md, "Start-up time")`,
);
