import { Command } from 'commander';
import { jitteredBackoff } from '../../adapters/backoff.js';
import { simulateStepWithFit } from '../../adapters/fit/step-workload.js';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import type { HttpActionRunner } from '../../adapters/http-actions/runner.js';
import type { PrometheusClient } from '../../adapters/prometheus/client.js';
import { readConfig } from '../../config.js';
import { evaluateCheck } from '../../core/checks/check-runner.js';
import { runtimesFrom } from '../../core/checks/runtime.js';
import { waitUntilStable } from '../../core/checks/stable-for.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { GcIncidentError, isGcIncidentError } from '../../core/errors.js';
import { remindersFor, runbookFollowUps } from '../../core/followups/plan.js';
import type { IncidentCommand } from '../../core/incident/commands.js';
import { type Incident, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import { renderForDisplay, renderQuery } from '../../core/incident/render-query.js';
import { IncidentService } from '../../core/incident/service.js';
import { isAutomatable, runStep } from '../../core/incident/step-runner.js';
import type { MetricsClient, Store } from '../../core/ports.js';
import type { Check, Runbook, SimulateStep } from '../../core/runbook/types.js';
import { DEFAULT_DATASOURCE } from '../../core/runbook/types.js';
import type { ModelledPython } from '../../core/simulator/workload.js';
import { formatComparison } from '../../format/simulation.js';
import { buildValidationContext } from '../context.js';
import { httpActionsFor } from '../http-actions-context.js';
import { type CliIo, EXIT } from '../io.js';
import { metricsClientFor } from '../metrics-context.js';
import { withStore } from '../store-context.js';

export interface WalkOptions {
  service?: string;
  input: string[];
  severity?: string;
  auto?: boolean;
  /** Drills: approve and run configured HTTP actions without asking (recorded as the commander). */
  yes?: boolean;
  commander?: string;
}

export function walkCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('walk')
    .description('Open an incident from a runbook and walk it phase by phase in the terminal')
    .argument('<runbook-id>', "a runbook id from 'gc-incident runbooks'")
    .option('-s, --service <name>', 'the affected service (default: the input "job", else the runbook id)')
    .option('-i, --input <key=value>', 'a runbook input; repeatable', collect, [] as string[])
    .option('--severity <sev>', "override the runbook's default severity (sev1-sev4)")
    .option('--commander <who>', 'who commands the incident (default cli:$USER)')
    .option(
      '--auto',
      'run every automatable step without prompts and leave manual steps pending (drills, CI)',
    )
    .addHelpText(
      'after',
      `
Each step shows its guidance. Checks, queries and simulations run; commands are
shown to copy (never executed); manual steps and approvals are asked for, or left
pending with --auto. Everything is recorded in the store (DATABASE_URL).

Example:
  $ gc-incident walk gc-full-collection-latency --input job=checkout --auto`,
    )
    .option('--yes', 'with --auto: approve containment actions and call configured HTTP actions (drills)')
    .action(async (runbookId: string, options: WalkOptions) => {
      done((await walk(io, runbookId, options)).code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseInputs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new GcIncidentError('USAGE', `--input ${pair}: write it as key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export async function walk(
  io: CliIo,
  runbookId: string,
  options: WalkOptions,
): Promise<{ code: number; incidentId?: string | undefined }> {
  const config = readConfig(io.env);
  const { context } = buildValidationContext(config, []);
  const entry = findRunbook(runbookId, config.runbooksDir, context);
  const runbook = entry.runbook;
  const inputs = parseInputs(options.input);
  const clock = io.clock ?? { now: () => new Date() };
  const actor = options.commander ?? `cli:${io.env.USER ?? 'unknown'}`;
  if (options.severity && !/^sev[1-4]$/.test(options.severity)) {
    throw new GcIncidentError('USAGE', `--severity ${options.severity}: use sev1, sev2, sev3 or sev4`);
  }
  const metrics = metricsClientFor(config, io.env);
  const actions = httpActionsFor(io.env);
  try {
    return await walkWithStore(io, runbook, entry, inputs, options, clock, actor, metrics, actions);
  } finally {
    await metrics?.close();
  }
}

async function walkWithStore(
  io: CliIo,
  runbook: Runbook,
  entry: { version: string; file: string },
  inputs: Record<string, string>,
  options: WalkOptions,
  clock: { now(): Date },
  actor: string,
  metrics: PrometheusClient | undefined,
  actions: HttpActionRunner | undefined,
): Promise<{ code: number; incidentId?: string | undefined }> {
  return withStore(io, async (store) => {
    const service = new IncidentService(store, clock, { retryDelay: jitteredBackoff() });
    const opened = await service.open({
      runbook,
      runbookVersion: entry.version,
      service: options.service ?? inputs.job ?? runbook.metadata.id,
      inputs,
      severity: options.severity as Incident['severity'] | undefined,
      commander: actor,
    });
    let incident = opened.incident;
    io.stdout(`Opened ${incident.id}: ${incident.title} [${incident.severity}] for ${incident.service}\n`);
    io.stdout(`Runbook ${runbook.metadata.id} (${entry.version.slice(0, 19)}…), commander ${actor}\n`);

    // The runtime the service reports decides the simulator's default version for this incident.
    let python: ModelledPython | undefined;
    if (metrics && inputs.job) {
      const samples = await metrics
        .instant(
          runbook.datasource ?? DEFAULT_DATASOURCE,
          renderQuery('python_info{job="{{job}}"}', incident.inputs),
          clock.now(),
        )
        .catch(() => []);
      const runtimes = runtimesFrom(samples);
      for (const r of runtimes) {
        io.stdout(
          `Runtime: ${r.implementation} ${r.version} on ${r.instances} instance(s)${r.collector ? `, ${r.collector} collector` : ''}\n`,
        );
      }
      python = runtimes.find((r) => r.modelled)?.modelled;
      if (python) io.stdout(`Simulations default to CPython ${python}\n`);
    }

    const exec = async (command: IncidentCommand) => {
      incident = (await service.execute(incident.id, command)).incident;
    };
    const ask = async (question: string): Promise<string> =>
      options.auto || !io.ask ? '' : (await io.ask(question)).trim().toLowerCase();
    // --yes answers the questions a drill must answer yes to: approving and calling actions.
    const confirm = async (question: string): Promise<string> => {
      if (options.auto && options.yes) {
        io.stdout(`${question}y (--yes)\n`);
        return 'y';
      }
      return ask(question);
    };

    for (const phase of PHASES) {
      if (incident.phase !== phase) {
        try {
          await exec({ type: 'advance-phase', to: phase, actor });
        } catch (error) {
          if (isGcIncidentError(error) && error.code === 'ILLEGAL_TRANSITION') {
            io.stdout(`\nStopped before ${phase}: ${error.message}\n`);
            break;
          }
          throw error;
        }
      }
      io.stdout(`\n== ${title(phase)} ==\n`);
      const guidance = phaseGuidance(runbook, phase);
      if (guidance) io.stdout(`${indent(guidance)}\n`);
      // With a datasource, verification re-checks until its criteria held for stableFor (or the
      // deadline passes), as the Slack app does; its check steps are settled here.
      const settled = new Set<string>();
      if (phase === 'verification' && metrics) {
        for (const id of await verifyUntilStable(io, runbook, incident, { exec, actor, clock, metrics }))
          settled.add(id);
      }
      if (phase === 'follow-up')
        await scheduleFollowUps(io, runbook, () => incident, store, { exec, actor, clock });
      for (const step of incident.steps.filter((s) => s.phase === phase && !settled.has(s.id))) {
        await walkStep(io, runbook, entry.file, step, {
          exec,
          ask,
          confirm,
          drill: Boolean(options.auto && options.yes),
          auto: options.auto ?? false,
          actor,
          clock,
          incident: () => incident,
          metrics,
          actions,
          python,
        });
      }
      const containmentDone = incident.steps.some((s) => s.phase === 'containment' && s.status === 'done');
      // A person is asked; a drill (--auto --yes) says yes only when something was contained.
      if (
        phase === 'containment' &&
        (!options.auto || containmentDone) &&
        (await confirm('Mark the incident mitigated? [y/N] ')) === 'y'
      ) {
        await exec({ type: 'set-status', status: 'mitigated', actor });
      }
      const verified = incident.steps
        .filter((s) => s.phase === 'verification')
        .every((s) => s.status === 'done');
      if (
        phase === 'verification' &&
        (!options.auto || verified) &&
        (await confirm('Mark the incident resolved? [y/N] ')) === 'y'
      ) {
        await exec({ type: 'set-status', status: 'resolved', actor });
      }
    }
    const counts = countStatuses(incident.steps);
    io.stdout(
      `\n${incident.id}: status ${incident.status}, phase ${incident.phase}; steps ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}\nSee the timeline with: gc-incident show ${incident.id}\n`,
    );
    return { code: EXIT.OK, incidentId: incident.id };
  });
}

interface StepContext {
  exec: (command: IncidentCommand) => Promise<void>;
  ask: (question: string) => Promise<string>;
  confirm: (question: string) => Promise<string>;
  /** --auto --yes: skip people's steps with a reason. */
  drill: boolean;
  auto: boolean;
  actor: string;
  clock: { now(): Date };
  incident: () => Incident;
  metrics: MetricsClient | undefined;
  actions: HttpActionRunner | undefined;
  python: ModelledPython | undefined;
}

async function walkStep(
  io: CliIo,
  runbook: Runbook,
  runbookFile: string,
  step: StepState,
  ctx: StepContext,
): Promise<void> {
  const { exec, ask, actor } = ctx;
  io.stdout(`\n[${step.kind}${step.risk ? `, ${step.risk} risk` : ''}] ${step.id}: ${step.title}\n`);
  const detail = stepDetail(runbook, step, ctx.incident().inputs);
  if (detail) io.stdout(`${indent(detail)}\n`);
  if (isAutomatable(step)) {
    await exec({ type: 'start-step', stepId: step.id, actor });
    try {
      const result = await runStep(runbook, ctx.incident(), step, {
        metrics: ctx.metrics,
        now: () => ctx.clock.now(),
        simulate: async (s: SimulateStep) => {
          const { summary, results, note } = await simulateStepWithFit(s, runbookFile, {
            metrics: ctx.metrics,
            inputs: ctx.incident().inputs,
            now: ctx.clock.now(),
            python: ctx.python,
            datasource: runbook.datasource,
          });
          io.stdout(`${indent(formatComparison(results))}\n`);
          if (note) io.stdout(`${indent(note)}\n`);
          return summary;
        },
      });
      await exec({ type: 'complete-step', stepId: step.id, actor, result });
      io.stdout('  → done\n');
    } catch (error) {
      if (isGcIncidentError(error) && error.code === 'METRICS_UNAVAILABLE') {
        await exec({ type: 'fail-step', stepId: step.id, actor, error: error.message });
        await exec({ type: 'skip-step', stepId: step.id, actor, reason: `unavailable: ${error.message}` });
        io.stdout(`  → skipped: ${error.message}\n`);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      await exec({ type: 'fail-step', stepId: step.id, actor, error: message });
      io.stdout(`  → failed: ${message}\n`);
    }
    return;
  }
  if (step.needsApproval) {
    const answer = await ctx.confirm(`  Approve '${step.id}' (${step.risk} risk)? [y/N] `);
    if (answer !== 'y') {
      io.stdout('  → left pending (needs approval)\n');
      return;
    }
    await exec({ type: 'approve-action', stepId: step.id, actor });
  }
  const httpAction = runbook.containment.actions.find((a) => a.id === step.id && a.kind === 'http');
  if (
    httpAction?.httpAction &&
    ctx.actions &&
    (await ctx.confirm(`  Call HTTP action '${httpAction.httpAction}' now? [y/N] `)) === 'y'
  ) {
    await exec({ type: 'start-step', stepId: step.id, actor });
    const call = await ctx.actions.run(httpAction.httpAction, ctx.incident().inputs);
    if (call.ok) {
      await exec({ type: 'complete-step', stepId: step.id, actor, result: call });
      io.stdout(`  → ${call.method} ${call.url}: ${call.status} in ${call.durationMs} ms, done\n`);
    } else {
      await exec({ type: 'fail-step', stepId: step.id, actor, error: call.error ?? 'failed', result: call });
      io.stdout(`  → ${call.method} ${call.url} failed: ${call.error}\n`);
    }
    return;
  }
  if (ctx.drill && step.kind === 'follow-up') {
    io.stdout('  → left open: tracked as a follow-up, with reminders\n');
    return;
  }
  if (ctx.drill) {
    // A drill has no people: their steps are skipped, saying so, rather than pretended done.
    await exec({
      type: 'skip-step',
      stepId: step.id,
      actor,
      reason: 'drill: a person does this in a real incident',
    });
    io.stdout('  → skipped (drill: a person does this in a real incident)\n');
    return;
  }
  const answer = await ask('  [d]one, [s]kip, or Enter to leave it pending: ');
  if (answer === 'd') {
    await exec({ type: 'complete-step', stepId: step.id, actor });
    io.stdout('  → done\n');
  } else if (answer === 's') {
    const reason = (await ask('  Why skip it? ')) || 'skipped from the terminal';
    await exec({ type: 'skip-step', stepId: step.id, actor, reason });
    io.stdout('  → skipped\n');
  } else {
    io.stdout(`  → left pending${ctx.auto ? ' (done by a person)' : ''}\n`);
  }
}

function phaseGuidance(runbook: Runbook, phase: Phase): string | undefined {
  switch (phase) {
    case 'detection':
      return runbook.detection.guidance;
    case 'triage':
      return runbook.triage.guidance;
    case 'containment':
      return runbook.containment.guidance;
    case 'verification':
      return runbook.verification.guidance;
    case 'follow-up':
      return runbook.followUp.guidance;
  }
}

/** What a person needs to see for a step: its guidance, and for commands the text to copy. */
function stepDetail(runbook: Runbook, step: StepState, inputs: Readonly<Record<string, string>>): string {
  const triage = runbook.triage.steps.find((s) => s.id === step.id);
  if (triage) {
    const parts = [triage.guidance.trim()];
    if (triage.kind === 'command')
      parts.push(
        `Run it yourself (gc-incident never executes commands):\n${renderForDisplay(triage.command.trim(), inputs)}`,
      );
    if (triage.kind === 'link') parts.push(triage.url);
    if (triage.kind === 'manual' && triage.checklist)
      parts.push(triage.checklist.map((c) => `- ${c}`).join('\n'));
    return parts.join('\n');
  }
  const action = runbook.containment.actions.find((a) => a.id === step.id);
  if (action) {
    const parts = [action.effect.trim(), action.guidance.trim()];
    if (action.command)
      parts.push(`Command (not executed):\n${renderForDisplay(action.command.trim(), inputs)}`);
    if (action.rollback) parts.push(`Rollback: ${action.rollback.trim()}`);
    return parts.join('\n');
  }
  const check = [...runbook.detection.checks, ...runbook.verification.checks].find((c) => c.id === step.id);
  if (check) {
    return `${renderQuery(check.query.trim(), inputs)}  ${check.operator} ${check.threshold}${check.guidance ? `\n${check.guidance.trim()}` : ''}`;
  }
  const item = runbook.followUp.items.find((i) => i.id === step.id);
  if (item)
    return `${item.type}, owner ${'role' in item.owner ? item.owner.role : item.owner.user}, due ${item.due}`;
  return '';
}

function countStatuses(steps: readonly StepState[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of steps) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return counts;
}

function title(phase: Phase): string {
  return phase.charAt(0).toUpperCase() + phase.slice(1);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

async function verifyUntilStable(
  io: CliIo,
  runbook: Runbook,
  incident: Incident,
  ctx: {
    exec: (c: IncidentCommand) => Promise<void>;
    actor: string;
    clock: { now(): Date };
    metrics: MetricsClient;
  },
): Promise<string[]> {
  const steps = incident.steps.filter((s) => s.phase === 'verification' && s.kind === 'check');
  const checks = steps
    .map((s) => runbook.verification.checks.find((c) => c.id === s.id))
    .filter((c): c is Check => c !== undefined);
  if (checks.length === 0) return [];
  const v = runbook.verification;
  const ms = (text: string | undefined, fallback: number) => {
    const d = text ? parseDuration(text) : undefined;
    return d?.ok ? d.ms : fallback;
  };
  const stableForMs = ms(v.stableFor, 15 * 60_000);
  const deadlineMs = ms(v.deadline, Math.max(4 * stableForMs, 60 * 60_000));
  const intervalMs = ms(v.interval, 30_000);
  io.stdout(
    `\nVerifying: the checks must hold for ${formatDuration(stableForMs)} (deadline ${formatDuration(deadlineMs)}, every ${formatDuration(intervalMs)})\n`,
  );
  for (const step of steps) await ctx.exec({ type: 'start-step', stepId: step.id, actor: ctx.actor });
  const outcome = await waitUntilStable({
    stableForMs,
    deadlineMs,
    intervalMs,
    mode: v.mode ?? 'all',
    now: () => ctx.clock.now(),
    sleep: (t) => new Promise((r) => setTimeout(r, t)),
    evaluate: () =>
      Promise.all(
        checks.map((c) =>
          evaluateCheck(
            c,
            incident.inputs,
            ctx.metrics,
            ctx.clock.now(),
            runbook.datasource ?? DEFAULT_DATASOURCE,
          ),
        ),
      ),
    onRound: (round) =>
      io.stdout(
        `  ${round.at}  ${round.passing ? `holding for ${formatDuration(round.heldMs)}` : 'not holding yet'}: ${round.evaluations.map((e) => `${e.value ?? 'no value'} ${e.operator} ${e.threshold}`).join(', ')}\n`,
      ),
  });
  const last = outcome.rounds.at(-1)?.evaluations ?? [];
  for (const [i, step] of steps.entries()) {
    if (outcome.verdict === 'stable') {
      await ctx.exec({
        type: 'complete-step',
        stepId: step.id,
        actor: ctx.actor,
        result: { ...last[i], verdict: 'stable', heldMs: outcome.heldMs },
      });
    } else {
      await ctx.exec({
        type: 'fail-step',
        stepId: step.id,
        actor: ctx.actor,
        error: `deadline passed: held for ${formatDuration(outcome.heldMs)} of the ${formatDuration(stableForMs)} needed`,
      });
    }
  }
  io.stdout(
    outcome.verdict === 'stable'
      ? `  → verified: the criteria held for ${formatDuration(outcome.heldMs)}\n`
      : `  → deadline passed: the criteria held for ${formatDuration(outcome.heldMs)} of ${formatDuration(stableForMs)}\n`,
  );
  return steps.map((s) => s.id);
}

/** The runbook's follow-ups become tracked items, and their reminders rows in the store. */
async function scheduleFollowUps(
  io: CliIo,
  runbook: Runbook,
  current: () => Incident,
  store: Store,
  ctx: { exec: (c: IncidentCommand) => Promise<void>; actor: string; clock: { now(): Date } },
): Promise<void> {
  for (const command of runbookFollowUps(runbook, current(), ctx.clock.now(), ctx.actor))
    await ctx.exec(command);
  let reminders = 0;
  for (const item of current().followUps) {
    const offsets = runbook.followUp.items.find((i) => i.id === item.stepId)?.reminders ?? [];
    for (const r of remindersFor(current(), item, ctx.clock.now(), offsets)) {
      await store.scheduleReminder(r);
      reminders += 1;
    }
    io.stdout(
      `  follow-up ${current().id}/${item.id}: ${item.title} (${item.type}), owner ${item.owner}, due ${item.dueAt}\n`,
    );
  }
  if (reminders > 0) io.stdout(`  ${reminders} reminder(s) scheduled (sent by 'gc-incident serve')\n`);
}
