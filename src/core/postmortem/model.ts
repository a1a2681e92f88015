/**
 * The canonical postmortem document, built from an incident and its timeline.
 * schemas/postmortem.schema.json describes the same shape; Markdown and HTML
 * are renderings of it. Fields only people can write are null until noted,
 * and listed in `prompts`.
 */
export interface Postmortem {
  readonly schemaVersion: 1;
  readonly header: {
    readonly id: string;
    readonly title: string;
    readonly severity: string;
    readonly status: string;
    readonly commander: string;
    readonly service: string;
    readonly runbook: { readonly id: string; readonly version: string; readonly title: string | null };
    readonly trigger: string | null;
    readonly links: readonly { readonly title: string; readonly url: string }[];
    readonly participants: readonly string[];
    /** Who held each role at the end; null: never assigned (the commander stood in). */
    readonly roles: {
      readonly commander: string;
      readonly serviceOwner: string | null;
      readonly scribe: string | null;
      readonly responders: readonly string[];
    };
    readonly generatedAt: string;
  };
  /** Roles assigned, handed over and taken back, in order (`from` null: a first assignment; `to` null: taken back). */
  readonly roleChanges: readonly {
    readonly at: string;
    readonly role: string;
    readonly from: string | null;
    readonly to: string | null;
    readonly by: string;
  }[];
  /** What people said: messages pinned with 📌 (still pinned) and notes, in time order. */
  readonly record: readonly {
    readonly at: string;
    readonly kind: 'pinned' | 'note';
    readonly author: string;
    readonly text: string;
    readonly permalink: string | null;
    readonly by: string;
  }[];
  readonly summary: string | null;
  readonly impact: string | null;
  readonly keyTimes: {
    readonly opened: string;
    readonly detected: string | null;
    readonly acknowledged: string | null;
    readonly mitigated: string | null;
    readonly resolved: string | null;
    readonly closed: string | null;
  };
  /** Milliseconds from opening; null when the moment has not happened. */
  readonly durations: {
    readonly timeToDetectMs: number | null;
    readonly timeToAcknowledgeMs: number | null;
    readonly timeToMitigateMs: number | null;
    readonly timeToResolveMs: number | null;
  };
  readonly timeline: readonly {
    readonly at: string;
    readonly actor: string;
    readonly type: string;
    readonly text: string;
  }[];
  readonly detection: readonly CheckEvidence[];
  readonly triage: readonly StepEvidence[];
  readonly simulations: readonly SimulationEvidence[];
  readonly containment: readonly ActionEvidence[];
  readonly verification: readonly CheckEvidence[];
  /**
   * How verification ended: `held` (checks passed), `by-hand` (a person said how: `by`, `note`),
   * `unverified` (its checks were skipped or failed), `no-checks`, or `pending` (not over).
   */
  readonly verificationOutcome: {
    readonly how: 'held' | 'by-hand' | 'unverified' | 'no-checks' | 'pending';
    readonly by: string | null;
    readonly note: string | null;
    readonly at: string | null;
  };
  /** Datasource outages, each once: from the first failure to its return (null: still down). */
  readonly outages: readonly {
    readonly datasource: string;
    readonly message: string;
    readonly since: string;
    readonly until: string | null;
  }[];
  readonly rootCause: string | null;
  readonly contributingFactors: readonly string[];
  readonly lessons: {
    readonly wentWell: readonly string[];
    readonly wentWrong: readonly string[];
    readonly lucky: readonly string[];
  };
  readonly actionItems: readonly {
    readonly id: string;
    readonly title: string;
    readonly type: string;
    readonly owner: string;
    readonly dueAt: string;
    readonly status: string;
    readonly reason: string | null;
    /** The runbook gave the item to a role; `roleUnassigned`: nobody held it, the commander got it. */
    readonly ownerRole: string | null;
    readonly roleUnassigned: boolean;
  }[];
  /** What people still have to write, in words. */
  readonly prompts: readonly string[];
}

export interface StepEvidence {
  readonly stepId: string;
  readonly title: string;
  readonly kind: string;
  readonly status: string;
  readonly by: string | null;
  readonly at: string | null;
  readonly reason: string | null;
  /** One line about what the step produced. */
  readonly outcome: string | null;
}

export interface CheckEvidence extends StepEvidence {
  readonly query: string | null;
  readonly operator: string | null;
  readonly threshold: number | null;
  readonly value: number | null;
  readonly verdict: string | null;
  /** `3.07 GiB, over the 1 GiB limit ✗`: the value as people read it (core/checks/figure.ts). */
  readonly figure?: string | null | undefined;
  /** `> 1 GiB`: the criterion in the check's unit. */
  readonly criterion?: string | null | undefined;
}

export interface SimulationEvidence {
  readonly stepId: string;
  readonly title: string;
  readonly python: string;
  readonly fidelity: string;
  readonly rows: readonly {
    readonly variant: string;
    readonly python: string;
    readonly collections: readonly number[];
    readonly collected: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly maxMs: number;
    /** The next full collection's pause when the run held none (raised thresholds) and it is longer. */
    readonly nextFullMs?: number | undefined;
    readonly peak: number;
  }[];
  /** The Python script that reproduces the baseline on a real interpreter, when available. */
  readonly reproScript: string | null;
}

export interface ActionEvidence extends StepEvidence {
  readonly risk: string | null;
  readonly approvedBy: string | null;
  readonly httpCall: {
    readonly method: string;
    readonly url: string;
    readonly status: number | null;
    readonly durationMs: number;
  } | null;
}
