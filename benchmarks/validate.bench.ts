/**
 * How long validating 200 runbooks takes, against a bare peer measured in the
 * same run: YAML.parse + one Ajv validate per file (no source positions, no
 * PromQL parsing, no lint), i.e. the least any schema validator must do.
 *
 *   npm run bench:validate
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadBundledSchemas } from '../src/adapters/fs/package-files.js';
import { validateRunbookPaths } from '../src/adapters/fs/runbook-files.js';
import { createAjv, createSchemaValidator } from '../src/core/schema-validator.js';

const COUNT = 200;
const ROUNDS = 7;
const repo = join(import.meta.dirname, '..');
const shipped = readdirSync(join(repo, 'runbooks')).filter((f) => f.endsWith('.yaml'));

// The copies keep the repository's layout so `../workloads/…` references resolve.
const root = mkdtempSync(join(tmpdir(), 'gc-incident-bench-'));
const dir = join(root, 'runbooks');
cpSync(join(repo, 'workloads'), join(root, 'workloads'), { recursive: true });
mkdirSync(dir);
const files: string[] = [];
for (let i = 0; i < COUNT; i++) {
  const source = readFileSync(join(repo, 'runbooks', shipped[i % shipped.length] ?? ''), 'utf8');
  const text = source.replace(/^( {2}id: )(.*)$/m, `$1$2-${i}`);
  const file = join(dir, `runbook-${String(i).padStart(3, '0')}.yaml`);
  writeFileSync(file, text);
  files.push(file);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const schemas = createSchemaValidator(loadBundledSchemas());
const context = { schemas, datasources: new Set(['default']) };
const ajv = createAjv(loadBundledSchemas());
const bare = ajv.getSchema('https://gc-incident.dev/schemas/runbook.schema.json');
if (!bare) throw new Error('schema missing');

// Warm up both paths (JIT, schema compilation) before measuring.
const warm = validateRunbookPaths([dir], context);
if (warm.diagnostics.length > 0) {
  console.error(warm.diagnostics.slice(0, 5));
  throw new Error('benchmark runbooks should be valid');
}
for (const f of files) bare(parse(readFileSync(f, 'utf8')));

const ours: number[] = [];
const peer: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  ours.push(time(() => validateRunbookPaths([dir], context)));
  peer.push(
    time(() => {
      for (const f of files) bare(parse(readFileSync(f, 'utf8')));
    }),
  );
}

const cliRuns: number[] = [];
for (let round = 0; round < 3; round++) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(repo, 'bin/gc-incident.js'), 'validate', dir], {
    encoding: 'utf8',
  });
  cliRuns.push(performance.now() - start);
  if (r.status !== 0) throw new Error(`gc-incident validate exited ${r.status}: ${r.stdout}${r.stderr}`);
}
const nodeStart: number[] = [];
for (let round = 0; round < 3; round++) {
  const start = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  nodeStart.push(performance.now() - start);
}
rmSync(root, { recursive: true, force: true });

const o = median(ours);
const p = median(peer);
console.log(`validate ${COUNT} runbooks (median of ${ROUNDS}, Node ${process.version})`);
console.log(`  gc-incident validation, in process : ${o.toFixed(1)} ms (${(o / COUNT).toFixed(2)} ms/file)`);
console.log(`  peer: YAML.parse + Ajv only        : ${p.toFixed(1)} ms (${(p / COUNT).toFixed(2)} ms/file)`);
console.log(`  ratio gc-incident / peer           : ${(o / p).toFixed(2)}x`);
console.log(
  `  whole CLI process (median of 3)    : ${median(cliRuns).toFixed(1)} ms, of which Node start-up ${median(nodeStart).toFixed(1)} ms`,
);
