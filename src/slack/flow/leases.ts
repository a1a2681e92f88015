/**
 * Steps and cards held under this process's lease while it works on them: if the process
 * dies meanwhile, another replica finds the lease expired and takes the work over
 * (interrupted steps fail with the reason; a card not posted yet is posted).
 */
import type { Logger } from 'pino';
import type { WorkLeases } from '../../adapters/leases/work-leases.js';
import type { Incident, Phase } from '../../core/incident/model.js';
import { describeError } from '../error-text.js';
import type { SlackUser } from './deps.js';

/** The lease kind of running steps (see interrupted.ts). */
export const STEPS_LEASE = 'steps';
/** The lease kind of an incident card being posted (see finishCard in open-incident.ts). */
export const CARD_LEASE = 'card';

export class FlowLeases {
  constructor(
    private readonly leases: WorkLeases | undefined,
    private readonly logger: Logger,
  ) {}

  /** Holds steps about to run, before they are marked running; undefined without leases. */
  async holdSteps(
    incidentId: string,
    stepIds: readonly string[],
    user: SlackUser,
  ): Promise<string | undefined> {
    if (!this.leases) return undefined;
    const key = this.leases.newKey(`steps:${incidentId}`);
    await this.leases.hold({
      key,
      kind: STEPS_LEASE,
      body: JSON.stringify({ incidentId, stepIds, actor: user.id }),
    });
    return key;
  }

  /** The lease on posting an incident's card; false when another process is posting it now. */
  async holdCard(incidentId: string, channel: string, user: SlackUser): Promise<string | undefined | false> {
    if (!this.leases) return undefined;
    const key = `card:${incidentId}`;
    const held = await this.leases.hold({
      key,
      kind: CARD_LEASE,
      body: JSON.stringify({ incidentId, channel, user: user.id }),
    });
    return held ? key : false;
  }

  async release(key: string | undefined): Promise<void> {
    if (!key) return;
    await this.leases
      ?.release(key)
      .catch((error) =>
        this.logger.warn({ key, err: describeError(error) }, 'lease not released; it expires'),
      );
  }

  /** Runs `work` with `stepIds` held (no lease for no steps, unless `evenIfNone`). */
  async withSteps<T>(
    incidentId: string,
    stepIds: readonly string[],
    user: SlackUser,
    work: () => Promise<T>,
    evenIfNone = false,
  ): Promise<T> {
    const lease =
      stepIds.length > 0 || evenIfNone ? await this.holdSteps(incidentId, stepIds, user) : undefined;
    try {
      return await work();
    } finally {
      await this.release(lease);
    }
  }
}

/** A phase's checks not done yet: what runs when the phase begins (held under a lease meanwhile). */
export function openChecks(incident: Incident, phase: Phase): string[] {
  return incident.steps
    .filter(
      (s) => s.phase === phase && s.kind === 'check' && (s.status === 'pending' || s.status === 'failed'),
    )
    .map((s) => s.id);
}
