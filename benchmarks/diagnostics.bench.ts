/**
 * `npm run bench:diagnostics`: what gc_incident_exporter.diagnostics() costs a service with a
 * million tracked objects, on CPython 3.8 and 3.13 (and Debian's python3), against a peer
 * measured in the same run (a plain `Counter(map(type, gc.get_objects()))`): the census time,
 * a cached answer, and the longest another thread waited for the GIL meanwhile (the census
 * yields between slices of 50,000 objects, the peer holds the GIL throughout).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { findInterpreter } from '../src/adapters/python/interpreters.js';
import { readLocalConfig } from '../src/config.js';

const ROOT = resolve(import.meta.dirname, '..');
const pythons: { name: string; path: string }[] = [];
for (const version of ['3.8', '3.13']) {
  try {
    pythons.push({ name: version, path: findInterpreter(version, readLocalConfig(process.env)).path });
  } catch {
    console.log(`CPython ${version} not found: skipped`);
  }
}
if (existsSync('/usr/bin/python3')) pythons.push({ name: 'Debian python3', path: '/usr/bin/python3' });

const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
console.log(`load average ${loadavg()[0]?.toFixed(1)} (timings are noisy under load; read the ratios)`);
console.log('python   tracked    census     peer       ratio  cached    GIL wait  peer wait');
for (const python of pythons) {
  const out = execFileSync(python.path, [join(ROOT, 'benchmarks/diagnostics_bench.py')], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
  });
  const r = JSON.parse(out) as Record<string, number | string>;
  const n = (k: string) => Number(r[k]);
  console.log(
    [
      String(r.python).padEnd(8),
      String(n('tracked')).padEnd(10),
      ms(n('ours_s')).padEnd(10),
      ms(n('peer_s')).padEnd(10),
      `${(n('ours_s') / n('peer_s')).toFixed(2)}×`.padEnd(6),
      ms(n('cached_s')).padEnd(9),
      ms(n('ours_max_gil_wait_s')).padEnd(9),
      ms(n('peer_max_gil_wait_s')),
    ].join(' '),
  );
}
