/**
 * The Markdown postmortem shows its charts in any Markdown viewer: every image it links is a
 * file written beside it (not a Prometheus /graph page, which shows as a broken image), and
 * the HTML still inlines them.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPostmortem } from '../../src/adapters/postmortem/export.js';
import { writeExport } from '../../src/adapters/postmortem/write-files.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { MetricsClient } from '../../src/core/ports.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { SCRIPTED_RUNBOOK, scriptedIncident } from '../helpers/scripted-incident.js';

const METRICS: MetricsClient = {
  instant: async () => [],
  range: async (_ds, _q, start, end) => {
    const points: [number, number][] = [];
    for (let t = start.getTime() / 1000; t <= end.getTime() / 1000; t += 60) points.push([t, 40 + (t % 7)]);
    return [{ labels: { instance: 'checkout-1:8000' }, points }];
  },
};

let id: string;
let store: SqliteStore;
beforeAll(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-pmfiles-')), 'gc.db'));
  await store.migrate();
  ({ id } = await scriptedIncident(store));
});

function exported(format: 'md' | 'html') {
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
    metrics: METRICS,
    graphBaseUrl: 'http://prometheus.example:9090',
  });
}

describe('the Markdown postmortem’s charts', () => {
  it('links only images that exist as files beside it, metric and simulation charts both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-pmout-'));
    const file = await exported('md');
    const written = writeExport(file, join(dir, file.filename));
    const md = readFileSync(join(dir, file.filename), 'utf8');
    const images = [...md.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) {
      expect(image).not.toMatch(/^https?:/);
      expect(existsSync(join(dir, image)), `${image} beside the Markdown`).toBe(true);
      expect(readFileSync(join(dir, image), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    }
    expect(written).toHaveLength(1 + images.length);
    // A simulation chart and a metric chart are among them.
    expect(images.filter((i) => i.endsWith('-simulate-churn.svg'))).toHaveLength(1);
    expect(images.filter((i) => i.endsWith('-young-collection-rate.svg'))).toHaveLength(1);
    // Prometheus is still a click away, as a link, not an image.
    expect(md).toMatch(/\n\[The query in Prometheus\]\(http:\/\/prometheus\.example:9090\/graph\?/);
  });

  it('the HTML keeps inlining them and links no chart file', async () => {
    const html = (await exported('html')).content;
    expect(html).toMatch(/<figure><svg/);
    expect(html).not.toMatch(/<img|\.svg"/);
  });

  it('never writes outside the output folder, whatever an attachment is called', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-pmout-'));
    const written = writeExport(
      {
        filename: 'x.md',
        mime: 'text/markdown',
        content: '# x',
        attachments: [{ filename: '../../evil.svg', content: '<svg/>' }],
      },
      join(dir, 'x.md'),
    );
    expect(written[1]).toBe(join(dir, 'evil.svg'));
  });
});
