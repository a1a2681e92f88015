/**
 * From alert to postmortem with real parts except Slack's servers: the bundled
 * service thrashes; Prometheus scrapes it and evaluates the rules `gc-incident
 * rules` generated; a real Alertmanager sends its webhook to the running app;
 * the app opens the incident on the loopback Web API; the test clicks through
 * as Slack would; the export is produced. Then again with the app restarted
 * halfway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ACTION } from '../../src/slack/ids.js';
import { cli } from '../helpers/cli.js';
import {
  freePort,
  labMissing,
  type Running,
  startPrometheus,
  startService,
  waitForSeries,
} from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { SlackHarness, until } from '../helpers/slack-app.js';

const missing =
  labMissing() ??
  (existsSync('/usr/bin/prometheus-alertmanager')
    ? undefined
    : 'prometheus-alertmanager not installed: the Alertmanager end-to-end test is skipped');
if (missing) console.log(missing);

const TOKEN = 'e2e-alertmanager-token-0001';
const RUNBOOK = 'gc-thrash-allocation-churn';

async function startAlertmanager(webhook: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-am-'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    [
      'route: { receiver: gc-incident, group_by: [alertname, service], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }',
      'receivers:',
      '  - name: gc-incident',
      '    webhook_configs:',
      `      - url: ${webhook}`,
      '        send_resolved: true',
      `        http_config: { authorization: { type: Bearer, credentials: ${TOKEN} } }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await until(
    async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined),
    30_000,
    'Alertmanager',
  );
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}

describe.skipIf(missing !== undefined)('alert to postmortem, end to end', () => {
  let service: Running;
  let prom: Running;
  let am: { url: string; stop: () => Promise<void> };
  let h: SlackHarness;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-incident-e2e-am-'));
    const doc = parseDocument(readFileSync(join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`), 'utf8'));
    doc.setIn(['detection', 'checks', 0, 'for'], '5s');
    doc.setIn(['verification', 'stableFor'], '3s');
    doc.setIn(['verification', 'interval'], '1s');
    doc.setIn(['verification', 'deadline'], '60s');
    // Rules use the inputs' defaults: short windows for the lab, and the lab's job. The runbook's
    // queries aggregate with max(), so the alert carries no job label to fill the input from.
    const inputs = doc.get('inputs') as { items: { get(k: string): unknown }[] };
    const window = inputs.items.findIndex((i) => i.get('name') === 'window');
    doc.setIn(['inputs', window, 'default'], '5s');
    const job = inputs.items.findIndex((i) => i.get('name') === 'job');
    doc.setIn(['inputs', job, 'default'], 'gcsvc');
    // CPU use on a shared CI machine is not the symptom under test: detection is the GC rate alone.
    doc.deleteIn(['detection', 'checks', 1]);
    writeFileSync(join(dir, `${RUNBOOK}.yaml`), doc.toString());
    const rules = await cli(['rules', dir], { RUNBOOKS_DIR: dir });
    expect(rules.code).toBe(0);
    writeFileSync(join(dir, 'rules.yml'), rules.stdout);

    service = await startService('churn');
    writeFileSync(
      join(dir, 'actions.yaml'),
      `actions:\n  gc-set-threshold:\n    method: POST\n    url: ${service.url}/admin/threshold?t0=500000&t1=10&t2=10\n`,
    );
    const appPort = await freePort();
    am = await startAlertmanager(`http://127.0.0.1:${appPort}/alertmanager`);
    prom = await startPrometheus([`127.0.0.1:${service.port}`], {
      ruleFiles: [join(dir, 'rules.yml')],
      alertmanager: am.url.replace('http://', ''),
    });
    await waitForSeries(prom.url, 'rate(python_gc_collections_total[5s])');
    h = await SlackHarness.start({
      runbooksDir: dir,
      env: {
        PORT: String(appPort),
        PROMETHEUS_URL: prom.url,
        HTTP_ACTIONS_FILE: join(dir, 'actions.yaml'),
        ALERTMANAGER_TOKEN: TOKEN,
      },
    });
    h.api.channels.set('#python-platform', true);
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
    await prom?.stop();
    await am?.stop();
    await service?.stop();
  });

  it('the alert opens the incident; people click through with a restart halfway; the postmortem is exported', async () => {
    const incident = await until(
      async () => (await h.store.list({ limit: 10 }))[0],
      120_000,
      'an incident opened by Alertmanager',
    );
    const id = incident.id;
    expect(incident.commander).toBe('alertmanager');
    expect(incident.trigger).toMatch(/^Alertmanager: /);
    expect(incident.inputs.job).toBe('gcsvc');
    await h.settle();
    const step = async (s: string) => (await h.store.load(id))?.steps.find((x) => x.id === s);
    await until(
      async () => ((await step('young-collection-rate'))?.status === 'done' ? true : undefined),
      30_000,
      'detection',
    );

    await h.click(ACTION.advance, id);
    await h.click(ACTION.run, `${id}|collections-per-request`);
    await h.click(ACTION.run, `${id}|simulate-churn`);
    await h.click(ACTION.done, `${id}|profile`);
    await h.click(ACTION.done, `${id}|allocation-hotspots`);
    // The app restarts halfway; the old card's buttons keep working.
    await h.restart();
    await h.click(ACTION.advance, id);
    expect((await h.store.load(id))?.phase).toBe('containment');
    await h.click(ACTION.run, `${id}|raise-young-threshold`);
    expect((await step('raise-young-threshold'))?.status).toBe('done');
    await h.click(ACTION.mitigated, id);
    await h.click(ACTION.advance, id);
    await until(
      async () => ((await step('young-collections-ok'))?.status === 'done' ? true : undefined),
      90_000,
      'verification',
    );
    await h.click(ACTION.resolved, id);
    const exported = await h.slash(`export ${id} md`);
    expect(JSON.stringify(h.answersTo(exported.responseUrl))).toContain(`${id}-postmortem.md`);
    expect(h.api.files.some((f) => f.filename === `${id}-postmortem.md` && f.bytes > 1000)).toBe(true);
    const timeline = await h.store.timeline(id);
    expect(timeline[0]?.actor).toBe('alertmanager');
    expect(timeline.filter((e) => e.type === 'incident.opened')).toHaveLength(1);
    expect((await h.store.list({ limit: 10 })).length).toBe(1);
  }, 300_000);
});
