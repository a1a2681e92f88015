import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';
import { cli } from '../helpers/cli.js';
import { pngSize, previewScale } from '../helpers/png.js';
import { REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';

const w01 = join(REPO, 'tests/fixtures/workloads/w01-ring2.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'gc-incident-sim-'));
// What the core computes for the fixture; the CLI must print exactly this (its exactness is tested elsewhere).
const expected = simulate(normalizeWorkload(parse(readFileSync(w01, 'utf8'))));

describe('gc-incident simulate', () => {
  it('prints per-generation stats, count, garbage, pauses and heap', async () => {
    const run = await cli(['simulate', w01]);
    expect(run.code).toBe(0);
    const [g0, g1, g2] = expected.stats;
    expect(run.stdout).toMatch(
      new RegExp(`collections\\s+${g0?.collections}\\s+${g1?.collections}\\s+${g2?.collections}`),
    );
    expect(run.stdout).toContain(`gc.get_count() ${JSON.stringify(expected.count)}`);
    expect(run.stdout).toMatch(/pauses: 57 collections, p50 [0-9.]+ ms, p95 [0-9.]+ ms, p99 [0-9.]+ ms, max/);
    expect(run.stdout).toMatch(/peak [0-9,]+, steady [0-9,]+/);
  });

  it('--json prints one object with stats, count, garbage and pauses', async () => {
    const run = await cli(['simulate', w01, '--json']);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out.stats).toEqual(expected.stats);
    expect(out.count).toEqual(expected.count);
    expect(out.garbage).toBe(0);
    expect(out.pauses).toMatchObject({ count: 57 });
    expect(out.variants).toEqual([]);
  });

  it('--python changes the modelled version and its default thresholds', async () => {
    const out = JSON.parse((await cli(['simulate', w01, '--json', '--python', '3.13'])).stdout);
    expect(out.python).toBe('3.13');
    expect(out.thresholds).toEqual([2000, 10, 10]);
    const model = JSON.parse((await cli(['simulate', w01, '--json', '--python', '3.14-incremental'])).stdout);
    expect(model.fidelity).toBe('model only');
  });

  it('--what-if prints one comparison table with every variant', async () => {
    const run = await cli([
      'simulate',
      w01,
      '--what-if',
      'freeze',
      '--what-if',
      'threshold=50000,20,100',
      '--what-if',
      'python=3.13',
      '--what-if',
      'disable+collect=5000',
      '--what-if',
      'break-cycles',
    ]);
    expect(run.code).toBe(0);
    const table = run.stdout.slice(run.stdout.indexOf('What-if comparison'));
    expect(table).toMatch(
      /variant\s+python\s+gen0\s+gen1\s+gen2\s+collected\s+p50 ms\s+p95 ms\s+max ms\s+peak heap\s+GC ms\/s/,
    );
    for (const v of [
      'baseline',
      'freeze',
      'threshold=50000,20,100',
      'python=3.13',
      'disable+collect=5000',
      'break-cycles',
    ]) {
      expect(table).toContain(v);
    }
    expect(table).toMatch(/break-cycles\s+3\.12\s+0\s+0\s+0\s+0/);
  });

  it('a runbook simulate step can be simulated by RUNBOOK_ID:STEP_ID', async () => {
    const run = await cli(['simulate', 'gc-full-collection-latency:simulate-heap'], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Workload 'full-collection-latency'");
    expect(run.stdout).toContain('--what-if freeze');
  });

  it('--chart writes a PNG of a size Slack previews well, and an SVG', async () => {
    const dir = tmp();
    await cli(['simulate', w01, '--what-if', 'freeze', '--chart', join(dir, 'whatif.png')]);
    const size = pngSize(readFileSync(join(dir, 'whatif.png')));
    expect(size.width).toBeGreaterThanOrEqual(1200);
    expect(previewScale(size)).toBeGreaterThanOrEqual(0.8);
    // With what-ifs: the decision (pauses and GC time per variant); alone: the heap over time.
    await cli(['simulate', w01, '--what-if', 'freeze', '--chart', join(dir, 'whatif.svg')]);
    const whatIf = readFileSync(join(dir, 'whatif.svg'), 'utf8');
    expect(whatIf).toContain('pause per collection (ms, log scale)');
    expect(whatIf).toContain('freeze');
    await cli(['simulate', w01, '--chart', join(dir, 'heap.svg')]);
    const svg = readFileSync(join(dir, 'heap.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('iteration');
    const bad = await cli(['simulate', w01, '--chart', join(dir, 'heap.gif')]);
    expect(bad.code).toBe(2);
  });

  it('an invalid workload gets FILE:LINE:COL errors and exit 1', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'python: "3.12"\niterations: 10\neach_iteration:\n  - keep: 1\n    temp: 2\n  - cycle: {size: 2, finalizer: true}\n    kind: list\n',
    );
    const run = await cli(['simulate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${file}:4:5: error: /each_iteration/0: each operation names exactly one of keep, temp, bulk, cycle`,
    );
    writeFileSync(
      file,
      'python: "3.12"\niterations: 10\neach_iteration:\n  - cycle: {size: 2, finalizer: true}\n    kind: list\n',
    );
    const lint = await cli(['simulate', file]);
    expect(lint.stderr).toContain(`${file}:4:12: error: a list cannot have a finalizer`);
  });

  it('an absurd workload is refused with a clear message', async () => {
    const dir = tmp();
    const file = join(dir, 'huge.yaml');
    writeFileSync(
      file,
      'python: "3.12"\niterations: 10000000000\neach_iteration:\n  - cycle: {size: 100000}\n',
    );
    const run = await cli(['simulate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[WORKLOAD_TOO_LARGE]');
  });

  it('unknown what-ifs and versions are usage errors', async () => {
    expect((await cli(['simulate', w01, '--what-if', 'magic'])).code).toBe(2);
    expect((await cli(['simulate', w01, '--python', '2.7'])).code).toBe(2);
    const future = await cli(['simulate', w01, '--python', '3.16']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--python 3.16: ');
    expect(future.stderr).toContain('the newest modelled is 3.15');
  });

  it('--python takes any release from 3.8: 3.15, and a 3.14 patch level picks its collector', async () => {
    const v315 = await cli(['simulate', w01, '--python', '3.15']);
    expect(v315.code).toBe(0);
    expect(v315.stdout).toContain('on CPython 3.15 (model for 3.15.x; generational collector');
    expect(v315.stdout).toContain('model checked against real CPython');
    const v3142 = await cli(['simulate', w01, '--python', '3.14.2']);
    expect(v3142.stdout).toContain('on CPython 3.14-incremental (model for 3.14.0 to 3.14.4; incremental');
    expect(v3142.stdout).toContain('MODEL ONLY');
    const v31410 = await cli(['simulate', w01, '--python', '3.14.10', '--json']);
    expect(JSON.parse(v31410.stdout)).toMatchObject({ python: '3.14', covers: '3.14.5 and later' });
  });

  it("a workload's python: outside 3.8-3.15 is a FILE:LINE:COL error", async () => {
    const file = join(tmp(), 'future.yaml');
    writeFileSync(file, 'iterations: 10\npython: "3.16"\neach_iteration:\n  - keep: 1\n');
    const run = await cli(['simulate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`${file}:2:\\d+: error: 3\\.16: CPython 3\\.16's collector is not known yet`),
    );
  });
});

describe('gc-incident repro', () => {
  it('prints a standalone script that prints one JSON line', async () => {
    const run = await cli(['repro', w01]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# gc-incident repro script for workload 'w01-ring2'/);
    expect(run.stdout).toContain('gc.set_threshold(700, 10, 10)');
    expect(run.stdout).toContain("'garbage': len(gc.garbage)");
    const v313 = await cli(['repro', w01, '--python', '3.13']);
    expect(v313.stdout).toContain('gc.set_threshold(2000, 10, 10)');
    const broken = await cli(['repro', w01, '--what-if', 'break-cycles']);
    expect(broken.stdout).toContain('r0.ref = None');
  });
});
