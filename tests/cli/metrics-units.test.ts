/**
 * The terminal writes numbers in their units (issue 27): `query --unit` and `check` through the
 * one formatter, and `validate` warns where a runbook calls a rate of bytes plain bytes.
 * Against a loopback fake Prometheus answering fixed values.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { type FakePrometheus, startFakePrometheus } from '../helpers/fake-prometheus.js';
import { lineOf, RUNBOOKS_DIR } from '../helpers/runbooks.js';

const MiB = 1024 * 1024;
let prom: FakePrometheus;

beforeAll(async () => {
  prom = await startFakePrometheus((q) => {
    if (q.path.endsWith('/query_range'))
      return {
        matrix: [
          {
            labels: { instance: 'a:8000' },
            points: [
              [1_800_000_000, 1.5 * MiB],
              [1_800_000_060, 2.5 * MiB],
            ],
          },
        ],
      };
    if (q.query.includes('deriv(process_resident_memory_bytes'))
      return { vector: [{ labels: { instance: 'a:8000' }, value: 2.1 * MiB }] };
    if (q.query.includes('python_gc_collections_total'))
      return { vector: [{ labels: { generation: '0' }, value: 12.4 }] };
    return { vector: [{ labels: { instance: 'a:8000' }, value: 3.3e9 }] };
  });
});
afterAll(async () => {
  await prom?.stop();
});

describe('query --unit', () => {
  it('writes instant values in the unit given, and plain numbers without one (never e+)', async () => {
    const env = { PROMETHEUS_URL: prom.url };
    const growth = await cli(
      ['query', 'max(deriv(process_resident_memory_bytes[30m])) * 60', '--unit', 'bytes-per-minute'],
      env,
    );
    expect(growth.code).toBe(0);
    expect(growth.stdout).toMatch(/\{instance="a:8000"\}\s+2\.1 MiB\/min\n/);
    const size = await cli(['query', 'process_resident_memory_bytes', '--unit', 'bytes'], env);
    expect(size.stdout).toMatch(/\{instance="a:8000"\}\s+3\.07 GiB\n/);
    const plain = await cli(['query', 'process_resident_memory_bytes'], env);
    expect(plain.stdout).toMatch(/\{instance="a:8000"\}\s+3\.3 billion\n/);
  });

  it('writes the last, lowest and highest point of a range in the unit', async () => {
    const run = await cli(['query', 'process_resident_memory_bytes', '--range', '5m', '--unit', 'bytes'], {
      PROMETHEUS_URL: prom.url,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\{instance="a:8000"\}\s+2\s+2\.5 MiB\s+1\.5 MiB\s+2\.5 MiB\n/);
  });

  it('refuses a unit runbooks do not have, naming those they do', async () => {
    const run = await cli(['query', 'up', '--unit', 'MiB'], { PROMETHEUS_URL: prom.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--unit takes one of none, ratio, percent, seconds, bytes, bytes-per-second, bytes-per-minute',
    );
  });
});

describe('check', () => {
  it("writes a memory-growth check's value and condition per minute", async () => {
    const run = await cli(
      ['check', 'gc-disabled-or-starved', '--input', 'job=api', '--phase', 'verification'],
      { PROMETHEUS_URL: prom.url, RUNBOOKS_DIR },
    );
    expect(run.stdout).toMatch(/memory-flat\s+2\.1 MiB\/min\s+< 1 MiB\/min\s+fail/);
  });
});

describe('validate', () => {
  it('warns where a rate of bytes is declared as bytes, naming the unit to write; exit 0', async () => {
    const shipped = readFileSync(join(RUNBOOKS_DIR, 'gc-cyclic-garbage-growth.yaml'), 'utf8');
    const text = shipped.replace('unit: bytes-per-minute', 'unit: bytes');
    expect(text).not.toBe(shipped);
    const file = join(mkdtempSync(join(tmpdir(), 'gc-incident-unit-')), 'bytes.yaml');
    writeFileSync(file, text);
    const run = await cli(['validate', file]);
    expect(run.code).toBe(0);
    const line = text.split('\n').indexOf('      unit: bytes') + 1;
    expect(line).toBe(lineOf(text, 'memory-climbing') + 5);
    expect(run.stdout.split('\n').filter((l) => l.includes('unit-rate'))).toEqual([
      `${file}:${line}:13: warning: the query is a rate of bytes (per second, times 60), but unit is bytes: write unit: bytes-per-minute, so the value reads as MiB/min [runbook/unit-rate]`,
    ]);
  });
});
