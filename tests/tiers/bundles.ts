/**
 * What the suite runs from the sources outside vitest, bundled once per test run: the modules src/
 * runs as worker threads, and the test helpers that run as Node processes of their own.
 *
 * From the sources, each worker thread registered tsx's loader and loaded its module graph through
 * it: 0.3–0.5 s of CPU per worker on an idle machine, and `npm test` starts about 140 (one per
 * simulation, fit and chart run). A helper process under `--import tsx` took about 1 s more than
 * the same code as JavaScript. Bundled with esbuild (what tsx itself transforms with), a worker
 * loads in under 0.1 s, as it does from dist/.
 *
 * Packages stay external, so a bundle resolves them from node_modules as the sources do (the
 * bundles live under node_modules for that). `import.meta.url` and `import.meta.dirname` keep each
 * source file's own, so the paths the sources find beside themselves (the package root, the
 * precompiled schemas, the next worker's module) are the same in a bundle. `import.meta.filename`
 * is the bundle's: a helper tells it was started as a process by comparing it with `argv[1]`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const REPO = join(import.meta.dirname, '..', '..');

/** Each run's bundles go in a folder of their own under this one (tests/tiers/global-setup.ts). */
export const BUNDLES_ROOT = join(REPO, 'node_modules', '.cache', 'gc-incident-test-bundles');

/** The environment variable naming this run's folder to the test processes and their children. */
export const BUNDLES_VARIABLE = 'GC_INCIDENT_TEST_BUNDLES';

/** The test helpers that run as processes of their own (each has a `process.argv[1]` entry). */
export const PROCESS_HELPERS = ['app-process', 'burst-process', 'mcp-process', 'reminder-process'].map(
  (name) => join(REPO, 'tests', 'helpers', `${name}.ts`),
);

/**
 * Every module src/ starts as a worker thread: the `'./name-worker'` a source names to
 * `startWorker` (directly or through `runInWorker`), beside that source. Found in the sources, so a
 * new worker is bundled too.
 */
export function workerModules(root = join(REPO, 'src')): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const text = readFileSync(join(root, entry), 'utf8');
    for (const [, name] of text.matchAll(/'\.\/([a-z-]+-worker)'/g)) {
      const path = join(root, dirname(entry), `${name}.ts`);
      if (found[name as string] && found[name as string] !== path)
        throw new Error(`two worker modules are named ${name}: ${found[name as string]} and ${path}`);
      found[name as string] = path;
    }
  }
  return found;
}

const keepSourcePaths: Plugin = {
  name: 'keep-source-paths',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path))),
      loader: 'ts',
    }));
  },
};

/** Bundles the worker modules and the process helpers into `outdir` as NAME.mjs; returns the names. */
export async function bundleForRun(outdir: string): Promise<string[]> {
  const entries: Record<string, string> = { ...workerModules() };
  for (const helper of PROCESS_HELPERS) entries[basename(helper, '.ts')] = helper;
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: entries,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    plugins: [keepSourcePaths],
    logLevel: 'silent',
  });
  if (result.errors.length > 0)
    throw new Error(`bundling for the test run failed: ${result.errors.map((e) => e.text).join('; ')}`);
  for (const [name, source] of Object.entries(entries))
    if (!existsSync(join(outdir, `${name}.mjs`))) throw new Error(`no bundle for ${relative(REPO, source)}`);
  return Object.keys(entries);
}

/**
 * Node's arguments that run a test helper as a process: its bundle when this run made one, else
 * the source under tsx (a test file run by other means than vitest's config).
 */
export function helperEntry(source: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = env[BUNDLES_VARIABLE];
  const bundle = dir ? join(dir, `${basename(source, '.ts')}.mjs`) : undefined;
  return bundle && existsSync(bundle) ? [bundle] : ['--import', 'tsx', source];
}
