/**
 * Issue #17, end to end: rules generated from the SHIPPED full-collection runbook load into a
 * real Prometheus that scrapes two copies of the bundled service in big-heap mode (frequent
 * full collections of a large heap), one with gc-incident's exporter (job `exporter`) and one
 * with prometheus_client alone (GC_SERVICE_EXPORTER=0, job `plain`); Debian's Alertmanager
 * routes to the running app's POST /alertmanager. Two alerts fire, two incidents open (one per
 * job, each with its own service), and each incident's detection check records which
 * alternative of the runbook's `pause percentile or collection rate` query decided: the p99
 * pause for the exporter job, the collection counters for the plain one. It says so in the
 * check's message in the incident thread too.
 *
 * Lab settings go on the command line, never into the runbook: `--for 3s` instead of ten
 * minutes, and a large-heap line of 32 MiB (the lab's heap is about 60 MB, not production's
 * gigabytes). No sleeps: every wait polls Prometheus, Alertmanager or the app's store.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/adapters/lab/lab.js';
import type { CheckEvaluation } from '../../src/core/checks/evaluate.js';
import type { Incident } from '../../src/core/incident/model.js';
import { isEvaluation } from '../../src/format/check-figure.js';
import {
  alertLabMissing,
  type RunningAlertmanager,
  startAlertmanager,
  writeRules,
} from '../helpers/alert-lab.js';
import { freePort, type Running, SERVICE_PYTHON, startPrometheus } from '../helpers/lab.js';
import { instant } from '../helpers/prometheus-jobs.js';
import { SlackHarness, until } from '../helpers/slack-app.js';

const missing = alertLabMissing();
if (missing) console.log(missing);

const TOKEN = 'e2e-alertmanager-token-0002';
const RUNBOOK = 'gc-full-collection-latency';
const ALERT = 'PythonGCFullCollectionLatency';
const CHECK = 'full-collection-pauses';
const CHANNEL = '#python-platform';
const JOBS = ['exporter', 'plain'] as const;

describe.skipIf(missing !== undefined)(
  'full-collection alerts decided by pauses, else counters, end to end',
  () => {
    const started: { stop: () => Promise<void> }[] = [];
    let prom: Running;
    let am: RunningAlertmanager;
    let h: SlackHarness;

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gc-incident-e2e-fc-'));
      const rules = await writeRules(dir, RUNBOOK, ['--for', '3s', '--threshold', 'large-heap=33554432']);
      const services: RunningService[] = await Promise.all([
        startService(SERVICE_PYTHON, 'big-heap'),
        startService(SERVICE_PYTHON, 'big-heap', { env: { GC_SERVICE_EXPORTER: '0' } }),
      ]);
      started.push(...services);
      const [withExporter, plain] = services as [RunningService, RunningService];
      const appPort = await freePort();
      am = await startAlertmanager(`http://127.0.0.1:${appPort}/alertmanager`, TOKEN);
      started.push(am);
      prom = await startPrometheus([], {
        jobs: { exporter: [...withExporter.targets], plain: [...plain.targets] },
        ruleFiles: [rules],
        alertmanager: am.url.replace('http://', ''),
      });
      started.push(prom);
      h = await SlackHarness.start({
        env: { PORT: String(appPort), PROMETHEUS_URL: prom.url, ALERTMANAGER_TOKEN: TOKEN },
      });
      started.push(h);
      h.api.channels.set(CHANNEL, true);
    }, 120_000);

    afterAll(async () => {
      for (const s of started.reverse()) await s.stop();
    });

    /** The detection check's evaluation as the incident stored it, once detection has run it. */
    const detection = async (id: string): Promise<CheckEvaluation | undefined> => {
      const result = (await h.store.load(id))?.steps.find((s) => s.id === CHECK)?.result;
      return isEvaluation(result) ? result : undefined;
    };

    it('two alerts, two incidents, detection decided by the p99 pause with the exporter and by the collection rate without', async () => {
      const started = Date.now();
      const incidents = await until(
        async () => {
          const all = await h.store.list({ limit: 100 });
          return all.length >= 2 ? all : undefined;
        },
        150_000,
        'two incidents',
      );
      console.log(`two incidents after ${Math.round((Date.now() - started) / 1000)} s`);

      // Two alerts fired, one per job, and Alertmanager has both.
      const alerts = (await (await fetch(`${am.url}/api/v2/alerts?active=true`)).json()) as {
        labels: Record<string, string>;
      }[];
      expect(
        alerts
          .filter((a) => a.labels.alertname === ALERT)
          .map((a) => a.labels.job)
          .sort(),
      ).toEqual([...JOBS]);
      const byJob = new Map<string, Incident>(incidents.map((i) => [i.inputs.job ?? '', i]));
      expect([...byJob.keys()].sort()).toEqual([...JOBS]);
      for (const job of JOBS)
        expect(byJob.get(job)).toMatchObject({ runbookId: RUNBOOK, service: job, commander: 'alertmanager' });

      // Which service exports pauses, asked of Prometheus (the runbook's `decided-by` step).
      const exportsPauses = async (job: string) =>
        (await instant(prom.url, `count(python_gc_pause_seconds_count{job="${job}",generation="2"})`))
          .length > 0;
      expect(await exportsPauses('exporter')).toBe(true);
      expect(await exportsPauses('plain')).toBe(false);

      for (const job of JOBS) {
        const incident = byJob.get(job) as Incident;
        const evaluation = await until(() => detection(incident.id), 60_000, `${CHECK} on ${job}`);
        const pause = job === 'exporter';
        expect(evaluation.series.map((s) => s.labels)).toEqual([{ job }]);
        // The alert fired on this value: over the line either way.
        expect(evaluation.value, `${job}'s value`).toBeGreaterThan(1);
        expect(evaluation.decidedBy, `${job} decided by`).toMatchObject({
          alternative: pause ? 1 : 2,
          alternatives: 2,
        });
        expect(evaluation.decidedBy?.query).toContain(
          pause
            ? `python_gc_pause_seconds_bucket{job="${job}",generation="2"}`
            : `python_gc_collections_total{job="${job}",generation="2"}`,
        );
        // What people read: the check's line in the thread's batch message names the quantity
        // that decided, in its unit (the full query stays on the step and in the postmortem).
        const card = (await h.store.load(incident.id))?.card;
        const said = await until(
          () =>
            h.api.messages
              .filter((m) => m.threadTs === card?.ts)
              .map((m) => JSON.stringify(m.blocks))
              .find((b) => b.includes('Full-collection pauses against their limit')),
          15_000,
          `the ${CHECK} message on ${job}`,
        );
        expect(said).toMatch(
          pause
            ? /p99 full-collection pause [\d.]+ (ms|s), over the 10 ms limit/
            : /full collections [\d.]+\/s, over the 0\.01\/s limit/,
        );
      }
      // Alertmanager keeps notifying both groups: still one incident per job.
      expect((await h.store.list({ limit: 100 })).map((i) => i.inputs.job).sort()).toEqual([...JOBS]);
    }, 180_000);
  },
);
