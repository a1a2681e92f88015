/**
 * The driver is the only orchestrator (issue 32): every incident command from any surface goes
 * through src/core/incident/driver/, so the engine's `execute` is called there and nowhere
 * else under src/ (tests drive the engine directly to set up state; the store's own tests do
 * too). The core holds no Slack syntax: no `<@…>` mention and no `<!…>` special mention under
 * src/core (the surfaces render refusal facts and people in their own syntax). Grep-based,
 * like tests/unit/clock-port.test.ts; the patterns are checked against known offenders first,
 * so a pattern that matches nothing cannot pass by accident.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const DRIVER = join('core', 'incident', 'driver') + sep;
const CORE = `core${sep}`;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each line of each source file, with where it is. */
function lines(filter: (file: string) => boolean): { line: string; at: string }[] {
  return sources(SRC)
    .filter((file) => filter(relative(SRC, file)))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` })),
    );
}

/**
 * A command sent to the engine: `service.execute(…)` (however the service is reached), or a
 * surface's own `exec(incidentId, …)` wrapper around it (what FlowRuntime.exec was, on `rt`). A
 * RegExp's `.exec(text)` is not one (a regex literal, or a named RegExp such as `ID.exec(text)`).
 */
const ENGINE_CALL =
  /\bservice\s*\.\s*execute\s*\(|\b(?:rt|flow|runtime)\s*\.\s*exec\s*\(|(?<![/)])\.\s*exec\s*\(\s*(?:[\w.]*\bincident\w*|[\w.]+\.id)\b/;

/** Slack's mention syntax; a RegExp lookbehind `(?<!` and an HTML doctype are not Slack's. */
const SLACK_SYNTAX = /<@|<!/;
const NOT_SLACK = /\(\?<!|<!doctype/gi;

describe('the driver is the only orchestrator', () => {
  it('its patterns recognise what they forbid', () => {
    expect(ENGINE_CALL.test('await rt.exec(incidentId, { type: "add-note" })')).toBe(true);
    expect(ENGINE_CALL.test('await rt.exec(incident.id, { type: "record-channel" })')).toBe(true);
    expect(ENGINE_CALL.test('const noted = await rt.exec(left.incident.id, {')).toBe(true);
    expect(ENGINE_CALL.test('  await rt.exec(')).toBe(true);
    expect(ENGINE_CALL.test('return this.deps.service.execute(incidentId, command);')).toBe(true);
    expect(ENGINE_CALL.test('const m = /^(\\d+)$/.exec(text);')).toBe(false);
    expect(ENGINE_CALL.test('const [, year] = /^[A-Z]+-(\\d{4})$/.exec(incident.id) ?? [];')).toBe(false);
    expect(SLACK_SYNTAX.test('`<@U0ALICE>`'.replace(NOT_SLACK, ''))).toBe(true);
    expect(SLACK_SYNTAX.test('members of <!subteam^S0SRE>'.replace(NOT_SLACK, ''))).toBe(true);
    expect(SLACK_SYNTAX.test('/(?<!\\\\)\\| /'.replace(NOT_SLACK, ''))).toBe(false);
  });

  it("sends the engine's commands: no execute outside src/core/incident/driver/", () => {
    const all = lines(() => true);
    expect(all.length).toBeGreaterThan(10_000);
    const outside = all
      .filter(({ at }) => !at.startsWith(DRIVER))
      .filter(({ line }) => ENGINE_CALL.test(line))
      .map(({ at }) => at);
    expect(outside).toEqual([]);
    // The driver does send them (the pattern matches its calls).
    expect(
      all.filter(({ at, line }) => at.startsWith(DRIVER) && ENGINE_CALL.test(line)).length,
    ).toBeGreaterThan(0);
  });

  it('leaves Slack syntax to the surfaces: no <@ or <! under src/core', () => {
    const core = lines((file) => file.startsWith(CORE));
    expect(core.length).toBeGreaterThan(1000);
    const slack = core
      .filter(({ line }) => SLACK_SYNTAX.test(line.replace(NOT_SLACK, '')))
      .map(({ at }) => at);
    expect(slack).toEqual([]);
  });
});
