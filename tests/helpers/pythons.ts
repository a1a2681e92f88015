/** The CPython interpreters installed here, found as users' --against would find them. */
import { findInterpreter, type Interpreter } from '../../src/adapters/python/interpreters.js';

export const MEASURED_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;

export function installedPythons(): { found: Interpreter[]; missing: string[] } {
  const found: Interpreter[] = [];
  const missing: string[] = [];
  for (const version of MEASURED_VERSIONS) {
    try {
      found.push(findInterpreter(version, process.env));
    } catch {
      missing.push(version);
    }
  }
  if (missing.length > 0) {
    console.log(
      `CPython ${missing.join(', ')} not installed: their comparisons are skipped (CI has all six)`,
    );
  }
  return { found, missing };
}
