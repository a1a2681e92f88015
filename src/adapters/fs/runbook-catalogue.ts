/**
 * The runbooks a command or the app can open: the given folder's valid runbooks, and behind
 * them the runbooks shipped with the package whose ids the folder does not use (a team's
 * runbook overrides the shipped one with the same id). Problems are reported for the given
 * folder only: the shipped files are checked by the package's own tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packagePath } from './package-files.js';
import { type ValidationContext, type ValidationReport, validateRunbookPaths } from './runbook-files.js';

export interface CatalogueReport extends ValidationReport {
  /** Files of runbooks that come from the package, not from the given folder. */
  readonly shippedFiles: ReadonlySet<string>;
}

export function loadRunbookCatalogue(dir: string, context: ValidationContext): CatalogueReport {
  const own = validateRunbookPaths([dir], context);
  const shippedDir = packagePath('runbooks');
  if (resolve(dir) === resolve(shippedDir)) {
    return { ...own, shippedFiles: new Set(own.runbooks.map((r) => r.file)) };
  }
  // Ids the folder claims, valid or not: a broken override must not silently fall back.
  const claimed = new Set(own.runbooks.map((r) => r.runbook.metadata.id));
  const valid = new Set(own.runbooks.map((r) => r.file));
  for (const file of own.files) if (!valid.has(file)) for (const id of idsClaimedBy(file)) claimed.add(id);
  const shipped = validateRunbookPaths([shippedDir], context).runbooks.filter(
    (r) => !claimed.has(r.runbook.metadata.id),
  );
  return {
    ...own,
    runbooks: [...own.runbooks, ...shipped],
    shippedFiles: new Set(shipped.map((r) => r.file)),
  };
}

/** An invalid file still claims its file name and the id it spells out, if any. */
function idsClaimedBy(file: string): string[] {
  const ids = [(file.split('/').pop() ?? '').replace(/\.ya?ml$/, '')];
  try {
    const match = /^\s+id:\s*['"]?([a-z0-9][a-z0-9-]*)/m.exec(readFileSync(file, 'utf8').slice(0, 65536));
    if (match?.[1]) ids.push(match[1]);
  } catch {
    // Unreadable: the report already says so.
  }
  return ids;
}
