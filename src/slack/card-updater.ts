/**
 * Keeps each incident card current. Updates for one incident are serialised and
 * coalesced, and always render the latest stored state, so a slow update can
 * never overwrite a newer one.
 */
import type { Logger } from 'pino';
import type { Incident } from '../core/incident/model.js';
import type { IncidentStore } from '../core/ports.js';
import { type CardContext, incidentCard } from './blocks/card.js';
import type { SlackGateway } from './gateway.js';

export class CardUpdater {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();

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

  refresh(incidentId: string): Promise<void> {
    if (this.queued.has(incidentId)) return this.chains.get(incidentId) ?? Promise.resolve();
    this.queued.add(incidentId);
    const previous = this.chains.get(incidentId) ?? Promise.resolve();
    const next = previous.then(async () => {
      this.queued.delete(incidentId);
      const incident = await this.store.load(incidentId);
      if (!incident?.card) return;
      try {
        await this.slack.update(incident.card.channel, incident.card.ts, this.render(incident));
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
}
