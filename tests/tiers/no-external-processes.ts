/**
 * Setup file of the fast tier: starting any program but Node itself throws, naming the program and
 * the rule. The fast tier runs on every Node version in CI and in a developer's loop; a test that
 * needs Prometheus, CPython, promtool or a shell belongs to the integration tier (docs/testing.md).
 * Node children stay allowed: a test may isolate a hang or a crash in a separate Node process.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const childProcess = require('node:child_process') as Record<string, unknown>;

function refuse(name: string, file: unknown): never {
  throw new Error(
    `the fast test tier starts no external process, and this test called ${name}(${JSON.stringify(file)}): ` +
      'name the file *.integration.test.ts (or put it under tests/integration/), see docs/testing.md',
  );
}

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) {
  const original = childProcess[name] as (file: unknown, ...rest: unknown[]) => unknown;
  childProcess[name] = function guarded(this: unknown, file: unknown, ...rest: unknown[]) {
    if (file !== process.execPath) refuse(name, file);
    return original.call(this, file, ...rest);
  };
}
// exec and execSync run a shell command line: nothing in the fast tier needs one.
for (const name of ['exec', 'execSync']) {
  childProcess[name] = (command: unknown) => refuse(name, command);
}
// Named imports of node:child_process (`import { spawn } from ...`) see the replacements too.
syncBuiltinESMExports();
