/**
 * Reading the project's Markdown as GitHub renders it, for the docs tests: the pages, their
 * links, their headings' anchors and their command examples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from './runbooks.js';

/** README.md and every page under docs/, as paths relative to the repository. */
export function markdownPages(): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) pages.push(relative(REPO, path));
    }
  };
  walk(join(REPO, 'docs'));
  return ['README.md', ...pages.sort()];
}

export function readPage(page: string): string {
  return readFileSync(join(REPO, page), 'utf8');
}

export interface Line {
  readonly line: number;
  readonly text: string;
}

/**
 * Each line with the fenced code block it is in (CommonMark: a fence of N backticks is closed
 * by a line of at least N backticks alone), numbered from 1.
 */
function scan(markdown: string): { line: number; text: string; fence?: { info: string; edge: boolean } }[] {
  let open: { ticks: number; info: string } | undefined;
  return markdown.split('\n').map((text, i) => {
    const line = i + 1;
    if (open) {
      const close = /^ {0,3}(`{3,})\s*$/.exec(text);
      const info = open.info;
      if (close && (close[1] ?? '').length >= open.ticks) open = undefined;
      return { line, text, fence: { info, edge: open === undefined } };
    }
    const start = /^ {0,3}(`{3,})([^`]*)$/.exec(text);
    if (!start) return { line, text };
    open = { ticks: (start[1] ?? '').length, info: (start[2] ?? '').trim() };
    return { line, text, fence: { info: open.info, edge: true } };
  });
}

/** The lines outside fenced code blocks, numbered from 1. */
export function proseLines(markdown: string): Line[] {
  return scan(markdown)
    .filter((l) => l.fence === undefined)
    .map(({ line, text }) => ({ line, text }));
}

export interface Link extends Line {
  readonly target: string;
}

/** Inline links and images (`[text](target)`, `![alt](target)`) outside code; not autolinks. */
export function markdownLinks(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/`[^`]*`/g, '``');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ line, text, target: m[1] ?? '' });
    }
  }
  return links;
}

/** The anchors GitHub gives a page's headings (github-slugger: lower case, punctuation dropped). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

export interface CodeBlock {
  /** The info string after the opening fence: `console`, `console transcript`, `text`, … */
  readonly info: string;
  /** Line number of the first line inside the fence. */
  readonly line: number;
  readonly lines: readonly string[];
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: { info: string; line: number; lines: string[] }[] = [];
  let current: { info: string; line: number; lines: string[] } | undefined;
  for (const { line, text, fence } of scan(markdown)) {
    if (!fence) continue;
    if (!current) {
      current = { info: fence.info, line: line + 1, lines: [] };
      blocks.push(current);
    } else if (fence.edge) {
      current = undefined;
    } else {
      current.lines.push(text);
    }
  }
  return blocks;
}

export interface CommandExample {
  readonly line: number;
  /** The command line as written, without `$ `. */
  readonly source: string;
  readonly env: Record<string, string>;
  /** The arguments after `gc-incident`. */
  readonly args: string[];
  readonly exitCode: number;
  /** The first lines it prints (stdout and stderr as written); `…` stands for any lines. */
  readonly output: string[];
}

/** A line of a command example: `$ [NAME=value …] [npx] gc-incident ARGS [# exit N]`. */
export const COMMAND_LINE = /^\$ (?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?gc-incident(?:\s|$)/;

/**
 * The examples of a ```console block: each `$ ` line and the output lines under it, up to the
 * next `$ ` line. A trailing `# exit N` says the exit code it must have (0 otherwise).
 */
export function commandExamples(block: CodeBlock): CommandExample[] {
  const examples: CommandExample[] = [];
  block.lines.forEach((text, i) => {
    if (text.startsWith('$ ')) {
      const exit = /\s+#\s*exit\s+(\d+)\s*$/.exec(text);
      const source = text.slice(2, exit ? exit.index : undefined).trim();
      const words = shellWords(source);
      const env: Record<string, string> = {};
      while (words[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
        const [name = '', ...value] = (words.shift() ?? '').split('=');
        env[name] = value.join('=');
      }
      if (words[0] === 'npx') words.shift();
      if (words.shift() !== 'gc-incident') {
        throw new Error(`line ${block.line + i}: a console example runs gc-incident only: ${text}`);
      }
      examples.push({
        line: block.line + i,
        source,
        env,
        args: words,
        exitCode: Number(exit?.[1] ?? 0),
        output: [],
      });
    } else {
      const current = examples.at(-1);
      if (!current) throw new Error(`line ${block.line + i}: output before any '$ gc-incident' line`);
      current.output.push(text);
    }
  });
  for (const example of examples) {
    while (example.output.at(-1)?.trim() === '') example.output.pop();
  }
  return examples;
}

/** Splits a command line as a POSIX shell would for plain words, '…' and "…" (no expansions). */
export function shellWords(source: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed ${c} in: ${source}`);
      word = (word ?? '') + source.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (
      c === '\\' ||
      c === '$' ||
      c === '`' ||
      c === '|' ||
      c === '>' ||
      c === '<' ||
      c === ';' ||
      c === '&'
    ) {
      throw new Error(`shell syntax (${c}) is not supported in a console example: ${source}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Whether `actual` starts with the `expected` lines; a line `…` matches any number of lines
 * (at the end: whatever follows). Trailing spaces are ignored. Returns the first mismatch.
 */
export function matchFirstLines(expected: readonly string[], actual: readonly string[]): string | undefined {
  let a = 0;
  let gap = false;
  for (const [e, want] of expected.map((l) => l.trimEnd()).entries()) {
    if (want === '…') {
      gap = true;
      continue;
    }
    if (gap) {
      while (a < actual.length && (actual[a] ?? '').trimEnd() !== want) a++;
      gap = false;
    }
    const got = actual[a]?.trimEnd();
    if (got !== want) {
      return `expected line ${e + 1} of the example:\n  ${want}\nbut output line ${a + 1} is:\n  ${got ?? '(end of output)'}`;
    }
    a++;
  }
  return undefined;
}
