/**
 * Turns the bytes of one YAML file into plain data plus a way to find where any
 * value came from, or into diagnostics that say what is wrong and where.
 *
 * Hostile input is refused before it can hurt: a size cap, strict UTF-8, a cap
 * on nesting (the parser recurses and can exhaust the stack), no tags beyond
 * the core schema, one document per file, and a cap on alias expansion.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

export const MAX_FILE_BYTES = 256 * 1024;
export const MAX_NESTING = 64;
const MAX_INDENT_COLUMNS = 200;
const MAX_ALIAS_COUNT = 100;

export interface LoadedYaml {
  readonly file: string;
  readonly source: string;
  readonly data: unknown;
  readonly locate: Locator;
}

/** Finds the source position of a value by its path in the data. */
export interface Locator {
  at(path: readonly (string | number)[], options?: { key?: string | undefined }): Position;
  /** Absolute offset of a position inside a scalar's text, for pointing into a PromQL string. */
  scalarStart(path: readonly (string | number)[]): ScalarInfo | undefined;
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ScalarInfo {
  readonly line: number;
  readonly col: number;
  /** `PLAIN`, `QUOTE_DOUBLE`, `QUOTE_SINGLE`, `BLOCK_LITERAL` or `BLOCK_FOLDED`. */
  readonly type: string;
}

export type LoadResult = { ok: true; value: LoadedYaml } | { ok: false; diagnostics: Diagnostic[] };

export function loadYaml(file: string, bytes: Uint8Array): LoadResult {
  const fail = (rule: string, message: string, line = 1, col = 1): LoadResult => ({
    ok: false,
    diagnostics: [{ file, line, col, severity: 'error', rule, message }],
  });

  if (bytes.byteLength > MAX_FILE_BYTES) {
    return fail(
      'file/too-large',
      `file is larger than the ${MAX_FILE_BYTES}-byte limit; split it into several files`,
    );
  }
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return fail('file/encoding', 'file is not valid UTF-8; save it as UTF-8', at.line, at.col);
  }
  if (source.trim() === '' || stripComments(source).trim() === '') {
    return fail('yaml/empty', 'file is empty; a runbook needs at least apiVersion, kind and metadata');
  }
  const tooDeep = findExcessiveNesting(source);
  if (tooDeep) return fail('yaml/too-deep', tooDeep.message, tooDeep.line, tooDeep.col);

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, {
    lineCounter,
    prettyErrors: true,
    strict: true,
    uniqueKeys: true,
    merge: false,
    version: '1.2',
    resolveKnownTags: false,
    stringKeys: true,
  });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // An "empty stream" result: only comments or directives.
    return fail('yaml/empty', 'file holds no YAML document');
  }

  const diagnostics: Diagnostic[] = [];
  for (const doc of list) {
    for (const problem of [...doc.errors, ...doc.warnings]) {
      const pos = problem.linePos?.[0] ?? { line: 1, col: 1 };
      diagnostics.push({
        file,
        line: pos.line,
        col: pos.col,
        severity: 'error',
        rule: `yaml/${problem.code}`,
        message: explainYamlProblem(problem.code, firstLine(problem.message)),
      });
    }
  }
  if (list.length > 1) {
    const second = list[1];
    const pos = lineCounter.linePos(second?.range[0] ?? 0);
    diagnostics.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: 'error',
      rule: 'yaml/multiple-documents',
      message: `file holds ${list.length} YAML documents; put one runbook per file (remove the '---' separator)`,
    });
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const doc = list[0];
  if (!doc || doc.contents === null) return fail('yaml/empty', 'file holds no YAML document');

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(message)) {
      return fail(
        'yaml/alias-bomb',
        `aliases expand too much (more than ${MAX_ALIAS_COUNT} references); write the values out`,
      );
    }
    return fail('yaml/unsupported', `the document cannot be read: ${message}`);
  }
  return { ok: true, value: { file, source, data, locate: createLocator(doc, lineCounter) } };
}

function createLocator(doc: Document.Parsed, lineCounter: LineCounter): Locator {
  const root = doc.contents as Node | null;
  const position = (node: Node | null | undefined): Position => {
    const offset = node?.range?.[0] ?? root?.range?.[0] ?? 0;
    return lineCounter.linePos(offset);
  };
  /** Walks as far down the path as the document goes: a missing value reports its parent. */
  const walk = (path: readonly (string | number)[]): { node: Node | null; keyNode: Node | null } => {
    let node: Node | null = root;
    let keyNode: Node | null = null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = (pair.value as Node | null) ?? null;
        if (node === null) {
          node = keyNode;
          break;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (!item) break;
        keyNode = null;
        node = item as Node;
      } else {
        break;
      }
    }
    return { node, keyNode };
  };
  return {
    at(path, options) {
      const { node } = walk(path);
      if (options?.key !== undefined && isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === options.key,
        );
        if (pair) return position(pair.key as Node);
      }
      return position(node);
    },
    scalarStart(path) {
      const { node } = walk(path);
      if (!isScalar(node) || !node.range) return undefined;
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, col: pos.col, type: node.type ?? 'PLAIN' };
    },
  };
}

function explainYamlProblem(code: string, message: string): string {
  switch (code) {
    case 'TAG_RESOLVE_FAILED':
      return `${message}: tags such as !include or !!js/function are not allowed in runbooks; write the value out`;
    case 'DUPLICATE_KEY':
      return `${message}: the same key appears twice in one mapping; remove or rename one`;
    case 'BAD_ALIAS':
    case 'MULTIPLE_ANCHORS':
      return message;
    default:
      return message;
  }
}

/** The parser's first line, without the position it repeats (the diagnostic carries it). */
function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.replace(/ at line \d+, column \d+/, '').replace(/:\s*$/, '');
}

function stripComments(source: string): string {
  return source
    .split('\n')
    .filter((line) => !/^\s*(#.*)?$/.test(line))
    .join('\n');
}

/**
 * A cheap scan ahead of the parser. Flow brackets are counted without regard to
 * quotes on purpose: it over-counts only for brackets inside strings, which in
 * runbooks are PromQL and balanced, so a real runbook never gets near the cap.
 */
function findExcessiveNesting(source: string): { line: number; col: number; message: string } | undefined {
  let depth = 0;
  let line = 1;
  let col = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    col++;
    if (ch === '\n') {
      line++;
      col = 0;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (ch === ' ') {
        indent++;
        if (indent > MAX_INDENT_COLUMNS) {
          return {
            line,
            col,
            message: `indentation deeper than ${MAX_INDENT_COLUMNS} columns; flatten the document`,
          };
        }
        continue;
      }
      lineStart = false;
    }
    if (ch === '[' || ch === '{') {
      depth++;
      if (depth > MAX_NESTING) {
        return {
          line,
          col,
          message: `brackets nested deeper than ${MAX_NESTING} levels; flatten the document`,
        };
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

function firstInvalidUtf8(bytes: Uint8Array): Position {
  // Binary search for the shortest prefix holding an invalid sequence. Decoding
  // in stream mode keeps a character cut in half at the end of a prefix from
  // counting as an error.
  let lo = 0;
  let hi = bytes.byteLength;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, lo));
  const lines = prefix.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}
