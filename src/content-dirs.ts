/**
 * Where runbooks and workloads come from. A team's own folder (RUNBOOKS_DIR, else ./runbooks)
 * wins; with neither, the content shipped inside the package is used, so `npx gc-incident
 * runbooks` works in an empty project. The shipped runbooks also stand behind a team's folder:
 * a team's runbook with the same id replaces the shipped one (see runbook-catalogue.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { packagePath } from './adapters/fs/package-files.js';

export type ContentSource = 'RUNBOOKS_DIR' | './runbooks' | 'shipped';

export interface ContentDirs {
  readonly runbooksDir: string;
  readonly runbooksSource: ContentSource;
  /** WORKLOADS_DIR, else ./workloads when it exists, else the package's workloads. */
  readonly workloadsDir: string;
}

export const SHIPPED_RUNBOOKS_DIR = packagePath('runbooks');
export const SHIPPED_WORKLOADS_DIR = packagePath('workloads');

/** `set`: the configured folders (RUNBOOKS_DIR, WORKLOADS_DIR) as src/config.ts read them. */
export function resolveContentDirs(
  set: { readonly runbooksDir?: string | undefined; readonly workloadsDir?: string | undefined },
  isDir: (path: string) => boolean = isDirectory,
): ContentDirs {
  const fromEnv = set.runbooksDir?.trim();
  const workloadsFromEnv = set.workloadsDir?.trim();
  const workloadsDir = workloadsFromEnv
    ? workloadsFromEnv
    : isDir('./workloads')
      ? './workloads'
      : SHIPPED_WORKLOADS_DIR;
  if (fromEnv) return { runbooksDir: fromEnv, runbooksSource: 'RUNBOOKS_DIR', workloadsDir };
  if (isDir('./runbooks')) return { runbooksDir: './runbooks', runbooksSource: './runbooks', workloadsDir };
  return { runbooksDir: SHIPPED_RUNBOOKS_DIR, runbooksSource: 'shipped', workloadsDir };
}

/** The sentence printed once when the shipped runbooks are used, or undefined when they are not. */
export function shippedContentNotice(dirs: ContentDirs, version: string): string | undefined {
  if (dirs.runbooksSource !== 'shipped') return undefined;
  let count = 0;
  try {
    count = readdirSync(dirs.runbooksDir).filter((f) => /\.ya?ml$/.test(f)).length;
  } catch {
    // An incomplete install: the commands say what is missing.
  }
  return `using the ${count} runbooks shipped with gc-incident ${version} (no RUNBOOKS_DIR and no ./runbooks; 'gc-incident init' starts your own)`;
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
