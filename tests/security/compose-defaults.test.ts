/**
 * Finding 4 (medium): compose.yaml published the demo service (on 0.0.0.0,
 * with /admin/disable and /admin/mode), Prometheus and Alertmanager on every
 * interface; anyone on the network could post alerts Alertmanager forwards
 * with the real token, or create silences; the rules service ran as root.
 * The file as compose reads it: only the app's port is published, only on
 * 127.0.0.1, and every service names a non-root user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../helpers/runbooks.js';

const text = readFileSync(join(REPO, 'compose.yaml'), 'utf8');
const compose = parse(text) as {
  services: Record<
    string,
    {
      ports?: (string | { published?: string | number; host_ip?: string })[];
      user?: string;
      stop_grace_period?: string;
    }
  >;
};

describe('compose.yaml is safe by default', () => {
  it("publishes only the app's port, and only on 127.0.0.1", () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => [name, typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}`]),
    );
    expect(published).toEqual([['app', '127.0.0.1:3000:3000']]);
    for (const name of ['prometheus', 'alertmanager', 'gc-service'])
      expect(compose.services[name]?.ports).toBeUndefined();
    // The comment shows how to expose them, on loopback too.
    expect(text).toContain('prometheus: { ports: ["127.0.0.1:9090:9090"] }');
  });

  it('runs every service as a non-root user', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.user, name).toBeDefined();
      expect(String(service.user).split(':')[0], name).not.toMatch(/^(0|root)$/);
    }
  });

  it("the image's /rules belongs to the user the rules service runs as", () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/--uid 10001/);
    expect(dockerfile).toMatch(/chown gc-incident:gc-incident [^\n]*\/rules/);
    expect(compose.services.rules?.user).toBe('10001');
  });

  it('runs the server with a small young generation, which bench:ack measures as deployed', () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    expect(/^ENV NODE_OPTIONS=(\S+)/m.exec(dockerfile)?.[1]).toBe('--max-semi-space-size=1');
    expect(readFileSync(join(REPO, 'benchmarks', 'ack.bench.ts'), 'utf8')).toContain("'Dockerfile'");
  });

  it('gives the app longer to stop than its own 10 s wait for work already started', () => {
    const grace = /^(\d+)s$/.exec(compose.services.app?.stop_grace_period ?? '')?.[1];
    expect(Number(grace)).toBeGreaterThanOrEqual(15);
  });
});
