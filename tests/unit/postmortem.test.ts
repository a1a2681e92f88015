/**
 * Postmortem export of a scripted incident against reviewed golden files
 * (UPDATE_GOLDEN=1 rewrites them; review the diff before committing), the
 * JSON against its schema, and the derived times.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import { exportPostmortem } from '../../src/adapters/postmortem/export.js';
import { PrometheusClient } from '../../src/adapters/prometheus/client.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { IncidentStore, MetricsClient } from '../../src/core/ports.js';
import { createAjv } from '../../src/core/schema-validator.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { SCRIPTED_RUNBOOK, scriptedIncident } from '../helpers/scripted-incident.js';

const GOLDEN = join(REPO, 'tests/fixtures/postmortem');
/** What users.info answers for the two people of the scripted incident. */
const PEOPLE = {
  names: { U0ALICE001: 'Alice Martin', U0BOB00001: 'Bob Chen' },
  timeZone: 'Europe/Paris',
  userZones: { U0BOB00001: 'America/New_York' },
};
/**
 * Recorded range answers (gen-0 collections/s climbing past 50, then back under it), so the
 * golden page is stable; the range client itself is tested against Prometheus.
 */
const RECORDED_METRICS: MetricsClient = {
  instant: async () => [],
  range: async (_datasource, query, start, end, step) => {
    if (!query.includes('generation="0"')) return [];
    const points: [number, number][] = [];
    for (let t = start.getTime() / 1000; t <= end.getTime() / 1000; t += step) {
      const minute = (t * 1000 - Date.parse('2026-11-20T14:02:00Z')) / 60_000;
      points.push([t, minute < -10 ? 12 : minute < 14 ? 412 : 8]);
    }
    return [{ labels: { instance: 'checkout-7f9c:8000' }, points }];
  },
};
let store: IncidentStore;
let id: string;

beforeAll(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-pm-')), 'gc.db'));
  await store.migrate();
  ({ id } = await scriptedIncident(store));
});

async function exported(format: 'md' | 'json' | 'html') {
  return exportPostmortem({
    store,
    clock: new FakeClock(Date.parse('2026-11-21T09:00:00.000Z')),
    incidentId: id,
    format,
    runbook: {
      runbook: shippedRunbook(SCRIPTED_RUNBOOK),
      file: join(RUNBOOKS_DIR, `${SCRIPTED_RUNBOOK}.yaml`),
    },
    charts: true,
    readers: PEOPLE,
    metrics: RECORDED_METRICS,
    graphBaseUrl: 'http://prometheus.example:9090',
  });
}

describe('postmortem export of a scripted incident', () => {
  for (const format of ['md', 'json', 'html'] as const) {
    it(`${format} matches the reviewed golden file`, async () => {
      const file = await exported(format);
      const golden = join(GOLDEN, `scripted.${format}`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, file.content);
      expect(file.content).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('the JSON follows schemas/postmortem.schema.json', async () => {
    const validate = createAjv(loadBundledSchemas()).getSchema(
      'https://gc-incident.dev/schemas/postmortem.schema.json',
    );
    if (!validate) throw new Error('the postmortem schema is not bundled');
    const doc = JSON.parse((await exported('json')).content);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // And a document with a wrong field is refused.
    expect(validate({ ...doc, durations: { ...doc.durations, timeToResolveMs: -1 } })).toBe(false);
  });

  it('derives the key times and durations from the timeline', async () => {
    const doc = JSON.parse((await exported('json')).content);
    expect(doc.keyTimes).toMatchObject({
      opened: '2026-11-20T14:02:00.000Z',
      detected: '2026-11-20T14:03:00.000Z',
      acknowledged: '2026-11-20T14:02:00.000Z',
    });
    expect(doc.durations.timeToDetectMs).toBe(60_000);
    expect(doc.durations.timeToMitigateMs).toBe(
      Date.parse(doc.keyTimes.mitigated) - Date.parse(doc.keyTimes.opened),
    );
    expect(doc.durations.timeToResolveMs).toBeGreaterThan(doc.durations.timeToMitigateMs);
    expect(doc.simulations[0].reproScript).toContain('import gc');
    expect(
      doc.containment.find((a: { stepId: string }) => a.stepId === 'raise-young-threshold').httpCall.status,
    ).toBe(200);
    expect(doc.actionItems.map((a: { status: string }) => a.status)).toEqual(['open', 'done']);
    expect(doc.prompts).toEqual([]);
    expect(doc.timeline).toHaveLength((await store.timeline(id)).length);
  });

  it("is written for people: names, the team's time zone to the minute, an impact window, a curated timeline", async () => {
    const md = (await exported('md')).content;
    const html = (await exported('html')).content;
    for (const text of [md, html]) {
      expect(text).not.toMatch(/U0ALICE001|U0BOB00001/);
      expect(text).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}|T\d\d:\d\d/);
      expect(text).toContain('Alice Martin');
    }
    expect(md).toContain('**Impact window:** 2026-11-20 15:03 CET → 2026-11-20 15:26 CET (23 min)');
    expect(md).toContain('**Time to detect** 1 min · **to contain** 14 min · **to resolve** 25 min');
    const curated = md.slice(md.indexOf('## Timeline'), md.indexOf('## Detection'));
    expect(curated).toContain('413/s, over the 50/s limit ✗ (holds)');
    expect(curated).not.toContain('step.started');
    expect(curated.split('\n').length).toBeLessThan((await store.timeline(id)).length);
    expect(md).toContain('## Appendix: event log (Europe/Paris)');
    // Bob's follow-up is due in his own time zone.
    expect(md).toMatch(
      /\| F1 \| Reuse response buffers in the JSON encoder \| prevent \| Bob Chen \| 2026-11-27 12:00 GMT-5 \|/,
    );
    // The incident window's metric chart: inlined in the HTML; in the Markdown a file beside
    // it, with the query in Prometheus linked under it.
    expect(md).toMatch(
      /!\[Generation-0 collections per second, busiest instance \(incident window\)\]\(GC-\d{4}-\d{4}-[a-z0-9-]+\.svg\)\n\n\[The query in Prometheus\]\(http:\/\/prometheus\.example:9090\/graph\?g0\.expr=/,
    );
    expect(html).toMatch(/<figure><svg[\s\S]*<\/svg><figcaption>Generation-0 collections per second/);
  });

  it("links the metric charts to the metrics client's own datasource when not told a URL", async () => {
    const client = new PrometheusClient(
      new Map([
        [
          'default',
          {
            name: 'default',
            url: 'https://bot:s3cret@prometheus.internal:9090/?tenant=a',
            headers: {},
            params: {},
            timeoutMs: 1000,
          },
        ],
      ]),
    );
    // Credentials and parameters stay out of a link people click.
    expect(client.graphBaseUrl('default')).toBe('https://prometheus.internal:9090');
    expect(client.graphBaseUrl('other')).toBeUndefined();
    const md = (
      await exportPostmortem({
        store,
        clock: new FakeClock(Date.parse('2026-11-21T09:00:00.000Z')),
        incidentId: id,
        format: 'md',
        runbook: {
          runbook: shippedRunbook(SCRIPTED_RUNBOOK),
          file: join(RUNBOOKS_DIR, `${SCRIPTED_RUNBOOK}.yaml`),
        },
        readers: PEOPLE,
        metrics: {
          ...RECORDED_METRICS,
          graphBaseUrl: (ds: string) => client.graphBaseUrl(ds),
        } as MetricsClient,
      })
    ).content;
    expect(md).toMatch(/\[The query in Prometheus\]\(https:\/\/prometheus\.internal:9090\/graph\?g0\.expr=/);
    expect(md).not.toContain('s3cret');
  });

  it('leaves clearly marked prompts where people have not written yet', async () => {
    const bare = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-pm2-')), 'gc.db'));
    await bare.migrate();
    const { IncidentService } = await import('../../src/core/incident/service.js');
    const { incident } = await new IncidentService(bare, new FakeClock()).open({
      runbook: shippedRunbook(SCRIPTED_RUNBOOK),
      runbookVersion: 'v',
      service: 's',
      inputs: { job: 'x' },
      commander: 'U0ALICE001',
    });
    const md = (
      await exportPostmortem({ store: bare, clock: new FakeClock(), incidentId: incident.id, format: 'md' })
    ).content;
    expect(md).toContain('> _To write: why the collector behaved this way._');
    expect(md).toContain('| Resolved | — | — |');
    await bare.close();
  });
});
