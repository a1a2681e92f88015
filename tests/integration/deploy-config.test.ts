/**
 * compose.yaml and its deploy/ files, checked by the tools that will read them: promtool and
 * amtool (Debian's prometheus and prometheus-alertmanager), gc-incident's own validator for
 * the HTTP actions, and the compose file's wiring (token, routes, scrape targets).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findExecutable } from '../../src/adapters/lab/lab.js';
import { cli } from '../helpers/cli.js';
import { REPO } from '../helpers/runbooks.js';

const deploy = (file: string) => join(REPO, 'deploy', file);
const compose = parse(readFileSync(join(REPO, 'compose.yaml'), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; depends_on?: object }>;
};

describe('compose.yaml', () => {
  it('brings up the app, PostgreSQL, Prometheus, Alertmanager and the demo service, wired together', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alertmanager', 'app', 'gc-service', 'postgres', 'prometheus', 'rules'].sort(),
    );
    const app = compose.services.app?.environment ?? {};
    expect(app.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(app.PROMETHEUS_URL).toBe('http://prometheus:9090');
    expect(app.ALERTMANAGER_TOKEN).toMatch(/^\$\{ALERTMANAGER_TOKEN:\?/);
    const prometheus = parse(readFileSync(deploy('prometheus.yml'), 'utf8'));
    const targets = prometheus.scrape_configs.flatMap((s: { static_configs: { targets: string[] }[] }) =>
      s.static_configs.flatMap((c) => c.targets),
    );
    expect(targets).toContain(`gc-service:${compose.services['gc-service']?.command?.[3]}`);
    const alertmanager = parse(readFileSync(deploy('alertmanager.yml'), 'utf8'));
    expect(alertmanager.receivers[0].webhook_configs[0]).toMatchObject({
      url: 'http://app:3000/alertmanager',
      http_config: { authorization: { type: 'Bearer' } },
    });
  });

  it('the HTTP actions cover every httpAction the shipped runbooks name', async () => {
    const run = await cli(['validate', join(REPO, 'runbooks')], {
      HTTP_ACTIONS_FILE: deploy('http-actions.yaml'),
    });
    expect(run.stdout).toBe('');
    expect(run.code).toBe(0);
  });

  for (const [tool, args] of [
    ['promtool', ['check', 'config', deploy('prometheus.yml')]],
    ['amtool', ['check-config', deploy('alertmanager.yml')]],
  ] as const) {
    const path = findExecutable(tool, process.env.PATH);
    it.runIf(path)(`${tool} accepts deploy/`, () => {
      const r = spawnSync(path as string, [...args], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
      expect(r.status).toBe(0);
    });
    if (!path)
      console.log(`${tool} is not installed (apt-get install prometheus prometheus-alertmanager): skipped`);
  }
});
