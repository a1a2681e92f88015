/**
 * `when:` on both surfaces: the shipped full-collection runbook, its triage checks answered by
 * constants (churn firing, no old-generation growth, no upgrade), walked in the terminal and
 * clicked through in Slack (real Bolt app, fake Web API, real Prometheus). Both must skip the
 * same steps with the same reasons, and show them: the terminal's walk and Slack's greyed lines
 * (Show all steps; the card folds settled steps into a count).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { runCli } from '../../src/cli/main.js';
import { settingsFrom } from '../../src/config.js';
import type { Incident, TimelineEvent } from '../../src/core/incident/model.js';
import { ACTION } from '../../src/slack/ids.js';
import { steppingClock } from '../helpers/engine.js';
import { labMissing, type Running, startPrometheus } from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { SlackHarness, until } from '../helpers/slack-app.js';

const missing = labMissing();
if (missing) console.log(missing);

const SKIPPED = [
  'yield-per-full-collection',
  'old-generation-sources',
  'upgrade-comparison',
  'freeze-after-startup',
  'pin-previous-python',
];

function writeRunbook(dir: string): void {
  const doc = parseDocument(readFileSync(join(RUNBOOKS_DIR, 'gc-full-collection-latency.yaml'), 'utf8'));
  const constant = (path: (string | number)[], value: number) => doc.setIn(path, `vector(${value})`);
  constant(['detection', 'checks', 0, 'query'], 5);
  doc.deleteIn(['detection', 'checks', 0, 'for']);
  constant(['detection', 'checks', 1, 'query'], 2e9);
  constant(['triage', 'checks', 0, 'query'], 100); // churn: firing
  constant(['triage', 'checks', 1, 'query'], 0); // growth: ok
  constant(['triage', 'checks', 2, 'query'], 1); // upgrade: ok
  const steps = doc.getIn(['triage', 'steps']) as { items: { get(k: string): unknown }[] };
  const simulate = steps.items.findIndex((s) => s.get('kind') === 'simulate');
  doc.deleteIn(['triage', 'steps', simulate]);
  const actions = doc.getIn(['containment', 'actions']) as { items: { get(k: string): unknown }[] };
  const raise = actions.items.findIndex((a) => a.get('id') === 'raise-thresholds');
  doc.setIn(['containment', 'actions', raise, 'kind'], 'manual');
  doc.deleteIn(['containment', 'actions', raise, 'httpAction']);
  constant(['verification', 'checks', 0, 'query'], 0);
  constant(['verification', 'checks', 1, 'query'], 0);
  doc.setIn(['verification', 'stableFor'], '1s');
  doc.setIn(['verification', 'interval'], '1s');
  doc.setIn(['verification', 'deadline'], '3s');
  writeFileSync(join(dir, 'gc-full-collection-latency.yaml'), doc.toString());
}

/** The steps the runbook skipped, with the recorded reason and who skipped them. */
function skips(timeline: readonly TimelineEvent[]) {
  return timeline
    .filter((e) => e.type === 'step.skipped' && e.data.byCondition === true)
    .map((e) => ({ step: e.data.stepId, reason: e.data.reason, actor: e.actor }));
}

describe.skipIf(missing !== undefined)('when: skips the same steps in the terminal and in Slack', () => {
  let prom: Running;
  let dir: string;

  beforeAll(async () => {
    prom = await startPrometheus([]);
    dir = mkdtempSync(join(tmpdir(), 'gc-incident-when-'));
    writeRunbook(dir);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
  });

  it('churn: the growth and upgrade branches are skipped, with the same reasons on both surfaces', async () => {
    // The terminal: `gc-incident walk`, people's steps done, nothing approved, no status change.
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-when-cli-')), 'gc.db');
    let stdout = '';
    // Verification's waits pass on a fake clock, in both surfaces.
    const code = await runCli(['walk', 'gc-full-collection-latency', '-i', 'job=app'], {
      ...steppingClock(),
      settings: settingsFrom({
        DATABASE_URL: `sqlite:${path}`,
        RUNBOOKS_DIR: dir,
        USER: 'alice',
        PROMETHEUS_URL: prom.url,
      }),
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stdout += t;
      },
      ask: async (question) => {
        stdout += question;
        if (/Approve|Mark the incident|skip every metric step/.test(question)) return 'n';
        return 'd';
      },
    });
    expect(code, stdout).toBe(0);
    const store = new SqliteStore(path);
    const [walked] = await store.list({ limit: 1 });
    const terminal = skips(await store.timeline((walked as Incident).id));
    await store.close();

    expect(terminal.map((s) => s.step)).toEqual(SKIPPED);
    expect(terminal.find((s) => s.step === 'freeze-after-startup')?.reason).toBe(
      'when: not met: check old-generation-growth is ok (not firing); check young-collection-churn is firing',
    );
    expect(terminal.every((s) => s.actor === 'system')).toBe(true);
    // The walk says each decision with the driver's words, and never introduces a skipped step.
    for (const s of terminal) expect(stdout).toContain(`skip ${s.step}: ${s.reason}`);
    for (const id of SKIPPED) expect(stdout).not.toMatch(new RegExp(`\\n\\[[^\\]]+\\] ${id}: `));
    expect(stdout).toContain('ask  raise-thresholds: when: undecided:');

    // Slack: advance, do the people's steps and run the queries, advance to containment.
    const h = await SlackHarness.start({
      ...steppingClock(),
      runbooksDir: dir,
      env: { PROMETHEUS_URL: prom.url },
    });
    try {
      await h.slash('start gc-full-collection-latency job=app');
      const { id } = await h.latestIncident();
      const load = async () => (await h.store.load(id)) as Incident;
      await h.click(ACTION.advance, id);
      await until(async () => (await load()).steps.some((s) => s.status === 'skipped'));
      for (const step of (await load()).steps.filter((s) => s.phase === 'triage')) {
        if (step.status !== 'pending') continue;
        const action = step.kind === 'query' ? ACTION.run : ACTION.done;
        await h.click(action, `${id}|${step.id}`);
      }
      await until(async () =>
        (await load()).steps.every((s) => s.phase !== 'triage' || s.status !== 'pending'),
      );
      await h.click(ACTION.advance, id);
      await until(async () =>
        (await load()).steps.some((s) => s.id === 'pin-previous-python' && s.status === 'skipped'),
      );
      expect(skips(await h.store.timeline(id))).toEqual(terminal);

      // The card folds settled steps (issue 27): the skipped steps are counted as not applicable
      // on their phase's folded line, never drawn with buttons; Show all steps draws each greyed
      // (a context block) with the reason.
      const card = await h.card(id);
      const folded = card.blocks
        .filter((b) => b.type === 'context')
        .map((b) => JSON.stringify(b))
        .find((b) => b.includes('*Containment*:'));
      expect(folded).toContain('*Triage*: 11 done · 3 not applicable');
      expect(folded).toContain('*Containment*: 2 not applicable');
      expect(JSON.stringify(card.blocks)).not.toContain(`${id}|pin-previous-python`);
      const all = await h.click(ACTION.showSteps, id);
      const opened = await until(() =>
        h.api.callsOf('views.open').find((c) => c.body.trigger_id === all.triggerId),
      );
      const modal = (
        typeof opened.body.view === 'string' ? JSON.parse(opened.body.view) : opened.body.view
      ) as {
        blocks: { type: string }[];
      };
      const grey = modal.blocks.filter((b) => b.type === 'context').map((b) => JSON.stringify(b));
      for (const s of terminal) expect(grey.find((b) => b.includes(`\`${s.step}\``))).toContain(s.reason);
      expect(grey.find((b) => b.includes('freeze-after-startup'))).toContain(
        'check young-collection-churn is firing',
      );
      const thread = JSON.stringify(await h.thread(id));
      expect(thread).toContain('Containment branches');
      expect(thread).toContain('when: not met: check old-generation-growth is ok (not firing)');
    } finally {
      await h.stop();
    }
  }, 120_000);
});
