/**
 * The incident engine: opens incidents from runbooks and executes commands
 * against them through an IncidentStore, with idempotency keys and optimistic
 * versioning, so retries, double clicks and replicas never duplicate a change.
 * Time comes from the injected clock.
 */
import { causeOf } from '../alerts/cause.js';
import { GcIncidentError } from '../errors.js';
import type { Clock, IncidentStore, StoredResponse } from '../ports.js';
import type { Runbook } from '../runbook/types.js';
import { apply } from './apply.js';
import type { IncidentCommand } from './commands.js';
import { decide, type PendingEvent } from './decide.js';
import { checkShownText, resolveInputs } from './inputs.js';
import { KnownSnapshots } from './known-snapshots.js';
import { type Actor, formatIncidentId, type Incident, type TimelineEvent } from './model.js';
import { planSteps } from './plan.js';

export interface OpenRequest {
  readonly runbook: Runbook;
  /** sha256 of the runbook file, so the incident records exactly which version it followed. */
  readonly runbookVersion: string;
  readonly service: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly severity?: Incident['severity'] | undefined;
  readonly commander: Actor;
  readonly title?: string | undefined;
  readonly idempotencyKey?: string | undefined;
  /** What started it: a Slack message permalink, an alert, a terminal. */
  readonly trigger?: string | undefined;
  /** Its cause, when not the runbook's and inputs' (src/core/alerts/cause.ts). */
  readonly cause?: string | undefined;
}

export interface CommandOutcome {
  readonly incident: Incident;
  readonly events: readonly TimelineEvent[];
  /** True when the idempotency key had been seen: nothing changed, the original outcome is returned. */
  readonly replayed: boolean;
}

/** Incident ids an opening tries before giving up (each lost id is another opener's). */
const MAX_ATTEMPTS = 25;

/**
 * Optimistic tries of a command (the first on the known state, then read and append) before it
 * takes the incident's write lock (IncidentStore.commandLocked). Optimism alone can starve: a
 * replica that writes one incident without pause (a storm) wins the race between another's read
 * and append again and again.
 */
const OPTIMISTIC_ATTEMPTS = 4;

export interface ServiceOptions {
  /**
   * Waits before retrying after losing a write race. Injected (the core has no timers and no
   * randomness); replicas contending for one incident should pass a jittered backoff such as
   * `jitteredBackoff` from src/adapters/backoff.ts. Default: retry at once.
   */
  readonly retryDelay?: ((attempt: number) => Promise<void>) | undefined;
  /**
   * How many incidents' newest known state to keep (known-snapshots.ts): a command on one of them
   * starts from it, without reading the store; a stale one only costs a failed append and a read.
   * Default 256; 0 reads before every command.
   */
  readonly knownIncidents?: number | undefined;
}

/** The commands of one incident waiting in this process. */
interface Lane {
  tail: Promise<unknown>;
}

export class IncidentService {
  private readonly lanes = new Map<string, Lane>();
  private readonly known: KnownSnapshots;

  constructor(
    private readonly store: IncidentStore,
    private readonly clock: Clock,
    private readonly options: ServiceOptions = {},
  ) {
    this.known = new KnownSnapshots(options.knownIncidents ?? 256);
  }

  async open(request: OpenRequest): Promise<CommandOutcome> {
    if (request.idempotencyKey) {
      const replay = await this.replay(request.idempotencyKey);
      if (replay) return replay;
    }
    const inputs = resolveInputs(request.runbook, request.inputs);
    checkShownText('service', request.service);
    checkShownText('title', request.title);
    const now = this.clock.now();
    const cause = request.cause ?? causeOf(request.runbook, inputs);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const number = await this.store.nextIncidentNumber(now.getUTCFullYear());
      const id = formatIncidentId(now.getUTCFullYear(), number);
      const event: TimelineEvent = {
        seq: 1,
        incidentId: id,
        at: now.toISOString(),
        actor: request.commander,
        type: 'incident.opened',
        data: {
          title: request.title ?? request.runbook.metadata.title,
          runbookId: request.runbook.metadata.id,
          runbookVersion: request.runbookVersion,
          service: request.service,
          inputs,
          severity: request.severity ?? request.runbook.metadata.severity,
          commander: request.commander,
          steps: planSteps(request.runbook),
          ...(request.trigger ? { trigger: request.trigger } : {}),
          ...(cause ? { cause } : {}),
        },
      };
      const incident = apply(undefined, event);
      if (await this.store.append(id, 0, [event], incident, request.idempotencyKey)) {
        this.known.remember(incident);
        return { incident, events: [event], replayed: false };
      }
      if (request.idempotencyKey) {
        const replay = await this.replay(request.idempotencyKey);
        if (replay) return replay;
      }
    }
    throw new GcIncidentError('CONFLICT', 'could not allocate an incident id; try again');
  }

  /** The latest incident of a cause (the store's own query), any status. */
  latestOfCause(cause: string): Promise<Incident | undefined> {
    return this.store.findByCause(cause);
  }

  /** The runbook's incidents with a cause opened since then (src/core/alerts/fleet.ts). */
  recentCauses(runbookId: string, since: Date, limit: number) {
    return this.store.recentCauses(runbookId, since, limit);
  }

  async get(incidentId: string): Promise<Incident> {
    const incident = await this.store.load(incidentId);
    if (!incident) throw notFound(incidentId);
    return incident;
  }

  /**
   * `current`: the incident as the caller just loaded it. The first attempt decides on it, or on
   * the newer state this service last wrote or read, without reading the store; the append then
   * checks both the version and the idempotency key, and when it fails (a newer version, or a key
   * already used) the command reads the store, which tells which, and decides again. After
   * OPTIMISTIC_ATTEMPTS tries (the first on the known state counts even when the stored state
   * must then refuse it) it decides once more holding the incident's write lock, which cannot lose
   * a race; it can still fail as the store can (STORE_UNAVAILABLE, or CONFLICT when the lock's
   * holder has not finished in 5 s on PostgreSQL).
   */
  async execute(incidentId: string, command: IncidentCommand, current?: Incident): Promise<CommandOutcome> {
    // One command at a time per incident in this process: concurrent ones (a storm joining one
    // fleet incident) would otherwise race each other's version checks and end up taking the
    // write lock one by one. In a lane, each starts from the state the one before it wrote.
    const lane = this.lanes.get(incidentId) ?? { tail: Promise.resolve() };
    this.lanes.set(incidentId, lane);
    const run = lane.tail.then(() => {
      const known = this.known.get(incidentId);
      const given = current?.id === incidentId ? current : undefined;
      const start = known && (!given || known.version > given.version) ? known : given;
      return this.executeNow(incidentId, command, start);
    });
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    lane.tail = tail;
    void tail.then(() => {
      if (lane.tail === tail) this.lanes.delete(incidentId);
    });
    return run;
  }

  private async executeNow(
    incidentId: string,
    command: IncidentCommand,
    current: Incident | undefined,
  ): Promise<CommandOutcome> {
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      // Optimistic: no read. A key used before makes the append fail, and the read then replays it.
      const given = attempt === 0 ? current : undefined;
      let incident: Incident;
      if (given) {
        incident = given;
      } else {
        // The incident and the key's earlier outcome in one read (one round trip on PostgreSQL).
        const read = await this.store.loadForCommand(incidentId, command.idempotencyKey);
        if (read.replay) return this.replayed(read.replay);
        if (!read.incident) throw notFound(incidentId);
        incident = read.incident;
        this.known.remember(incident);
      }
      let pending: PendingEvent[];
      try {
        pending = decide(incident, command);
      } catch (error) {
        // The copy may be older than the store's (or the key used): refusals are decided on the stored one.
        if (given) continue;
        throw error;
      }
      if (pending.length === 0 && given) continue;
      if (pending.length === 0) return { incident, events: [], replayed: false };
      const events = this.stamp(incident, pending, command.actor);
      const next = events.reduce<Incident>((state, e) => apply(state, e), incident);
      if (await this.store.append(incidentId, incident.version, events, next, command.idempotencyKey)) {
        this.known.remember(next);
        return { incident: next, events, replayed: false };
      }
      // Someone else changed the incident (or used the same key) meanwhile: the next read tells.
      // A start that was not read may just be stale, so the read follows at once.
      // The locked attempt after the last one needs no backoff: it waits for the lock instead.
      if (!given && attempt < OPTIMISTIC_ATTEMPTS - 1) await this.options.retryDelay?.(attempt);
    }
    return this.executeLocked(incidentId, command);
  }

  /** The command decided and appended under the incident's write lock: it cannot lose a race. */
  private async executeLocked(incidentId: string, command: IncidentCommand): Promise<CommandOutcome> {
    let replay: StoredResponse | undefined;
    let outcome: CommandOutcome | undefined;
    await this.store.commandLocked(incidentId, command.idempotencyKey, (read) => {
      if (read.replay) {
        replay = read.replay;
        return undefined;
      }
      if (!read.incident) throw notFound(incidentId);
      const pending = decide(read.incident, command);
      if (pending.length === 0) {
        outcome = { incident: read.incident, events: [], replayed: false };
        return undefined;
      }
      const events = this.stamp(read.incident, pending, command.actor);
      const next = events.reduce<Incident>((state, e) => apply(state, e), read.incident);
      outcome = { incident: next, events, replayed: false };
      return { events, snapshot: next };
    });
    if (replay) return this.replayed(replay);
    if (!outcome) throw new Error('a locked command ended with neither an outcome nor a replay');
    this.known.remember(outcome.incident);
    return outcome;
  }

  private stamp(incident: Incident, pending: readonly PendingEvent[], actor: Actor): TimelineEvent[] {
    const at = this.clock.now().toISOString();
    return pending.map((p, i) => ({
      seq: incident.version + i + 1,
      incidentId: incident.id,
      at,
      actor,
      type: p.type,
      data: p.data,
    }));
  }

  private async replay(key: string): Promise<CommandOutcome | undefined> {
    const stored = await this.store.findIdempotent(key);
    return stored ? this.replayed(stored) : undefined;
  }

  private async replayed(stored: StoredResponse): Promise<CommandOutcome> {
    const incident = await this.get(stored.incidentId);
    const timeline = await this.store.timeline(stored.incidentId);
    const seqs = new Set(stored.seqs);
    return { incident, events: timeline.filter((e) => seqs.has(e.seq)), replayed: true };
  }
}

function notFound(incidentId: string): GcIncidentError {
  return new GcIncidentError(
    'INCIDENT_NOT_FOUND',
    `no incident ${incidentId} (list them with 'gc-incident incidents')`,
    {
      incidentId,
    },
  );
}
