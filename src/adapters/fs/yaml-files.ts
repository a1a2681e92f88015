/** Finds YAML files under the paths a user gave and reads them without trusting their size. */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import { MAX_FILE_BYTES } from '../../core/yaml/load-yaml.js';

export interface FoundFiles {
  readonly files: string[];
  readonly problems: Diagnostic[];
}

const YAML_FILE = /\.ya?ml$/i;
const RUNBOOK_TEST_FILE = /\.test\.ya?ml$/i;

/** Expands files and folders (recursively) into a sorted list of YAML files. */
export function findYamlFiles(paths: readonly string[]): FoundFiles {
  const files = new Set<string>();
  const problems: Diagnostic[] = [];
  for (const given of paths) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(given);
    } catch {
      problems.push({
        file: given,
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'file/not-found',
        message: 'no such file or folder',
      });
      continue;
    }
    if (stat.isDirectory()) {
      for (const file of walk(given)) files.add(file);
    } else {
      files.add(given);
    }
  }
  // Paths stay as the user wrote them, so editors and CI annotations can follow them.
  return { files: [...files].sort(), problems };
}

function* walk(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    // Runbook tests (runbooks/tests/ID.test.yaml) sit beside runbooks; 'gc-incident test' reads them.
    else if (entry.isFile() && YAML_FILE.test(entry.name) && !RUNBOOK_TEST_FILE.test(entry.name)) yield full;
  }
}

/** Reads a YAML file (capped), or says at FILE:1:1 that it cannot be read. */
export function readYamlFile(
  file: string,
  unreadable: string,
): { ok: true; bytes: Uint8Array } | { ok: false; diagnostics: Diagnostic[] } {
  try {
    return { ok: true, bytes: readCapped(file) };
  } catch {
    return {
      ok: false,
      diagnostics: [
        { file, line: 1, col: 1, severity: 'error', rule: 'file/not-found', message: unreadable },
      ],
    };
  }
}

/**
 * Reads at most one byte past the cap, so a huge file costs nothing; the YAML
 * loader then sees the length and refuses it with a clear message.
 */
export function readCapped(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let total = 0;
    while (total < buffer.length) {
      const n = readSync(fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
    }
    return buffer.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}
