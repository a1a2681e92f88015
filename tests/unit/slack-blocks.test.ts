/** Block Kit rendering, the command parser, approvals and the serve configuration: pure functions. */
import { describe, expect, it } from 'vitest';
import { readConfig, readServeConfig } from '../../src/config.js';
import { isGcIncidentError } from '../../src/core/errors.js';
import { apply } from '../../src/core/incident/apply.js';
import type { Incident, StepState, TimelineEvent } from '../../src/core/incident/model.js';
import { planSteps } from '../../src/core/incident/plan.js';
import { mayApprove } from '../../src/slack/approvals.js';
import { incidentCard, stepButtons } from '../../src/slack/blocks/card.js';
import { checkBatchMessages } from '../../src/slack/blocks/check-batch.js';
import { skipModal, startModal } from '../../src/slack/blocks/modals.js';
import { helpMessage, listMessage, runbooksMessage, statusMessage } from '../../src/slack/blocks/replies.js';
import { phaseIntroMessages, simulationMessages } from '../../src/slack/blocks/step-output.js';
import { parseSlashText } from '../../src/slack/command-parser.js';
import { codeBlocks, splitText, truncate } from '../../src/slack/limits.js';
import { shippedRunbook } from '../helpers/engine.js';
import { messageViolations, viewViolations } from '../helpers/slack-limits.js';

const SHIPPED = [
  'gc-cyclic-garbage-growth',
  'gc-disabled-or-starved',
  'gc-full-collection-latency',
  'gc-prefork-copy-on-write',
  'gc-python-upgrade-regression',
  'gc-thrash-allocation-churn',
];

function incidentOf(steps: StepState[], extra: Partial<Incident> = {}): Incident {
  const opened: TimelineEvent = {
    seq: 1,
    incidentId: 'GC-2026-0001',
    at: '2026-11-23T10:00:00.000Z',
    actor: 'U0ALICE001',
    type: 'incident.opened',
    data: {
      title: 'T',
      runbookId: 'r',
      runbookVersion: 'v',
      service: 's',
      inputs: {},
      severity: 'sev2',
      commander: 'U0ALICE001',
      steps,
    },
  };
  return { ...(apply(undefined, opened) as Incident), ...extra };
}

const long = (n: number, ch = 'x') => ch.repeat(n);

describe('limits helpers', () => {
  it('truncate never exceeds the limit and never splits a surrogate pair', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    const emoji = '🔥'.repeat(10);
    const cut = truncate(emoji, 6);
    expect(cut.length).toBeLessThanOrEqual(6);
    expect(cut).toBe('🔥🔥…');
  });

  it('splitText keeps every character and every piece within the limit', () => {
    const text =
      Array.from({ length: 500 }, (_, i) => `line ${i} ${long(i % 40)}`).join('\n') + `\n${long(7000)}`;
    const pieces = splitText(text, 3000);
    expect(pieces.every((p) => p.length <= 3000)).toBe(true);
    expect(pieces.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
    for (const block of codeBlocks(text)) expect(block.length).toBeLessThanOrEqual(3000);
  });
});

describe('the incident card', () => {
  it('fits Block Kit for every shipped runbook in every phase', () => {
    for (const id of SHIPPED) {
      const runbook = shippedRunbook(id);
      for (const phase of ['detection', 'triage', 'containment', 'verification', 'follow-up'] as const) {
        const event: TimelineEvent = {
          seq: 1,
          incidentId: 'GC-2026-0042',
          at: '2026-11-23T10:00:00.000Z',
          actor: 'U0ALICE001',
          type: 'incident.opened',
          data: {
            title: runbook.metadata.title,
            runbookId: id,
            runbookVersion: 'v',
            service: 'checkout',
            inputs: {},
            severity: 'sev2',
            commander: 'U0ALICE001',
            steps: [],
          },
        };
        const incident = {
          ...(apply(undefined, { ...event, data: { ...event.data, steps: planSteps(runbook) } }) as Incident),
          phase,
        };
        const card = incidentCard(incident, new Set(['raise-thresholds']));
        expect(messageViolations({ text: card.text, blocks: card.blocks }), `${id} ${phase}`).toEqual([]);
        expect(
          phaseIntroMessages(
            runbook,
            phase,
            incident.steps.filter((s) => s.phase === phase),
          ).flatMap((m) => messageViolations({ text: m.text, blocks: m.blocks })),
        ).toEqual([]);
      }
    }
  });

  it("leaves steps a condition skipped out of a phase's introduction", () => {
    const runbook = shippedRunbook('gc-full-collection-latency');
    const steps = planSteps(runbook)
      .filter((s) => s.phase === 'containment')
      .map((s) => (s.id === 'pin-previous-python' ? { ...s, status: 'skipped' as const } : s));
    const text = JSON.stringify(phaseIntroMessages(runbook, 'containment', steps));
    const pin = runbook.containment.actions.find((a) => a.id === 'pin-previous-python');
    const raise = runbook.containment.actions.find((a) => a.id === 'raise-thresholds');
    expect(pin && raise).toBeTruthy();
    expect(text).toContain(raise?.title);
    expect(text).not.toContain(pin?.title);
  });

  it('stays within limits with 60 steps of 5,000-character titles and reasons', () => {
    const steps: StepState[] = Array.from({ length: 60 }, (_, i) => ({
      id: `step-${i}-${long(300, 'a')}`,
      phase: 'triage',
      kind: 'manual',
      title: long(5000, 't'),
      optional: false,
      status: i % 2 ? 'failed' : 'pending',
      reason: long(5000, 'r'),
    }));
    const card = incidentCard(
      incidentOf(steps, { phase: 'triage', title: long(400), service: long(3000), trigger: long(4000) }),
    );
    expect(messageViolations({ text: card.text, blocks: card.blocks })).toEqual([]);
    expect(JSON.stringify(card.blocks)).toContain('…and 57 more open steps: *Show all steps*');
  });

  it('offers the buttons that fit each step', () => {
    const base = { phase: 'triage' as const, optional: false, status: 'pending' as const, title: 't' };
    const ids = (s: StepState, runnable = new Set<string>()) =>
      stepButtons('GC-1', s, runnable).map((b) => b.action_id);
    expect(ids({ ...base, id: 'q', kind: 'query' })).toEqual(['step.run', 'step.skip', 'step.assign']);
    expect(ids({ ...base, id: 'm', kind: 'manual' })).toEqual(['step.done', 'step.skip', 'step.assign']);
    const action = {
      ...base,
      phase: 'containment' as const,
      id: 'a',
      kind: 'action' as const,
      risk: 'high' as const,
      needsApproval: true,
    };
    expect(ids(action)).toEqual(['step.approve', 'step.done', 'step.skip', 'step.assign']);
    expect(ids({ ...action, approvedBy: 'U0X' }, new Set(['a']))).toEqual([
      'step.run',
      'step.done',
      'step.skip',
      'step.assign',
    ]);
    expect(ids({ ...base, id: 'd', kind: 'manual', status: 'done' })).toEqual([]);
    expect(ids({ ...base, id: 'r', kind: 'check', status: 'running' })).toEqual([]);
    // Button values hold ids only.
    expect(stepButtons('GC-2026-0001', { ...base, id: 'q', kind: 'query' })[0]?.value).toBe('GC-2026-0001|q');
  });
});

describe('other messages and views', () => {
  it('modals fit: start (with every shipped runbook selected), skip', () => {
    const runbooks = SHIPPED.map(shippedRunbook);
    expect(viewViolations(startModal(runbooks, { channel: 'C1' }) as never)).toEqual([]);
    for (const r of runbooks)
      expect(viewViolations(startModal(runbooks, { channel: 'C1', messageTs: '1.2' }, r) as never)).toEqual(
        [],
      );
    expect(viewViolations(skipModal('GC-2026-0001', long(300), long(5000)) as never)).toEqual([]);
    const many = Array.from({ length: 150 }, (_, i) => ({
      ...runbooks[0],
      metadata: { ...runbooks[0]?.metadata, id: `r-${i}`, title: long(200) },
    })) as never;
    const view = startModal(many, { channel: 'C1' });
    expect(viewViolations(view as never)).toEqual([]);
  });

  it('help, lists, status and step outputs fit', () => {
    const steps: StepState[] = Array.from({ length: 40 }, (_, i) => ({
      id: `s${i}`,
      phase: 'triage',
      kind: 'manual',
      title: long(500),
      optional: false,
      status: 'pending',
    }));
    const incident = incidentOf(steps);
    const timeline: TimelineEvent[] = Array.from({ length: 30 }, (_, i) => ({
      seq: i + 1,
      incidentId: incident.id,
      at: '2026-11-23T10:00:00.000Z',
      actor: 'U0A',
      type: 'note.added',
      data: { text: long(400) },
    }));
    const messages = [
      helpMessage(long(5000)),
      listMessage(
        Array.from({ length: 300 }, () => incident),
        true,
      ),
      runbooksMessage(Array(300).fill(shippedRunbook('gc-thrash-allocation-churn'))),
      statusMessage(incident, timeline),
      ...checkBatchMessages(
        Array.from({ length: 300 }, () => ({
          step: { ...(steps[0] as StepState), title: long(300) },
          evaluation: {
            query: long(5000),
            datasource: 'default',
            at: '2026-11-23T10:00:00.000Z',
            operator: '>' as const,
            threshold: 1,
            reduce: 'max' as const,
            value: 3,
            series: Array.from({ length: 500 }, (_, i) => ({
              labels: { instance: `${i}`, pod: long(200) },
              value: i === 3 ? 3 : i,
            })),
            outcome: 'holds' as const,
            reason: long(4000),
          },
        })),
      ),
      ...simulationMessages(
        steps[0] as StepState,
        Array.from({ length: 2000 }, () => long(80)).join('\n'),
        true,
      ),
    ];
    for (const m of messages) expect(messageViolations({ text: m.text, blocks: m.blocks })).toEqual([]);
  });
});

describe('the /gc-incident parser', () => {
  it('understands every sub-command', () => {
    expect(parseSlashText('')).toEqual({ kind: 'modal' });
    expect(parseSlashText('  start ')).toEqual({ kind: 'modal' });
    expect(parseSlashText('start gc-thrash job=api service=“checkout api” severity=sev1 window=5m')).toEqual({
      kind: 'start',
      runbookId: 'gc-thrash',
      service: 'checkout api',
      severity: 'sev1',
      inputs: { job: 'api', window: '5m' },
    });
    expect(parseSlashText('list all')).toEqual({ kind: 'list', all: true });
    expect(parseSlashText('status gc-2026-0007')).toEqual({ kind: 'status', incidentId: 'GC-2026-0007' });
    expect(parseSlashText('close')).toEqual({ kind: 'close', incidentId: undefined });
    expect(parseSlashText('export GC-2026-0001 html')).toEqual({
      kind: 'export',
      incidentId: 'GC-2026-0001',
      format: 'html',
    });
    expect(parseSlashText('simulate rb/step freeze threshold=1000')).toEqual({
      kind: 'simulate',
      target: 'rb/step',
      whatIfs: ['freeze', 'threshold=1000'],
    });
  });

  it('says what is wrong with malformed input', () => {
    const problem = (text: string) => {
      const r = parseSlashText(text);
      return r.kind === 'invalid' ? r.problem : `parsed as ${r.kind}`;
    };
    expect(problem('start Bad_Id')).toContain('is not a runbook id');
    expect(problem('start gc job')).toContain('key=value');
    expect(problem('start gc severity=high')).toContain('use sev1');
    expect(problem('status 42')).toContain('incident id');
    expect(problem('export GC-2026-0001 pdf')).toContain('md, json or html');
    expect(problem('list everything')).toContain('`all`');
    expect(problem('simulate')).toContain('needs a workload');
    expect(problem('start gc summary="open')).toContain('not closed');
    expect(problem('<script>')).toBe('`script` is not a gc-incident command');
  });
});

describe('approvals', () => {
  const incident = incidentOf([], { commander: 'U0CMD00001', participants: ['U0RESP0001'] });
  const none = async () => [] as string[];
  it('with no approvers anywhere, whoever confirms may approve', async () => {
    expect((await mayApprove({ id: 'U0ANY00001' }, incident, [], [], none)).allowed).toBe(true);
  });
  it('roles, users, handles and groups from the runbook and SLACK_APPROVERS', async () => {
    const check = async (
      id: string,
      approvers: Parameters<typeof mayApprove>[2],
      configured: string[] = [],
    ) =>
      (
        await mayApprove(
          { id },
          incident,
          approvers,
          configured,
          async (g) => (g === 'S0GROUP001' || g === '@sre' ? ['U0MEMBER01'] : []),
          // @dana was resolved to her id when the runbooks were loaded.
          async (handle) => (handle === '@dana' ? 'U0USER0001' : undefined),
        )
      ).allowed;
    expect(await check('U0CMD00001', [{ role: 'commander' }])).toBe(true);
    expect(await check('U0RESP0001', [{ role: 'commander' }])).toBe(false);
    expect(await check('U0RESP0001', [{ role: 'responder' }])).toBe(true);
    expect(await check('U0USER0001', [{ user: 'U0USER0001' }])).toBe(true);
    expect(await check('U0USER0001', [{ user: '@dana' }])).toBe(true);
    expect(await check('U0OTHER001', [{ user: '@dana' }])).toBe(false);
    expect(await check('U0USER0001', [{ user: '@erin' }])).toBe(false);
    expect(await check('U0MEMBER01', [{ group: '@sre' }])).toBe(true);
    expect(await check('U0MEMBER01', [{ role: 'commander' }], ['S0GROUP001'])).toBe(true);
    expect(await check('U0OTHER001', [{ role: 'commander' }], ['S0GROUP001', 'U0LEAD0001'])).toBe(false);
    expect(await check('U0LEAD0001', [], ['U0LEAD0001'])).toBe(true);
  });
});

describe('serve configuration', () => {
  const ok = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: '0123456789abcdef0123' };
  const problem = (env: Record<string, string>) => {
    try {
      readServeConfig(env);
      return 'accepted';
    } catch (error) {
      if (!isGcIncidentError(error)) throw error;
      expect(error.code).toBe('CONFIG_INVALID');
      return `${String(error.details.variable)}: ${error.message}`;
    }
  };
  it('names the variable that is missing or malformed', () => {
    expect(problem({})).toMatch(/^SLACK_BOT_TOKEN: SLACK_BOT_TOKEN is not set/);
    expect(problem({ SLACK_BOT_TOKEN: 'xoxp-user-token' })).toMatch(/^SLACK_BOT_TOKEN: .*xoxb-/);
    expect(problem({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/^SLACK_SIGNING_SECRET: .*not set/);
    expect(problem({ ...ok, PORT: 'eighty' })).toMatch(/^PORT: /);
    expect(problem({ ...ok, PORT: '70000' })).toMatch(/^PORT: /);
    expect(problem({ ...ok, SLACK_API_URL: 'slack.com/api' })).toMatch(/^SLACK_API_URL: /);
    expect(problem({ ...ok, SLACK_APP_TOKEN: 'xoxb-wrong' })).toMatch(/^SLACK_APP_TOKEN: /);
    expect(problem({ ...ok, SLACK_APPROVERS: 'U0ABC, alice' })).toMatch(/^SLACK_APPROVERS: .*'alice'/);
    expect(problem({ ...ok, LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL: /);
    expect(problem({ ...ok, DIGEST_TIMEZONE: 'Mars/Olympus' })).toMatch(/^DIGEST_TIMEZONE: .*IANA.*Mars/);
    // The team's zone is every command's setting (the terminal's postmortem export uses it too).
    expect(readConfig({ DIGEST_TIMEZONE: 'Europe/Berlin' }).digestTimeZone).toBe('Europe/Berlin');
    expect(readConfig({}).digestTimeZone).toBe('UTC');
  });
  it('reads a valid configuration, with Socket Mode when an app token is set', () => {
    const config = readServeConfig({
      ...ok,
      SLACK_API_URL: 'http://127.0.0.1:9/api',
      SLACK_APPROVERS: 'U0ABC,S0DEF',
    });
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      slackApiUrl: 'http://127.0.0.1:9/api/',
      approvers: ['U0ABC', 'S0DEF'],
      appToken: undefined,
    });
    expect(readServeConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A-2-x' }).appToken).toBe(
      'xapp-1-A-2-x',
    );
  });
});
