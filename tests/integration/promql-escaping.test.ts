/**
 * Property test of the one PromQL string-escaping function: generated values (quotes,
 * backslashes, newlines, control characters, U+FFFD, unicode, braces, backticks) escaped by
 * `escapePromqlString` must (1) parse with real `promtool` and (2) match exactly that label
 * value in a real Prometheus, which scrapes them from a loopback target. Failing seeds are
 * printed; rerun one with PROMQL_ESCAPE_SEED=….
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { escapePromqlString, renderQuery } from '../../src/core/incident/render-query.js';
import { labMissing, type Running, startPrometheus, waitForSeries } from '../helpers/lab.js';

const missing = labMissing();
if (missing) console.log(missing);

const SEED = Number(process.env.PROMQL_ESCAPE_SEED ?? Date.now() % 2 ** 31);
const RUNS = 150;
const SPECIAL = [
  '"',
  "'",
  '\\',
  '\n',
  '\r',
  '\t',
  '{',
  '}',
  '`',
  '=~',
  '\u0000',
  '\u007f',
  '\u0085',
  '\ufffd',
];
const char = fc.oneof(
  fc.constantFrom(...SPECIAL, 'é', '🙂', '\u2028', '日本', 'a', ' '),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
// Prometheus drops a label whose value is empty, so every value has at least one character.
const values = [
  ...new Set(
    fc.sample(fc.string({ unit: char, minLength: 1, maxLength: 12 }), { numRuns: RUNS, seed: SEED }),
  ),
];

/**
 * JSON is YAML, but YAML reads U+0085, U+2028 and U+2029 as line breaks and refuses other
 * non-printable characters: those are written as \u escapes, so the file carries the PromQL
 * text exactly and only PromQL is under test.
 */
function yamlSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A label value in Prometheus's text exposition format (its own escaping: \\, \", \n). */
function exposition(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

describe.skipIf(missing !== undefined)(`escapePromqlString (seed ${SEED})`, () => {
  let target: Server | undefined;
  let prom: Running | undefined;
  afterAll(async () => {
    await prom?.stop();
    target?.close();
  });

  it('every escaped value parses with promtool, in a matcher and through renderQuery', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-escape-'));
    const rules = values.flatMap((v, i) => [
      { record: `probe_escaped_${i}`, expr: `probe{v="${escapePromqlString(v)}"}` },
      { record: `probe_rendered_${i}`, expr: renderQuery('sum(probe{v="{{v}}", w!="{{v}}"})', { v }) },
    ]);
    writeFileSync(join(dir, 'rules.yml'), yamlSafeJson({ groups: [{ name: 'escape', rules }] }));
    const run = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
    const output = run.stdout + run.stderr;
    expect(output, `seed ${SEED}: ${output.slice(0, 2000)}`).toContain(
      `SUCCESS: ${rules.length} rules found`,
    );
    expect(run.status).toBe(0);
  });

  it('a real Prometheus matches exactly the label value', async () => {
    target = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(`${values.map((v, i) => `probe{i="${i}",v="${exposition(v)}"} 1`).join('\n')}\n`);
    });
    await new Promise<void>((r) => target?.listen(0, '127.0.0.1', r));
    const address = target.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    prom = await startPrometheus([`127.0.0.1:${port}`]);
    await waitForSeries(prom.url, 'probe');
    const url = prom.url;
    const query = async (q: string) => {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: q }),
      });
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value?: [number, string] }[] };
      };
      return { status: response.status, body };
    };
    // Every value was ingested as written (the exposition side is not under test).
    const count = await query('count(probe)');
    expect(count.body.data?.result[0]?.value?.[1]).toBe(String(values.length));
    const problems: string[] = [];
    for (const [i, v] of values.entries()) {
      const { status, body } = await query(`probe{v="${escapePromqlString(v)}"}`);
      const series = body.data?.result ?? [];
      if (
        status !== 200 ||
        series.length !== 1 ||
        series[0]?.metric.i !== String(i) ||
        series[0]?.metric.v !== v
      )
        problems.push(
          `${JSON.stringify(v)}: ${status} ${body.error ?? JSON.stringify(series.map((s) => s.metric))}`,
        );
    }
    expect(problems, `seed ${SEED}`).toEqual([]);
  }, 90_000);
});
