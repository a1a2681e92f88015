/**
 * The MCP server's metric tools against the bundled service scraped by a real Prometheus:
 * `fit` (the fitted workload, the diagnosis with its evidence, the mitigations ranked by the
 * simulator), `check` and `query`, through `gc-incident mcp` driven by the SDK's client.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateWorkloadBytes } from '../../src/core/runbook/validate.js';
import {
  heldFor,
  labMissing,
  type Running,
  startPrometheus,
  startService,
  waitForSeries,
} from '../helpers/lab.js';
import { type McpSession, startMcp } from '../helpers/mcp-process.js';
import { RUNBOOKS_DIR, schemaValidator } from '../helpers/runbooks.js';

/**
 * The fit's window in seconds: 10 s of the churning service (hundreds of collections a second)
 * is plenty, as in tests/integration/fit.test.ts, and every second of it is a real wait.
 */
const WINDOW = 10;

const missing = labMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== undefined)('gc-incident mcp against a real Prometheus', () => {
  let service: Running;
  let prom: Running;
  let mcp: McpSession;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await mcp.client.callTool({ name, arguments: args })) as CallToolResult;

  beforeAll(async () => {
    service = await startService('churn');
    prom = await startPrometheus([`127.0.0.1:${service.port}`]);
    // The MCP fit tool reads a real window of scrapes (one a second) from a live service end to
    // end; a backfill would not exercise the scrape path the tool is for. The server starts while
    // Prometheus gathers them, and the tests start once the job's series has a sample at each
    // second of the last WINDOW + 1 s, on Prometheus's clock (so the window is all scraped; was a
    // fixed 22 s sleep after the first sample, for a 20 s window).
    await Promise.all([
      startMcp({ PROMETHEUS_URL: prom.url, RUNBOOKS_DIR }).then((m) => {
        mcp = m;
      }),
      waitForSeries(
        prom.url,
        heldFor('python_gc_collections_total{job="gcsvc",generation="0"}', WINDOW + 1),
        60_000,
      ),
    ]);
  }, 90_000);
  afterAll(async () => {
    await mcp?.close();
    await service?.stop();
    await prom?.stop();
  });

  it('fits the churning job: a valid workload, allocation churn with its evidence, the mitigations ranked', async () => {
    const result = await call('fit', { job: 'gcsvc', window: `${WINDOW}s` });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as {
      diagnosis: { mode: string; evidence: string; runbook: string };
      quality: unknown[];
      workloadYaml: string;
      mitigations: { verdict: string; variants: { variant: string }[]; ranking: { variant: string }[] };
    };
    expect(out.diagnosis.mode).toBe('allocation-churn');
    expect(out.diagnosis.runbook).toBe('gc-thrash-allocation-churn');
    expect(out.diagnosis.evidence).toMatch(/[0-9]/);
    expect(out.quality).toHaveLength(6);
    const valid = validateWorkloadBytes(
      'fit.yaml',
      new TextEncoder().encode(out.workloadYaml),
      schemaValidator(),
    );
    expect(valid.diagnostics).toEqual([]);
    expect(out.mitigations.variants.map((v) => v.variant)).toEqual([
      'baseline',
      expect.stringMatching(/^threshold=[0-9]+0,/),
      'freeze',
    ]);
    expect(out.mitigations.ranking).toHaveLength(2);
    expect(out.mitigations.verdict.length).toBeGreaterThan(20);
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    expect(text).toContain('Diagnosis: allocation churn');
  });

  it("evaluates the thrash runbook's detection checks now, and runs a query", async () => {
    const check = await call('check', { runbook: 'gc-thrash-allocation-churn', inputs: { job: 'gcsvc' } });
    expect(check.isError, JSON.stringify(check.content)).toBeFalsy();
    const evaluations = check.structuredContent?.evaluations as { value: number | null; verdict: string }[];
    expect(evaluations.length).toBeGreaterThan(0);
    expect(evaluations.some((e) => e.value !== null)).toBe(true);
    const query = await call('query', { promql: 'sum(rate(python_gc_collections_total{job="gcsvc"}[1m]))' });
    expect(query.isError, JSON.stringify(query.content)).toBeFalsy();
    const series = query.structuredContent?.series as { value: number }[];
    expect(series[0]?.value).toBeGreaterThan(0);
    const none = await call('fit', { job: 'nope', window: `${WINDOW}s` });
    expect(none.isError).toBe(true);
    expect(JSON.stringify(none.content)).toContain('[FIT_JOB_NOT_FOUND]');
  });
});
