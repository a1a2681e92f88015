#!/usr/bin/env node
// Entry point of the `gc-incident` command. The TypeScript sources are compiled
// to dist/ by `npm install` (the `prepare` script); this file only loads them.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22+: compiled code is cached between runs (in the OS temp folder), so commands start sooner.
module.enableCompileCache?.();

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("gc-incident is not built yet: run 'npm run build' (npm install does it for you).\n");
  process.exit(3);
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));
