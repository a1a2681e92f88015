/**
 * `gc-incident mcp` as an assistant runs it: a child process on stdio, driven by the MCP SDK's
 * own client. One server for the file (each start costs a Node process and the schemas).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { MCP_ENTRY, type McpSession, startMcp } from '../helpers/mcp-process.js';
import { lineOf, REPO, RUNBOOKS_DIR, readText } from '../helpers/runbooks.js';
import { scriptedIncident } from '../helpers/scripted-incident.js';

let mcp: McpSession;
let incidentId: string;
const dir = mkdtempSync(join(tmpdir(), 'gc-incident-mcp-'));

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await mcp.client.callTool({ name, arguments: args })) as CallToolResult;
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

beforeAll(async () => {
  // A store with one incident walked through every phase (the postmortem goldens' incident).
  const path = join(dir, 'gc.db');
  const store = new SqliteStore(path);
  await store.migrate();
  incidentId = (await scriptedIncident(store)).id;
  await store.close();
  mcp = await startMcp({ DATABASE_URL: `sqlite:${path}`, RUNBOOKS_DIR });
});

afterAll(async () => {
  await mcp?.close();
});

describe('gc-incident mcp', () => {
  it('lists its tools, each with an input schema, the investigate prompt and the runbooks as resources', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'check',
        'fit',
        'incident_change',
        'incident_postmortem',
        'incident_show',
        'incidents_list',
        'query',
        'runbook_show',
        'runbook_validate',
        'runbooks_list',
        'simulate',
      ].sort(),
    );
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    }
    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['investigate']);
    const prompt = await mcp.client.getPrompt({ name: 'investigate', arguments: { job: 'checkout' } });
    const steps = JSON.stringify(prompt.messages);
    expect(steps.indexOf('Call fit')).toBeLessThan(steps.indexOf('Call simulate'));
    const { resources } = await mcp.client.listResources();
    expect(resources.map((r) => r.uri)).toContain('gc-incident://runbooks/gc-full-collection-latency');
    const read = await mcp.client.readResource({ uri: 'gc-incident://runbooks/gc-full-collection-latency' });
    expect((read.contents[0] as { text?: string } | undefined)?.text).toBe(
      readText(join(RUNBOOKS_DIR, 'gc-full-collection-latency.yaml')),
    );
  });

  it('lists and shows runbooks: phases, steps and checks', async () => {
    const list = await call('runbooks_list', {});
    expect(list.isError).toBeFalsy();
    const ids = ((list.structuredContent?.runbooks ?? []) as { id: string }[]).map((r) => r.id);
    expect(ids).toContain('gc-thrash-allocation-churn');
    const shown = await call('runbook_show', { id: 'gc-full-collection-latency' });
    const phases = shown.structuredContent?.phases as {
      phase: string;
      steps: unknown[];
      checks: unknown[];
    }[];
    expect(phases.map((p) => p.phase)).toEqual([
      'detection',
      'triage',
      'containment',
      'verification',
      'follow-up',
    ]);
    expect(phases[0]?.checks.length).toBeGreaterThan(0);
    expect(phases[2]?.steps.length).toBeGreaterThan(0);
    expect(text(shown)).toContain('check ');
  });

  it("validates a broken runbook given as text: the problem's line and column, as `validate` gives them", async () => {
    const broken = readText(join(RUNBOOKS_DIR, 'gc-full-collection-latency.yaml')).replace(
      '  severity:',
      '  sevrity:',
    );
    const result = await call('runbook_validate', { yaml: broken, name: 'draft.yaml' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent?.valid).toBe(false);
    const line = lineOf(broken, 'sevrity');
    expect(text(result)).toContain(`draft.yaml:${line}:3: error: /metadata: unknown property 'sevrity'`);
    // The same diagnostics as the CLI's for the same bytes in a file.
    const file = join(dir, 'draft.yaml');
    writeFileSync(file, broken);
    const run = await cli(['validate', '--format', 'json', file], { RUNBOOKS_DIR });
    const fromCli = (
      JSON.parse(run.stdout) as {
        diagnostics: { line: number; col: number; rule: string; message: string }[];
      }
    ).diagnostics;
    const fromMcp = result.structuredContent?.diagnostics as {
      line: number;
      col: number;
      rule: string;
      message: string;
    }[];
    const key = (d: { line: number; col: number; rule: string; message: string }) =>
      `${d.line}:${d.col}:${d.rule}:${d.message}`;
    expect(fromMcp.map(key)).toEqual(fromCli.map(key));
    const valid = await call('runbook_validate', {
      yaml: readText(join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml')),
    });
    expect(valid.structuredContent).toMatchObject({ valid: true, errors: 0 });
  });

  it('simulates the full-collection workload with freeze and thresholds: the verdict, the table and the objective', async () => {
    const result = await call('simulate', {
      workload: 'full-collection-latency',
      whatIf: ['freeze', 'threshold=50000,20,100'],
      objective: 'longest-pause',
    });
    expect(result.isError, text(result)).toBeFalsy();
    const out = result.structuredContent as {
      verdict: string;
      best: string | null;
      table: string;
      objective: { name: string };
      variants: { variant: string; pauses: { maxMs: number } }[];
    };
    expect(out.variants.map((v) => v.variant)).toEqual(['baseline', 'freeze', 'threshold=50000,20,100']);
    // Ranked on the longest pause (the objective the caller names, as the full-collection runbook
    // does): the verdict leads with it and names freeze.
    expect(out.best).toBe('freeze');
    expect(out.verdict).toMatch(
      /^Calling gc\.freeze\(\) after start-up cuts the longest pause [\d.]+ → [\d.]+ ms/,
    );
    expect(out.objective.name).toBe('longest-pause');
    const [baseline, freeze] = out.variants;
    expect(freeze?.pauses.maxMs).toBeLessThan(baseline?.pauses.maxMs ?? 0);
    expect(out.objective.name).toBeTruthy();
    expect(out.table).toContain('threshold=50000,20,100');
    expect(text(result)).toContain(out.verdict);
  });

  it('refuses 100 what-ifs with the limit named, and a workload outside the workloads folder', async () => {
    const many = await call('simulate', {
      workload: 'full-collection-latency',
      whatIf: Array(100).fill('freeze'),
    });
    expect(many.isError).toBe(true);
    expect(text(many)).toContain('at most 8 what-ifs per simulation (you gave 100)');
    const outside = await call('simulate', { workload: '../package.json' });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toMatch(/neither a workload name nor RUNBOOK_ID\/STEP_ID \[USAGE\]/);
    const inline = await call('simulate', { yaml: 'python: "3.12"\niterations: nope\n' });
    expect(inline.isError).toBe(true);
    expect(text(inline)).toMatch(/inline\.yaml:2:\d+/);
  });

  it('lists incidents from the store and shows the walked one: status, phase, roles, timeline, postmortem', async () => {
    const list = await call('incidents_list', {});
    expect(list.structuredContent?.incidents).toEqual([
      expect.objectContaining({ id: incidentId, runbook: 'gc-thrash-allocation-churn', status: 'resolved' }),
    ]);
    const shown = await call('incident_show', { id: incidentId.toLowerCase() });
    expect(shown.isError, text(shown)).toBeFalsy();
    const incident = shown.structuredContent as {
      status: string;
      phase: string;
      roles: Record<string, string>;
      timeline: { text: string }[];
    };
    expect(incident.status).toBe('resolved');
    expect(incident.phase).toBe('follow-up');
    expect(incident.roles.commander).toBe('U0ALICE001');
    expect(incident.timeline.length).toBeGreaterThan(10);
    expect(text(shown)).toContain(`${incidentId}: `);
    const postmortem = await call('incident_postmortem', { id: incidentId });
    expect(postmortem.structuredContent?.markdown).toMatch(new RegExp(`^# ${incidentId}`));
  });

  it('changes nothing: a change is answered with the /gc-incident command to run', async () => {
    const close = await call('incident_change', { change: 'close', incident: incidentId });
    expect(close.structuredContent).toMatchObject({
      refused: true,
      command: `/gc-incident close ${incidentId}`,
    });
    const approve = await call('incident_change', { change: 'approve', incident: incidentId });
    expect(approve.structuredContent).toMatchObject({ command: `/gc-incident status ${incidentId}` });
    const after = await call('incident_show', { id: incidentId });
    expect(after.structuredContent?.status).toBe('resolved');
  });

  it.each([
    ['runbook_show', { id: 'Not An Id' }],
    ['runbook_show', { id: 'no-such-runbook' }],
    ['runbook_validate', { yaml: 42 }],
    ['simulate', {}],
    ['simulate', { workload: 'full-collection-latency', whatIf: ['freeze=now'] }],
    ['simulate', { workload: 'full-collection-latency', python: '2.7' }],
    ['fit', { job: 'checkout"}' }],
    ['fit', { job: 'checkout' }],
    ['incidents_list', { limit: 0 }],
    ['incident_show', { id: 'GC-2026-9999' }],
    ['incident_show', { id: "x' OR 1=1" }],
    ['incident_postmortem', { id: 'GC-2026-9999' }],
    ['query', { promql: 'rate(x[5m' }],
    ['query', { promql: 'up' }],
    ['check', { runbook: 'gc-full-collection-latency', inputs: { job: 'a"}or vector(1)' } }],
    ['check', { runbook: 'gc-full-collection-latency', phase: 'containment' }],
    ['incident_change', { change: 'delete' }],
  ])(
    '%s with bad input %j: a clear error, no stack trace, and the server keeps serving',
    async (name, args) => {
      const result = await call(name, args);
      expect(result.isError).toBe(true);
      const said = text(result);
      expect(said.length).toBeGreaterThan(10);
      expect(said).not.toMatch(/\n\s+at /);
      expect(mcp.stderr()).not.toMatch(/\n\s+at /);
    },
  );

  it('says which code an error has: a missing datasource, an unknown incident, a bad query', async () => {
    expect(text(await call('query', { promql: 'up' }))).toMatch(/PROMETHEUS_URL.*\[METRICS_UNAVAILABLE\]/);
    expect(text(await call('incident_show', { id: 'GC-2026-9999' }))).toMatch(/\[INCIDENT_NOT_FOUND\]$/);
    expect(text(await call('query', { promql: 'rate(x[5m' }))).toMatch(
      /PromQL does not parse.*\[METRICS_BAD_QUERY\]/,
    );
    expect(text(await call('fit', { job: 'checkout' }))).toMatch(/\[METRICS_UNAVAILABLE\]/);
  });

  it('answers the requests it read before stdin closed, skips a line that is not JSON, and exits 0', async () => {
    const child = spawn(process.execPath, MCP_ENTRY, {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: `sqlite:${join(dir, 'gc.db')}`,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'pipe', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'incidents_list', arguments: {} } },
    ].map((m) => JSON.stringify(m));
    child.stdin.end(`${lines.join('\n')}\nnot json\n`);
    expect(await exited).toBe(0);
    const answers = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; result: { structuredContent?: unknown } });
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
    expect(answers[1]?.result.structuredContent).toEqual({
      incidents: [expect.objectContaining({ id: incidentId })],
    });
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
