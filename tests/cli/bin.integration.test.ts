/** The installed entry point, run as users run it: a separate Node process. */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startMcp } from '../helpers/mcp-process.js';
import { REPO } from '../helpers/runbooks.js';

const bin = join(REPO, 'bin', 'gc-incident.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: REPO, encoding: 'utf8' });

describe('bin/gc-incident.js', () => {
  beforeAll(() => {
    // The bin loads dist/; build it so this test checks the current sources.
    execFileSync(
      process.execPath,
      [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: REPO,
      },
    );
  });

  it('--help lists every subcommand', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('validate');
    expect(r.stdout).toContain('runbooks');
  });

  it.each([
    'validate',
    'runbooks',
    'simulate',
    'repro',
    'calibrate',
    'walk',
    'incidents',
    'show',
    'query',
    'check',
    'rules',
    'test',
    'mcp',
  ])('%s --help works', (command) => {
    const r = run(command, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: gc-incident ${command}`);
  });

  it('validate runbooks exits 0 from the repository root', () => {
    const r = run('validate', 'runbooks');
    expect(r.status).toBe(0);
  });

  it('the compiled worker runs a simulation off the main thread', async () => {
    const { runSimulationInWorker } = (await import(
      join(REPO, 'dist/adapters/simulator/worker-runner.js')
    )) as typeof import('../../src/adapters/simulator/worker-runner.js');
    const { normalizeWorkload } = await import('../../src/core/simulator/workload.js');
    const result = await runSimulationInWorker(
      normalizeWorkload({ python: '3.12', iterations: 1000, each_iteration: [{ cycle: { size: 2 } }] }),
    );
    expect(result.stats[0]?.collections).toBeGreaterThan(0);
  });

  it('an unknown command is a usage error with no stack trace', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('mcp over the built entry point: the SDK imports resolve from dist/ and a simulation runs in its worker', async () => {
    const session = await startMcp({}, [bin, 'mcp']);
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).toContain('simulate');
      const result = await session.client.callTool({
        name: 'simulate',
        arguments: { workload: 'full-collection-latency', whatIf: ['freeze'], objective: 'longest-pause' },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ best: 'freeze' });
    } finally {
      await session.close();
    }
  });
});
