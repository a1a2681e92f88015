/**
 * Defect 2 of #15: ReDoS through a runbook input's `pattern:`. `(a+)+$` passed
 * `validate` and one 35-character value then blocked the event loop for
 * everyone. `validate` must refuse super-linear patterns at FILE:LINE:COL, and
 * matching must run in linear time (whatever pattern reaches it), with a cap.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  lineOf,
  REPO,
  RUNBOOKS_DIR,
  readText,
  shippedRunbookFiles,
  validateText,
} from '../helpers/runbooks.js';

const SHIPPED = readText(join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml'));
const SHIPPED_PATTERN = 'pattern: "[a-zA-Z_][a-zA-Z0-9_:.-]*"';

/** The shipped runbook with its `job` input's pattern replaced. */
const RUNBOOK = (pattern: string) => {
  if (!SHIPPED.includes(SHIPPED_PATTERN)) throw new Error('the shipped runbook changed its pattern line');
  return SHIPPED.replace(SHIPPED_PATTERN, () => `pattern: '${pattern.replace(/'/g, "''")}'`);
};

describe('validate refuses super-linear input patterns', () => {
  it.each(['(a+)+$', '(a*)*b', '(x|x)*y', '(\\d+)*!', '([a-z]+)+$'])(
    'reports %s at its file, line and column',
    (pattern) => {
      const text = RUNBOOK(pattern);
      const problems = validateText(text, 'redos.yaml');
      const found = problems.find((p) => p.rule === 'runbook/input-pattern');
      expect(found, JSON.stringify(problems)).toBeDefined();
      expect(found?.file).toBe('redos.yaml');
      expect(found?.line).toBe(lineOf(text, `pattern: '`));
      expect(found?.col).toBeGreaterThan(1);
      expect(found?.message).toMatch(/linear|backtrack|super-linear/i);
    },
  );

  it('refuses syntax a linear-time engine cannot run (backreferences, lookaround)', () => {
    for (const pattern of ['(a)\\1', 'a(?=b)']) {
      const problems = validateText(RUNBOOK(pattern), 'redos.yaml');
      expect(problems.map((p) => p.rule)).toContain('runbook/input-pattern');
    }
  });

  it('keeps every shipped runbook valid (their patterns stay accepted)', () => {
    for (const file of shippedRunbookFiles()) {
      const problems = validateText(readText(file), file);
      expect(problems.filter((p) => p.rule === 'runbook/input-pattern')).toEqual([]);
    }
    expect(validateText(RUNBOOK('[a-z]+(-[a-z0-9]+)*'))).toEqual([]);
  });
});

/**
 * Matching runs in a separate process with a deadline: a backtracking engine
 * blocks (the very defect) and a blocked test process could not be stopped
 * from inside. Linear matching answers at once; the 20 s deadline only turns a
 * hang into a failure.
 */
function resolveInChild(pattern: string, value: string) {
  const script = `
    import { resolveInputs } from ${JSON.stringify(join(REPO, 'src/core/incident/inputs.ts'))};
    const runbook = { metadata: { id: 'redos-demo' }, inputs: [{ name: 'job', description: 'd', type: 'string', pattern: ${JSON.stringify(pattern)} }] };
    try { resolveInputs(runbook, { job: ${JSON.stringify(value)} }); console.log('ACCEPTED'); }
    catch (e) { console.log('REFUSED ' + e.code + ' ' + e.message); }
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    timeout: 20_000,
    encoding: 'utf8',
  });
}

describe('input matching runs in linear time', () => {
  it('refuses a hostile value against a hostile pattern that reached the engine anyway', () => {
    const run = resolveInChild('(a+)+$', `${'a'.repeat(60)}!`);
    expect(run.signal, 'matching did not finish: the engine backtracks').toBeNull();
    expect(run.stdout).toMatch(/^REFUSED INPUT_INVALID/);
  });

  it('still accepts and refuses values of a shipped pattern', () => {
    const ok = resolveInChild('[a-zA-Z_][a-zA-Z0-9_:.-]*', 'checkout-api');
    expect(ok.stdout.trim()).toBe('ACCEPTED');
    const bad = resolveInChild('[a-zA-Z_][a-zA-Z0-9_:.-]*', 'checkout"}or vector(1)');
    expect(bad.stdout).toMatch(/^REFUSED INPUT_INVALID/);
  });
});
