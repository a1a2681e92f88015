/**
 * One behaviour, every surface: the same runbook walked in the terminal (the `walk` command,
 * answering its prompts) and in Slack (the real Bolt app on loopback, signed clicks, the fake
 * Web API) with the same scripted decisions must leave the same recorded events: kinds, steps,
 * outcomes, reasons, the actors' roles and the steps' results (a simulation's summary, its
 * what-if table included, is one shape on both surfaces). A refusal carries the same facts on
 * both, each surface rendering them in its own words (src/core/incident/refusals.ts).
 * Prometheus is real; "unavailable" is a closed port.
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
import { type NotApprovedFacts, refusalText } from '../../src/core/incident/refusals.js';
import { ACTION } from '../../src/slack/ids.js';
import { refusalMrkdwn } from '../../src/slack/refusal-text.js';
import { steppingClock } from '../helpers/engine.js';
import { freePort, labMissing, type Running, startPrometheus } from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { buttonsOf, SlackHarness, until } from '../helpers/slack-app.js';

const missing = labMissing();
if (missing) console.log(missing);

type Manual = 'done' | 'leave' | { skip: string };

interface Script {
  readonly runbook: 'parity-ok' | 'parity-deadline' | 'parity-carol';
  readonly approve: boolean;
  /** Containment and triage steps a person answers, by id (absent: left pending). */
  readonly manual: Readonly<Record<string, Manual>>;
  readonly mitigated: boolean;
  readonly resolved: boolean;
  /** Verification closed by a person, with this note (when its checks measured nothing). */
  readonly byHand?: string | undefined;
}

/** The shipped thrash runbook with constant metrics (Prometheus answers them with no target). */
function writeRunbooks(dir: string): void {
  const doc = parseDocument(readFileSync(join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml'), 'utf8'));
  const constant = (path: (string | number)[], value: number) =>
    doc.setIn(path, `max(python_gc_collections_total{job="{{job}}"}) or vector(${value})`);
  constant(['detection', 'checks', 0, 'query'], 100);
  doc.deleteIn(['detection', 'checks', 0, 'for']);
  constant(['detection', 'checks', 1, 'query'], 1);
  constant(['triage', 'steps', 0, 'query'], 3);
  // A small simulation: the parity is in what is recorded, not in the simulator's speed.
  doc.setIn(['triage', 'steps', 1, 'workload', 'inline', 'iterations'], 2000);
  doc.setIn(['triage', 'steps', 1, 'whatIf'], doc.createNode(['threshold=10000,10,10']));
  constant(['verification', 'checks', 0, 'query'], 10);
  doc.setIn(['verification', 'stableFor'], '2s');
  doc.setIn(['verification', 'interval'], '1s');
  doc.setIn(['verification', 'deadline'], '6s');
  const action = ['containment', 'actions', 0];
  doc.setIn([...action, 'kind'], 'manual');
  doc.deleteIn([...action, 'httpAction']);
  doc.setIn([...action, 'risk'], 'high');
  doc.setIn([...action, 'rollback'], 'Set the previous thresholds again.');
  const write = (id: string, approvers: unknown[]) => {
    doc.setIn(['metadata', 'id'], id);
    doc.setIn([...action, 'confirmation'], doc.createNode({ required: true, approvers }));
    writeFileSync(join(dir, `${id}.yaml`), doc.toString());
  };
  write('parity-ok', [{ role: 'commander' }]);
  write('parity-carol', [{ user: '@carol' }]);
  doc.setIn(['verification', 'checks', 0, 'threshold'], -1);
  doc.setIn(['verification', 'deadline'], '3s');
  write('parity-deadline', [{ role: 'commander' }]);
}

/** What must be the same whatever the surface. Card posts are the Slack surface's own bookkeeping. */
function recorded(timeline: readonly TimelineEvent[], incident: Incident) {
  const role = (actor: string) =>
    actor === incident.commander ? 'commander' : actor === 'system' ? 'system' : 'other';
  return timeline
    .filter((e) => e.type !== 'card.posted')
    .map((e) => ({
      type: e.type,
      step: e.data.stepId ?? null,
      // Who approved or was assigned is compared by role, as every actor is.
      outcome:
        typeof e.data.after === 'string' && /^(U0|cli:)/.test(e.data.after)
          ? role(e.data.after)
          : (e.data.after ?? null),
      reason: e.data.reason ?? e.data.error ?? null,
      result: comparable(e.data.result ?? null),
      role: role(e.actor),
    }))
    .map((e) => ({
      ...e,
      reason: typeof e.reason === 'string' ? e.reason.replace(/GC-\d{4}-\d{4}/g, 'ID') : e.reason,
    }));
}

/** A step's result without what differs by run: the incident's id and wall-clock times. */
function comparable(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/GC-\d{4}-\d{4}/g, 'ID').replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, 'TIME');
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        // How long a call took is the machine's, not the surface's.
        .filter(([key]) => key !== 'durationMs')
        .map(([key, v]) => [key, comparable(v)]),
    );
  return value;
}

/** The refusal both surfaces must give Carol's approver: the runbook names only @carol. */
function carolRefusal(incident: Incident, user: string): NotApprovedFacts {
  const step = incident.steps.find((s) => s.needsApproval) as { id: string; title: string };
  return {
    code: 'NOT_APPROVED',
    incidentId: incident.id,
    stepId: step.id,
    stepTitle: step.title,
    user,
    approvers: [{ kind: 'user', user: '@carol' }],
    ask: undefined,
  };
}

const WALK_ORDER = (incident: Incident, phase: string) =>
  incident.steps.filter((s) => s.phase === phase && !(s.kind === 'check'));

describe.skipIf(missing !== undefined)('the terminal and Slack record the same incident', () => {
  let prom: Running;
  let dir: string;
  let downUrl: string;

  beforeAll(async () => {
    prom = await startPrometheus([]);
    downUrl = `http://127.0.0.1:${await freePort()}`;
    dir = mkdtempSync(join(tmpdir(), 'gc-incident-parity-'));
    writeRunbooks(dir);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
  });

  /** The terminal: `gc-incident walk`, each prompt answered from the script. */
  async function terminal(script: Script, prometheusUrl: string) {
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-parity-cli-')), 'gc.db');
    let stdout = '';
    const answer = (question: string): string => {
      if (/skip every metric step/.test(question)) return 's';
      if (/Verified by hand\?/.test(question)) return script.byHand ?? '';
      if (/Approve '([^']+)'/.test(question)) return script.approve ? 'y' : 'n';
      const status = /Mark the incident (mitigated|resolved)/.exec(question)?.[1];
      if (status) return (status === 'mitigated' ? script.mitigated : script.resolved) ? 'y' : 'n';
      // The step asked about is the last one the walk showed.
      const shown = [...stdout.matchAll(/\n\[[^\]]+\] ([a-z0-9-]+): /g)].at(-1)?.[1] ?? '';
      const manual = script.manual[shown];
      if (/Why skip it/.test(question)) return typeof manual === 'object' ? manual.skip : '';
      if (manual === 'done') return 'd';
      return typeof manual === 'object' ? 's' : '';
    };
    // Verification's interval, stableFor and deadline pass on a fake clock: no real waiting.
    const code = await runCli(['walk', script.runbook, '-i', 'job=app', '-i', 'window=1m'], {
      ...steppingClock(),
      settings: settingsFrom({
        DATABASE_URL: `sqlite:${path}`,
        RUNBOOKS_DIR: dir,
        USER: 'alice',
        PROMETHEUS_URL: prometheusUrl,
      }),
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stdout += t;
      },
      ask: async (question) => {
        stdout += question;
        return answer(question);
      },
    });
    expect(code, stdout).toBe(0);
    const store = new SqliteStore(path);
    const [incident] = await store.list({ limit: 1 });
    if (!incident) throw new Error(`no incident:\n${stdout}`);
    const events = recorded(await store.timeline(incident.id), incident);
    await store.close();
    return { events, stdout, incident };
  }

  /** Slack: the same decisions as clicks, in the order the walk asks them. */
  async function slack(script: Script, prometheusUrl: string, unavailable: boolean) {
    const h = await SlackHarness.start({
      ...steppingClock(),
      runbooksDir: dir,
      env: { PROMETHEUS_URL: prometheusUrl },
    });
    try {
      await h.slash(`start ${script.runbook} job=app window=1m`);
      const { id } = await h.latestIncident();
      if (unavailable) {
        // Said once: one message, with a single Skip metric steps button and Retry beside it.
        const thread = await h.thread(id);
        const asking = thread.filter((m) => buttonsOf(m).some((b) => b.text === 'Skip metric steps'));
        expect(asking).toHaveLength(1);
        const buttons = buttonsOf(asking[0] as (typeof thread)[number]);
        expect(buttons.map((b) => b.text)).toEqual(['Skip metric steps', 'Retry']);
        expect(JSON.stringify(asking[0])).toContain("'default'");
        const skip = buttons[0] as { actionId: string; value: string };
        await h.click(skip.actionId, skip.value);
      }
      const load = async () => (await h.store.load(id)) as Incident;
      const refusals: string[] = [];
      for (const phase of ['triage', 'containment', 'verification', 'follow-up'] as const) {
        await h.click(ACTION.advance, id);
        const incident = await load();
        if (incident.phase !== phase) break;
        for (const planned of WALK_ORDER(incident, phase)) {
          const step = (await load()).steps.find((s) => s.id === planned.id);
          if (!step || step.status === 'done' || step.status === 'skipped') continue;
          if (step.kind === 'query' || step.kind === 'simulate') {
            await h.click(ACTION.run, `${id}|${step.id}`);
            continue;
          }
          if (step.needsApproval) {
            if (!script.approve) continue;
            const click = await h.click(ACTION.approve, `${id}|${step.id}`);
            if (!(await load()).steps.find((s) => s.id === step.id)?.approvedBy) {
              refusals.push(JSON.stringify(h.answersTo(click.responseUrl)));
              continue;
            }
          }
          const manual = script.manual[step.id];
          if (manual === 'done') await h.click(ACTION.done, `${id}|${step.id}`);
          else if (typeof manual === 'object') {
            const click = await h.click(ACTION.skip, `${id}|${step.id}`);
            await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
            const view = h.api.views.at(-1);
            await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
              reason: { value: { type: 'plain_text_input', value: manual.skip } },
            });
          }
        }
        if (phase === 'containment' && script.mitigated) await h.click(ACTION.mitigated, id);
        if (phase === 'verification' && script.byHand) {
          const click = await h.click(ACTION.verifyByHand, id);
          await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
          const view = h.api.views.at(-1);
          await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
            note: { value: { type: 'plain_text_input', value: script.byHand } },
          });
          await until(async () => (await load()).verifiedByHand !== undefined);
        }
        if (phase === 'verification' && script.resolved) await h.click(ACTION.resolved, id);
      }
      const incident = await load();
      const thread = JSON.stringify(await h.thread(id));
      return { events: recorded(await h.store.timeline(id), incident), refusals, incident, thread };
    } finally {
      await h.stop();
    }
  }

  /**
   * Both surfaces walk the same script at once: each has its own store and fake clock, they share
   * only the (read-only) Prometheus, and most of a walk is waiting on loopback HTTP.
   */
  const both = (script: Script, prometheusUrl: string, unavailable: boolean) =>
    Promise.all([terminal(script, prometheusUrl), slack(script, prometheusUrl, unavailable)]);

  const people: Script['manual'] = {
    profile: 'done',
    'allocation-hotspots': { skip: 'the profile already points at the JSON encoder' },
    'raise-young-threshold': 'done',
    'reduce-allocations': 'done',
  };

  it('a full walk to resolution', async () => {
    const script: Script = {
      runbook: 'parity-ok',
      approve: true,
      manual: people,
      mitigated: true,
      resolved: true,
    };
    const [{ events: cliEvents }, { events: slackEvents }] = await both(script, prom.url, false);
    expect(slackEvents).toEqual(cliEvents);
    expect(cliEvents.filter((e) => e.type === 'status.changed').map((e) => e.outcome)).toEqual([
      'mitigated',
      'resolved',
    ]);
    expect(cliEvents.find((e) => e.type === 'action.approved')?.role).toBe('commander');
    // Step results are compared too: the simulation's summary carries its what-if table on both.
    const simulated = cliEvents.find((e) => e.type === 'step.completed' && e.step === 'simulate-churn');
    expect(simulated?.result).toMatchObject({
      rows: expect.any(Array),
      table: expect.stringContaining('baseline'),
    });
  }, 120_000);

  it('a verification that fails is recorded, and the incident relapses to open', async () => {
    const script: Script = {
      runbook: 'parity-deadline',
      approve: true,
      manual: people,
      mitigated: true,
      resolved: false,
    };
    const [{ events: cliEvents }, { events: slackEvents, thread }] = await both(script, prom.url, false);
    expect(slackEvents).toEqual(cliEvents);
    expect(cliEvents.find((e) => e.type === 'step.failed')).toMatchObject({
      step: 'young-collections-ok',
      reason: 'deadline passed: held for 0 s of the 2 s needed',
    });
    // The thread says so (this was tests/slack/walk.e2e's deadline test, on the real clock).
    expect(thread).toContain('Verification deadline passed');
    expect(cliEvents.filter((e) => e.type === 'status.changed').map((e) => e.outcome)).toEqual([
      'mitigated',
      'open',
    ]);
  }, 120_000);

  it('a containment refused because the approver is not allowed', async () => {
    const script: Script = {
      runbook: 'parity-carol',
      approve: true,
      manual: people,
      mitigated: false,
      resolved: false,
    };
    const [cli, onSlack] = await both(script, prom.url, false);
    expect(onSlack.events).toEqual(cli.events);
    expect(cli.events.some((e) => e.type === 'action.approved')).toBe(false);
    // The same facts (who may approve, no role to ask for), each surface in its own words.
    const cliFacts = carolRefusal(cli.incident, cli.incident.commander);
    const slackFacts = carolRefusal(onSlack.incident, onSlack.incident.commander);
    const { incidentId: _a, user: _b, ...cliSame } = cliFacts;
    const { incidentId: _c, user: _d, ...slackSame } = slackFacts;
    expect(slackSame).toEqual(cliSame);
    expect(cli.stdout).toContain(`refused: ${refusalText(cliFacts)}`);
    expect(onSlack.refusals).toHaveLength(1);
    expect(onSlack.refusals[0]).toContain(JSON.stringify(refusalMrkdwn(slackFacts)).slice(1, -1));
  }, 120_000);

  it('Prometheus unavailable from the start: said once, every metric step skipped with one decision', async () => {
    const script: Script = {
      runbook: 'parity-ok',
      approve: true,
      manual: people,
      mitigated: true,
      resolved: false,
    };
    const [{ events: cliEvents }, { events: slackEvents }] = await both(script, downUrl, true);
    expect(slackEvents).toEqual(cliEvents);
    const skipped = cliEvents.filter(
      (e) => e.type === 'step.skipped' && /unavailable/.test(String(e.reason)),
    );
    expect(skipped.map((e) => e.step)).toEqual([
      'young-collection-rate',
      'cpu-busy',
      'collections-per-request',
      'gc-time-share',
      'young-collections-ok',
    ]);
  }, 120_000);

  it('Prometheus down, verified by hand: the same record on both surfaces, the note required and kept', async () => {
    const script: Script = {
      runbook: 'parity-ok',
      approve: true,
      manual: people,
      mitigated: true,
      resolved: true,
      byHand: 'checked in Grafana: gen-0 collections back to 8/s',
    };
    const [{ events: cliEvents }, { events: slackEvents }] = await both(script, downUrl, true);
    expect(slackEvents).toEqual(cliEvents);
    expect(cliEvents.filter((e) => e.type === 'datasource.unavailable')).toHaveLength(1);
    expect(cliEvents.find((e) => e.type === 'verification.by-hand')).toMatchObject({ outcome: 'commander' });
    expect(cliEvents.filter((e) => e.type === 'status.changed').map((e) => e.outcome)).toEqual([
      'mitigated',
      'resolved',
    ]);
  }, 120_000);
});
