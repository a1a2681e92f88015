/**
 * The one resolver for files read from a configured folder (WORKLOADS_DIR and
 * any other file root): the path is resolved with realpath, symlinks included,
 * and must stay inside the root's own realpath. A link that points out of the
 * folder is refused before its target is opened, so no error can reveal what
 * the target holds.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { GcIncidentError } from '../../core/errors.js';
import { packagePath } from './package-files.js';

/** The real path of `name` inside `root`; a file that does not exist yet resolves to where it would be. */
export function resolveInRoot(root: string, name: string, what = 'workload folder'): string {
  const realRoot = realOrSelf(resolve(root));
  const wanted = resolve(realRoot, name);
  const real = realOrSelf(wanted);
  if (!inside(realRoot, wanted) || !inside(realRoot, real))
    throw new GcIncidentError(
      'USAGE',
      `'${name.slice(0, 60)}' resolves outside the ${what}; name a file in it`,
      {
        root,
      },
    );
  return real;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** realpath, or for a missing file its folder's realpath joined with its name (so a link in the folder still counts). */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const slash = path.lastIndexOf('/');
    if (slash <= 0) return path;
    const parent = path.slice(0, slash);
    return parent === path ? path : join(realOrSelf(parent), path.slice(slash + 1));
  }
}

/**
 * A runbook's `workload: {ref: …}`: relative to the runbook's file, and inside the folder that
 * holds the runbook's folder (so `../workloads/x.yaml` beside `runbooks/` works, and a ref
 * climbing further, or a symlink leading out, is refused before anything is read).
 */
export function resolveWorkloadRef(runbookFile: string, ref: string): string {
  const root = dirname(dirname(resolve(runbookFile)));
  const wanted = resolve(dirname(runbookFile), ref);
  try {
    return resolveInRoot(root, relative(root, wanted), "runbook repository (the runbooks folder's parent)");
  } catch (error) {
    // The workloads shipped with gc-incident are trusted wherever they are linked from (the
    // drill links them beside its runbooks; a team may link them into its own repository).
    const real = realOrSelf(wanted);
    if (inside(realOrSelf(packagePath('workloads')), real)) return real;
    throw error;
  }
}
