/**
 * Keeps each incident card current. Updates for one incident are serialised and
 * coalesced, and never draw an older state than the card already shows, so a slow
 * update can never overwrite a newer one. A caller that has the incident as its
 * command left it passes it in: the card is drawn from it, with no second load.
 */
import type { Logger } from 'pino';
import type { Incident } from '../core/incident/model.js';
import type { IncidentStore } from '../core/ports.js';
import { type CardContext, incidentCard } from './blocks/card.js';
import type { SlackGateway } from './gateway.js';

/** A queued redraw whose caller did not say the state: it loads the stored one. */
const LOAD = 'load';

export class CardUpdater {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  /** What each queued redraw draws: the newest state handed in, or LOAD. */
  private readonly next = new Map<string, Incident | typeof LOAD>();
  /** The version each card shows (drawn by this process). */
  private readonly shown = new Map<string, number>();

  constructor(
    private readonly store: IncidentStore,
    private readonly slack: SlackGateway,
    private readonly logger: Logger,
    private readonly runnable: (incident: Incident) => ReadonlySet<string>,
    /** The runbook, links and time the card shows; without it, the card shows the incident alone. */
    private readonly context: (incident: Incident) => CardContext = () => ({}),
  ) {}

  render(incident: Incident) {
    return incidentCard(incident, this.runnable(incident), this.context(incident));
  }

  /** Redraws the card; `known`: the incident as the caller's command left it (else it is loaded). */
  refresh(incidentId: string, known?: Incident): Promise<void> {
    this.remember(incidentId, known);
    if (this.queued.has(incidentId)) return this.chains.get(incidentId) ?? Promise.resolve();
    this.queued.add(incidentId);
    const previous = this.chains.get(incidentId) ?? Promise.resolve();
    const next = previous.then(async () => {
      this.queued.delete(incidentId);
      const given = this.next.get(incidentId);
      this.next.delete(incidentId);
      // A state from before the card was recorded cannot draw it: the stored one may.
      const incident = given !== LOAD && given?.card ? given : await this.store.load(incidentId);
      if (!incident?.card) return;
      if (incident.version < (this.shown.get(incidentId) ?? 0)) return;
      this.shown.set(incidentId, incident.version);
      try {
        await this.slack.update(incident.card.channel, incident.card.ts, this.render(incident), {
          incidentId,
        });
      } catch (error) {
        this.logger.warn({ incidentId, err: String(error) }, 'could not update the incident card');
      }
    });
    const settled = next.finally(() => {
      if (this.chains.get(incidentId) === settled) this.chains.delete(incidentId);
    });
    this.chains.set(incidentId, settled);
    return settled;
  }

  private remember(incidentId: string, known: Incident | undefined): void {
    const queued = this.next.get(incidentId);
    if (queued === LOAD) return;
    if (!known) this.next.set(incidentId, LOAD);
    else if (!queued || known.version >= queued.version) this.next.set(incidentId, known);
  }
}
