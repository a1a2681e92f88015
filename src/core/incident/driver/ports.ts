/**
 * The driver's ports: how a surface shows progress (Narrator), how it asks a
 * person (Decisions), and the capabilities the driver runs steps with. The
 * terminal and Slack each implement Narrator and Decisions; tests script them.
 */
import type { CheckEvaluation } from '../../checks/evaluate.js';
import type { StableOutcome, StableRound } from '../../checks/stable-for.js';
import type { DiagnoseResult, ObservedGc } from '../../diagnose/result.js';
import type { MetricsClient, ReminderStore } from '../../ports.js';
import type { Runbook, SimulateStep } from '../../runbook/types.js';
import type { DecisionContext } from '../../simulator/rank.js';
import type { SimulationResult } from '../../simulator/simulate.js';
import type { ModelledPython } from '../../simulator/workload.js';
import type { Actor, Incident, Phase, StepState } from '../model.js';
import type { IncidentRole } from '../roles.js';

/** Who acts, by id: a Slack user id (U…, W…) or `cli:<user>`; never a username (approvals.ts says why). */
export interface Person {
  readonly id: Actor;
}

/** A simulate step's variants as run, and the summary recorded on the timeline. */
export interface SimulationOutput {
  readonly summary: unknown;
  readonly results: readonly { readonly label: string; readonly result: SimulationResult }[];
  /** What the results are ranked on (the step's objective) and how far they may be off. */
  readonly context?: DecisionContext | undefined;
}

/** What an HTTP action call returned (src/adapters/http-actions). */
export interface ActionCall {
  readonly ok: boolean;
  readonly method: string;
  readonly url: string;
  readonly status?: number | null | undefined;
  readonly durationMs: number;
  readonly error?: string | undefined;
}

/** What running a step produced, for the narrator to show. */
export type StepOutput =
  | { readonly kind: 'check'; readonly evaluation: CheckEvaluation }
  | { readonly kind: 'query'; readonly result: QueryOutput }
  | { readonly kind: 'simulate'; readonly output: SimulationOutput; readonly table?: string | undefined }
  | { readonly kind: 'action'; readonly call: ActionCall }
  | { readonly kind: 'diagnose'; readonly result: DiagnoseResult };

export interface QueryOutput {
  readonly query: string;
  readonly datasource: string;
  readonly at: string;
  readonly series: readonly { labels: Readonly<Record<string, string>>; value: number }[];
  /** How many series the answer had, when more than were kept (the worst QUERY_MAX_SERIES). */
  readonly seriesTotal?: number | undefined;
}

/** A conditional step as its phase began: skipped (met false), applies (true) or left to a person (undefined). */
export interface ConditionDecision {
  readonly step: StepState;
  readonly met: boolean | undefined;
  /** The same words on every surface and on the timeline, e.g. "when: not met: check x is ok (not firing)". */
  readonly reason: string;
}

/** Verification timing, after the schema's defaults are applied. */
export interface VerificationTiming {
  readonly stableForMs: number;
  readonly deadlineMs: number;
  readonly intervalMs: number;
}

/** How a surface shows what the driver does. Every method may be slow; none may throw on purpose. */
export interface Narrator {
  phaseEntered(incident: Incident, runbook: Runbook, phase: Phase): Promise<void>;
  /** A step the walk is about to run or ask about (the terminal prints its guidance). */
  stepIntroduced(incident: Incident, runbook: Runbook, step: StepState): Promise<void>;
  stepStarted(incident: Incident, step: StepState): Promise<void>;
  stepSucceeded(incident: Incident, step: StepState, output: StepOutput | undefined): Promise<void>;
  stepFailed(incident: Incident, step: StepState, message: string, output?: StepOutput): Promise<void>;
  /**
   * Steps run together (a phase's checks, Retry, Run skipped checks): a surface may gather what
   * they produce and say it once when the batch ends (Slack's thread gets one message).
   */
  batchStarted?(incident: Incident): void;
  batchFinished?(incident: Incident): Promise<void>;
  /** Said once per batch of metric steps: the datasource by name and the error in plain words. */
  metricsUnavailable(incident: Incident, datasource: string, message: string): Promise<void>;
  metricStepsSkipped(
    incident: Incident,
    steps: readonly StepState[],
    datasource: string,
    message: string,
  ): Promise<void>;
  verificationStarted(incident: Incident, timing: VerificationTiming): Promise<void>;
  verificationRound(incident: Incident, round: StableRound, timing: VerificationTiming): void;
  verificationFinished(
    incident: Incident,
    outcome: StableOutcome,
    steps: readonly { step: StepState; evaluation: CheckEvaluation | undefined }[],
    timing: VerificationTiming,
  ): Promise<void>;
  /** `as`: the role that allowed the approver, when a role did. */
  approved(incident: Incident, step: StepState, by: Person, as?: IncidentRole): Promise<void>;
  statusChanged(incident: Incident, by: Person): Promise<void>;
  /** A person closed verification without metrics; their note says how (Incident.verifiedByHand). */
  verifiedByHand(incident: Incident, by: Person): Promise<void>;
  /** A datasource that was down answers again (the outage's end is on the incident). */
  datasourceRecovered(incident: Incident, datasource: string): Promise<void>;
  followUpsCreated(incident: Incident): Promise<void>;
  /** A phase's `when:` conditions were decided as it began; skipped steps are already recorded. */
  conditionsDecided(incident: Incident, phase: Phase, decisions: readonly ConditionDecision[]): Promise<void>;
  /** What the walk did with a step it asked about: done, skipped, left pending, refused. */
  stepOutcome(incident: Incident, step: StepState, why: string): Promise<void>;
  /** The walk stopped before a phase it may not enter yet (steps still open). */
  stopped(incident: Incident, before: Phase, why: string): Promise<void>;
  /** The incident changed; a surface showing its state (the Slack card) redraws. */
  changed(incident: Incident): Promise<void>;
}

/** A question only a person answers. */
export type Decision =
  | { readonly kind: 'approve'; readonly step: StepState }
  | { readonly kind: 'call-action'; readonly step: StepState; readonly action: string }
  | { readonly kind: 'manual'; readonly step: StepState }
  | { readonly kind: 'status'; readonly status: 'mitigated' | 'resolved' }
  | {
      readonly kind: 'metrics-unavailable';
      readonly datasource: string;
      readonly message: string;
      /** The outage was first seen now (false: it was already recorded; Slack's card banner asks). */
      readonly firstSeen: boolean;
      /** A person's Retry found it still down. */
      readonly retried?: boolean | undefined;
    }
  /** Verification checks were skipped: nothing measured the fix. A person may verify by hand, saying how. */
  | { readonly kind: 'verify-by-hand'; readonly skipped: readonly StepState[] };

export type Choice = 'yes' | 'no' | 'done' | 'skip' | 'leave' | 'retry';

export interface Answer {
  readonly choice: Choice;
  readonly reason?: string | undefined;
}

/**
 * How a surface asks. A prompt answers at once; Slack posts the question (a message with
 * buttons) and answers `undefined`: the click arrives later as its own driver call.
 */
export interface Decisions {
  ask(incident: Incident, decision: Decision): Promise<Answer | undefined>;
}

/** What the driver runs steps with, beside the engine. */
export interface DriverCapabilities {
  readonly metrics?: MetricsClient | undefined;
  /** Services a fleet incident's check queries, at most (default FLEET_CHECK_MAX_SERVICES, 50). */
  readonly fleetCheckServices?: number | undefined;
  /**
   * Runs a simulate step's variants; `python` is the version the service reports, when known;
   * `observed` the GC configuration a diagnose step read from the service (the baseline's).
   */
  readonly simulate?:
    | ((
        incident: Incident,
        step: SimulateStep,
        python: ModelledPython | undefined,
        observed?: ObservedGc | undefined,
      ) => Promise<SimulationOutput>)
    | undefined;
  /** Calls a configured HTTP action; undefined: none configured on this surface. */
  readonly actions?:
    | {
        run(name: string, inputs: Readonly<Record<string, string>>): Promise<ActionCall>;
        /** A read-only action's call and its JSON answer (diagnose steps); refuses any other action. */
        read?(
          name: string,
          inputs: Readonly<Record<string, string>>,
        ): Promise<ActionCall & { readonly body?: unknown }>;
      }
    | undefined;
  /** Members of a user group (Slack S…); the terminal has none. */
  readonly groupMembers?: ((group: string) => Promise<readonly string[]>) | undefined;
  /** A runbook approver's `@handle` as a person id, resolved once when the runbooks were loaded. */
  readonly userIdOf?: ((handle: string) => Promise<string | undefined>) | undefined;
  /** Approvers configured for every runbook (SLACK_APPROVERS). */
  readonly approvers?: readonly string[] | undefined;
  readonly reminders?: ReminderStore['scheduleReminder'] | undefined;
  /** Cancels an item's pending reminders before they are planned again (driver/reminders.ts). */
  readonly cancelReminders?: ReminderStore['cancelReminders'] | undefined;
}
