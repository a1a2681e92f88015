/** The terminal's narrator: the driver's progress as plain text lines. */

import type { CheckEvaluation } from '../../core/checks/evaluate.js';
import type { StableOutcome, StableRound } from '../../core/checks/stable-for.js';
import { formatSpan } from '../../core/duration.js';
import type {
  ConditionDecision,
  Narrator,
  Person,
  StepOutput,
  VerificationTiming,
} from '../../core/incident/driver/ports.js';
import type { Incident, Phase, StepState } from '../../core/incident/model.js';
import { renderQuery } from '../../core/incident/render-query.js';
import { type IncidentRole, ownerNote, ROLE_LABEL } from '../../core/incident/roles.js';
import type { Runbook } from '../../core/runbook/types.js';
import { evaluationFigure } from '../../format/check-figure.js';
import { checkOutcomeLines, seriesLines } from './check-lines.js';
import { formatDiagnose } from './diagnose-table.js';
import { indent, phaseGuidance, stepDetail, titleOf } from './step-detail.js';

export interface TerminalNarratorOptions {
  readonly write: (text: string) => void;
  readonly runbookOf: (incident: Incident) => Runbook;
  /** Shows a simulation's comparison table (src/format is outside the core). */
  readonly table: (output: Extract<StepOutput, { kind: 'simulate' }>) => string;
  /** --auto: a step left pending is done by a person. */
  readonly auto: boolean;
  /** Dim skipped steps with ANSI (a TTY without NO_COLOR). */
  readonly colour?: boolean | undefined;
}

/** `19:02:55 UTC`: a time to the second (the terminal has no reader's zone to show). */
function clockTime(at: string): string {
  return `${at.slice(11, 19)} UTC`;
}

/** `cli:alice` → alice; anyone else as recorded. */
function personLabel(actor: string): string {
  return actor.startsWith('cli:') ? actor.slice(4) : actor;
}

export class TerminalNarrator implements Narrator {
  private introduced: string | undefined;

  constructor(private readonly o: TerminalNarratorOptions) {}

  async phaseEntered(_incident: Incident, runbook: Runbook, phase: Phase) {
    this.o.write(`\n== ${titleOf(phase)} ==\n`);
    const guidance = phaseGuidance(runbook, phase);
    if (guidance) this.o.write(`${indent(guidance)}\n`);
  }

  async stepIntroduced(incident: Incident, runbook: Runbook, step: StepState) {
    this.introduced = step.id;
    this.o.write(`\n[${step.kind}${step.risk ? `, ${step.risk} risk` : ''}] ${step.id}: ${step.title}\n`);
    const detail = stepDetail(runbook, step, incident.inputs);
    if (detail) this.o.write(`${indent(detail)}\n`);
  }

  async stepStarted(incident: Incident, step: StepState) {
    if (this.introduced !== step.id) await this.stepIntroduced(incident, this.o.runbookOf(incident), step);
  }

  async stepSucceeded(incident: Incident, step: StepState, output: StepOutput | undefined) {
    this.introduced = undefined;
    if (output?.kind === 'simulate') this.o.write(`${indent(this.o.table(output))}\n`);
    if (output?.kind === 'diagnose') this.o.write(`${indent(formatDiagnose(output.result))}\n`);
    if (output?.kind === 'check') {
      this.o.write(`${checkOutcomeLines(step, output.evaluation, this.o.runbookOf(incident))}\n`);
      return;
    }
    if (output?.kind === 'query') {
      this.o.write(`${seriesLines(output.result.series, output.result.seriesTotal)}\n  → done\n`);
      return;
    }
    if (output?.kind === 'action') {
      const { call } = output;
      this.o.write(`  → ${call.method} ${call.url}: ${call.status} in ${call.durationMs} ms, done\n`);
      return;
    }
    this.o.write('  → done\n');
  }

  async stepFailed(_incident: Incident, _step: StepState, message: string, output?: StepOutput) {
    this.introduced = undefined;
    if (output?.kind === 'action')
      this.o.write(`  → ${output.call.method} ${output.call.url} failed: ${message}\n`);
    else this.o.write(`  → failed: ${message}\n`);
  }

  async metricsUnavailable(_incident: Incident, datasource: string, message: string) {
    this.o.write(`  ✗ datasource '${datasource}' is unavailable: ${message}\n`);
  }

  async metricStepsSkipped(
    _incident: Incident,
    steps: readonly StepState[],
    _datasource: string,
    message: string,
  ) {
    this.o.write(
      `  → skipped: ${message}\n    (metric steps skipped: ${steps.map((s) => s.id).join(', ')})\n`,
    );
  }

  async verificationStarted(_incident: Incident, t: VerificationTiming) {
    this.o.write(
      `\nVerifying: the checks must hold for ${formatSpan(t.stableForMs)} (deadline ${formatSpan(t.deadlineMs)}, every ${formatSpan(t.intervalMs)})\n`,
    );
  }

  verificationRound(incident: Incident, round: StableRound) {
    const checks = this.o.runbookOf(incident).verification.checks;
    // Each evaluation with the check whose query it ran: its unit writes the figure.
    const checkOf = (e: CheckEvaluation) =>
      checks.find((c) => renderQuery(c.query, incident.inputs) === e.query);
    this.o.write(
      `  ${clockTime(round.at)}  ${round.passing ? `holding for ${formatSpan(round.heldMs)}` : 'not holding yet'}: ${round.evaluations.map((e) => evaluationFigure(e, 'verification', checkOf(e))).join('; ')}\n`,
    );
  }

  async verificationFinished(
    _incident: Incident,
    outcome: StableOutcome,
    _steps: readonly { step: StepState; evaluation: CheckEvaluation | undefined }[],
    t: VerificationTiming,
  ) {
    this.o.write(
      outcome.verdict === 'stable'
        ? `  → verified: the criteria held for ${formatSpan(outcome.heldMs)}\n`
        : `  → deadline passed: the criteria held for ${formatSpan(outcome.heldMs)} of ${formatSpan(t.stableForMs)} (recorded as failed)\n`,
    );
  }

  async approved(_incident: Incident, step: StepState, by: Person, as?: IncidentRole) {
    const role = as ? ` as the ${ROLE_LABEL[as]}` : '';
    this.o.write(`  → approved by ${by.id}${role} (${step.risk ?? 'unknown'} risk)\n`);
  }

  async statusChanged(incident: Incident) {
    this.o.write(`Status: ${incident.status}\n`);
  }

  async verifiedByHand(incident: Incident) {
    const manual = incident.verifiedByHand;
    if (manual) this.o.write(`  → verified by hand by ${personLabel(manual.by)}: ${manual.note}\n`);
  }

  async datasourceRecovered(_incident: Incident, datasource: string) {
    this.o.write(`  ✓ datasource '${datasource}' answers again\n`);
  }

  async followUpsCreated(incident: Incident) {
    for (const item of incident.followUps) {
      this.o.write(
        `  follow-up ${incident.id}/${item.id}: ${item.title} (${item.type}), owner ${item.owner}${ownerNote(item)}, due ${item.dueAt.slice(0, 10)}\n`,
      );
    }
    this.o.write("  reminder(s) scheduled (sent by 'gc-incident serve')\n");
  }

  /** Skipped steps print dim (on a colour terminal) with the driver's reason, like Slack's greyed lines. */
  async conditionsDecided(_incident: Incident, _phase: Phase, decisions: readonly ConditionDecision[]) {
    const dim = (text: string) => (this.o.colour ? `\x1b[2m${text}\x1b[22m` : text);
    for (const d of decisions) {
      const line = `  ${d.met === false ? 'skip' : d.met ? 'run ' : 'ask '} ${d.step.id}: ${d.reason}`;
      this.o.write(`${d.met === false ? dim(line) : line}\n`);
    }
  }

  async stepOutcome(_incident: Incident, _step: StepState, why: string) {
    this.introduced = undefined;
    this.o.write(`  → ${why}${this.o.auto && why === 'left pending' ? ' (done by a person)' : ''}\n`);
  }

  async stopped(_incident: Incident, before: Phase, why: string) {
    this.o.write(`\nStopped before ${before}: ${why}\n`);
  }

  async changed() {}
}
