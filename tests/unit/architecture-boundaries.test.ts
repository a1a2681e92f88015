/**
 * Boundaries the type checker cannot see, checked by reading src/: only src/config.ts reads
 * the environment (everything else gets typed configuration from it), and only the clock
 * adapter reads the wall clock (everything else takes an injected Clock).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/runbooks.js';

const SRC = join(REPO, 'src');
const CONFIG = 'src/config.ts';
const CLOCK = 'src/adapters/clock.ts';

interface Rule {
  readonly name: string;
  readonly allowedIn: string;
  readonly patterns: readonly RegExp[];
}

const RULES: readonly Rule[] = [
  {
    name: 'reads or receives the environment',
    allowedIn: CONFIG,
    patterns: [
      // process.env, process['env'], const { env } = process, import { env } from 'node:process'
      /\bprocess\s*(\.|\?\.)\s*env\b/,
      /\bprocess\s*\[\s*['"`]env['"`]\s*\]/,
      /\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/,
      /import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](node:)?process['"]/,
      // An environment-shaped parameter or field: the whole environment handed around.
      /\bProcessEnv\b/,
      /Record<\s*string\s*,\s*string\s*\|\s*undefined\s*>/,
      /\{\s*\[\s*\w+\s*:\s*string\s*\]\s*:\s*string\s*\|\s*undefined\s*;?\s*\}/,
    ],
  },
  {
    name: 'reads the wall clock',
    allowedIn: CLOCK,
    patterns: [
      /\bDate\s*\.\s*now\b/,
      /\bnew\s+Date\s*\(\s*\)/,
      /\bnew\s+Date\b(?!\s*\()/,
      /(?<![.\w])Date\s*\(\s*\)/,
    ],
  },
];

/** The code of a file without its comments (prose may name what the code must not do). */
function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((line) => line.replace(/(^|\s)\/\/.*$/, '$1'))
    .join('\n');
}

/** `file:line: rule` for every line of `text` that breaks a rule `file` is not exempt from. */
function violations(file: string, text: string): string[] {
  const out: string[] = [];
  const lines = codeOf(text).split('\n');
  for (const rule of RULES) {
    if (file === rule.allowedIn) continue;
    lines.forEach((line, i) => {
      if (rule.patterns.some((p) => p.test(line))) out.push(`${file}:${i + 1}: ${rule.name}: ${line.trim()}`);
    });
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('architecture boundaries', () => {
  it('the checks catch what they look for, and not prose or a given instant', () => {
    const caught = [
      'const url = process.env.PROMETHEUS_URL;',
      "const e = process['env'];",
      'const { env, argv } = process;',
      "import { env } from 'node:process';",
      'export function f(env: Readonly<Record<string, string | undefined>>) {}',
      'function g(env: NodeJS.ProcessEnv) {}',
      'const started = Date.now();',
      'const today = new Date();',
      'const t = new Date;',
      'const s = Date();',
    ];
    for (const line of caught) expect(violations('src/x.ts', line), line).toHaveLength(1);
    const allowed = [
      '// process.env is read in src/config.ts only; Date.now() comes from the clock',
      "/* new Date() is the clock adapter's */",
      'const at = new Date(clock.now().getTime() + 1000);',
      "const day = new Date('2026-12-06T00:00:00Z');",
      'const extra: Record<string, string> = {};',
      'const ms = Date.UTC(2024, 0, 1);',
      "const url = 'http://127.0.0.1:9090'; // a comment",
    ];
    for (const line of allowed) expect(violations('src/x.ts', line), line).toEqual([]);
    expect(violations(CONFIG, 'return readConfig(process.env);')).toEqual([]);
    expect(violations(CLOCK, 'now: () => new Date()')).toEqual([]);
    expect(violations(CONFIG, 'now: () => new Date()')).toHaveLength(1);
  });

  it('only src/config.ts reads the environment, and only the clock adapter the wall clock', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => violations(relative(REPO, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
