/**
 * The time comes from the clock port (issue #14): outside src/adapters/clock.ts no source file
 * reads the wall clock directly. Durations use performance.now(), which is not the wall clock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const CLOCK = join('adapters', 'clock.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the clock port', () => {
  it('is the only reader of the wall clock under src/', () => {
    const readers = sources(SRC)
      .filter((file) => relative(SRC, file) !== CLOCK)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(SRC, file)}:${i + 1}` }))
          .filter(({ line }) => /\bDate\.now\(\)|\bnew Date\(\)/.test(line))
          .map(({ at }) => at),
      );
    expect(readers).toEqual([]);
    expect(sources(SRC).length).toBeGreaterThan(100);
  });
});
