/**
 * The modules src/ runs as worker threads, bundled once per test run.
 *
 * Run from the sources, every worker thread registered tsx's loader and loaded its module graph
 * through it: 0.3–0.5 s of CPU per worker on an idle machine, and the suite starts about 140
 * (one per simulation, fit and chart run). Bundled with esbuild (what tsx itself transforms
 * with), a worker loads in under 0.1 s, as it does from dist/. Packages stay external, so a
 * bundle resolves them from node_modules as the sources do; `import.meta.url` keeps each source
 * file's own URL, so the paths the sources find beside themselves (the package root, the
 * precompiled schemas, the next worker's module) are the same in a bundle.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const REPO = join(import.meta.dirname, '..', '..');
/** Bundles live under node_modules, so their bare imports (vega, yaml) resolve from there. */
export const WORKER_BUNDLES_ROOT = join(REPO, 'node_modules', '.cache', 'gc-incident-worker-bundles');

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

const keepSourceUrls: Plugin = {
  name: 'keep-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/** Bundles every worker module into `outdir` as NAME.mjs; returns the names. */
export async function bundleWorkers(outdir: string): Promise<string[]> {
  const entries = workerModules();
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
    plugins: [keepSourceUrls],
    logLevel: 'silent',
  });
  if (result.errors.length > 0)
    throw new Error(`bundling the worker modules failed: ${result.errors.map((e) => e.text).join('; ')}`);
  for (const name of Object.keys(entries))
    if (!existsSync(join(outdir, `${name}.mjs`)))
      throw new Error(`no bundle for ${relative(REPO, entries[name] as string)}`);
  return Object.keys(entries);
}
