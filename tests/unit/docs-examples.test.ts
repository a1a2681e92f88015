/**
 * The command examples in the docs are run, so the docs cannot drift from the program. A
 * ```console block holds `$ gc-incident …` lines, each followed by the first lines it prints
 * (stdout and stderr as they are written; `…` stands for any number of lines) and, when it is
 * not 0, its exit code as a trailing `# exit N`. It runs in-process from the repository root,
 * with only the environment the line sets. A ```console transcript block is not run: it was
 * captured from a live system (Prometheus, a service) and its page says where.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { settingsFrom } from '../../src/config.js';
import {
  COMMAND_LINE,
  codeBlocks,
  commandExamples,
  markdownPages,
  matchFirstLines,
  readPage,
} from '../helpers/markdown.js';
import { REPO } from '../helpers/runbooks.js';

const pages = markdownPages();
const examples = pages.flatMap((page) =>
  codeBlocks(readPage(page))
    .filter((block) => block.info === 'console')
    .flatMap((block) => commandExamples(block).map((e) => [`${page}:${e.line}: ${e.source}`, e] as const)),
);

describe('docs examples', () => {
  it('are found, and run from the repository root their paths are relative to', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(process.cwd()).toBe(REPO);
  });

  it('every gc-incident example with output is a console block (run here) or a console transcript', () => {
    const loose = pages.flatMap((page) =>
      codeBlocks(readPage(page))
        .filter((b) => !/^console( transcript)?$/.test(b.info) && b.lines.some((l) => COMMAND_LINE.test(l)))
        .map((b) => `${page}:${b.line - 1}: \`\`\`${b.info}`),
    );
    expect(loose).toEqual([]);
  });

  it.each(examples)('%s', async (_title, { args, env, output, exitCode }) => {
    let printed = '';
    const write = (text: string) => {
      printed += text;
    };
    const code = await runCli(args, { stdout: write, stderr: write, settings: settingsFrom(env) });
    expect(matchFirstLines(output, printed.split('\n')), printed).toBeUndefined();
    expect(code, printed).toBe(exitCode);
  });
});

describe('the example reader', () => {
  const block = (text: string) =>
    codeBlocks(`\`\`\`console\n${text}\n\`\`\``)[0] ?? { info: '', line: 0, lines: [] };

  it('reads commands, their environment, quoted words, exit codes and output', () => {
    const [first, second] = commandExamples(
      block(
        `$ A=1 npx gc-incident check 'x y' "--in=a b"   # exit 2\nline one\n\n$ gc-incident --help\nUsage\n`,
      ),
    );
    expect(first).toMatchObject({
      env: { A: '1' },
      args: ['check', 'x y', '--in=a b'],
      exitCode: 2,
      output: ['line one'],
    });
    expect(second).toMatchObject({ env: {}, args: ['--help'], exitCode: 0, output: ['Usage'] });
  });

  it('reads fences as CommonMark does: a longer fence holds a shorter one', () => {
    const blocks = codeBlocks(
      '````markdown\n```console\n$ gc-incident x\n```\n````\n```console\n$ gc-incident y\n```\n',
    );
    expect(blocks.map((b) => [b.info, b.line, b.lines.length])).toEqual([
      ['markdown', 2, 3],
      ['console', 7, 1],
    ]);
  });

  it('refuses other programs and shell syntax in a console block', () => {
    expect(() => commandExamples(block('$ curl -X POST x'))).toThrow(/gc-incident only/);
    expect(() => commandExamples(block('$ gc-incident rules > x.yml'))).toThrow(/shell syntax/);
  });

  it('matches first lines, with … for any lines, and says where they differ', () => {
    const actual = ['a', 'b', 'c', 'd'];
    expect(matchFirstLines(['a', 'b'], actual)).toBeUndefined();
    expect(matchFirstLines(['a', '…', 'd'], actual)).toBeUndefined();
    expect(matchFirstLines(['a', '…'], actual)).toBeUndefined();
    expect(matchFirstLines(['b'], actual)).toMatch(
      /expected line 1 of the example:\n {2}b\nbut output line 1 is:\n {2}a/,
    );
    expect(matchFirstLines(['a', '…', 'x'], actual)).toMatch(/\(end of output\)/);
    expect(matchFirstLines(['a', 'b', 'c', 'd', 'e'], actual)).toMatch(/\(end of output\)/);
  });
});
