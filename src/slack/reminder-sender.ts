/**
 * Delivers due follow-up reminders, exactly once across replicas: each tick
 * claims due rows with a lease, posts to the owner (direct message) and the
 * incident's thread, records each post before marking the row sent, and
 * schedules the next reminder of an item that is still overdue. A claim whose
 * process died is taken again after its lease; what was already posted (and
 * recorded) is not posted again.
 */
import type { Logger } from 'pino';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import { nextOverdueReminder } from '../core/followups/plan.js';
import type {
  ClaimedReminder,
  Clock,
  IncidentStore,
  ReminderDelivery,
  ReminderStore,
} from '../core/ports.js';
import { reminderMessage } from './blocks/followups.js';
import { describeError } from './error-text.js';
import { ARCHIVE_ITEM } from './flow/incident-channel.js';
import type { SlackGateway } from './gateway.js';

export interface ReminderSenderDeps {
  readonly store: IncidentStore & ReminderStore;
  readonly slack: SlackGateway;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly appMetrics?: AppMetrics | undefined;
  /** Who holds a claim: host and pid, unique per process. */
  readonly claimant: string;
  readonly leaseMs?: number | undefined;
  readonly batch?: number | undefined;
  /** Tests only: called between steps to simulate a crash at that point. */
  readonly crashPoint?: ((point: 'claimed' | 'dm-sent' | 'recorded') => void) | undefined;
  /** Archives a closed incident's channel (rows with itemId ARCHIVE_ITEM); throws to be retried. */
  readonly archive?: ((incidentId: string) => Promise<void>) | undefined;
}

export class ReminderSender {
  constructor(private readonly deps: ReminderSenderDeps) {}

  /** Claims and delivers until nothing is due; returns how many reminders were sent. */
  async tick(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.deps.store.claimDueReminders(
        this.deps.clock.now(),
        this.deps.claimant,
        this.deps.leaseMs ?? 5 * 60_000,
        this.deps.batch ?? 50,
      );
      if (claimed.length === 0) return sent;
      this.deps.crashPoint?.('claimed');
      // Several reminders of one item due at once (the app was down, or a runbook's offsets
      // passed together) make one message: the first is delivered, the others closed silently.
      const seen = new Set<string>();
      for (const reminder of claimed) {
        const item = `${reminder.incidentId}/${reminder.itemId}`;
        if (seen.has(item)) {
          await this.deps.store.markSent(reminder.id, this.deps.claimant, this.deps.clock.now());
          continue;
        }
        seen.add(item);
        try {
          if (await this.deliver(reminder)) sent += 1;
        } catch (error) {
          // Left claimed: another tick (here or on a replica) retries it when the lease ends.
          this.deps.logger.warn(
            { reminder: reminder.id, err: describeError(error) },
            'reminder not delivered; retried after its lease',
          );
        }
      }
    }
  }

  private async deliver(reminder: ClaimedReminder): Promise<boolean> {
    const { store, slack, claimant } = this.deps;
    const now = this.deps.clock.now();
    // Not a follow-up: the archive of a closed incident's channel, durable like any reminder.
    if (reminder.itemId === ARCHIVE_ITEM) {
      await this.deps.archive?.(reminder.incidentId);
      return store.markSent(reminder.id, claimant, now);
    }
    const incident = await store.load(reminder.incidentId);
    const item = incident?.followUps.find((f) => f.id === reminder.itemId);
    if (
      !incident ||
      !item ||
      item.status !== 'open' ||
      (item.snoozedUntil && Date.parse(item.snoozedUntil) > now.getTime())
    ) {
      // Nothing to remind any more: close the row without posting.
      await store.markSent(reminder.id, claimant, now);
      return false;
    }
    const message = reminderMessage(incident, item, now);
    const delivery: { dm?: ReminderDelivery['dm']; thread?: ReminderDelivery['thread'] } = {
      ...reminder.delivery,
    };
    // A reminder claimed before (its process died, or Slack failed) may have been posted
    // without being recorded: look for it before posting again.
    const lookup = reminder.attempts > 1;
    if (!delivery.dm && /^[UW][A-Z0-9]+$/.test(item.owner)) {
      delivery.dm = await slack.dm(item.owner, message, { key: `reminder:${reminder.id}:dm`, lookup });
      this.deps.crashPoint?.('dm-sent');
      if (!(await store.recordDelivery(reminder.id, claimant, delivery))) return false;
    }
    if (!delivery.thread && incident.card) {
      delivery.thread = await slack.post(incident.card.channel, message, incident.card.ts, {
        key: `reminder:${reminder.id}:thread`,
        lookup,
      });
      if (!(await store.recordDelivery(reminder.id, claimant, delivery))) return false;
    }
    this.deps.crashPoint?.('recorded');
    if (!(await store.markSent(reminder.id, claimant, now))) return false;
    this.deps.appMetrics?.remindersSent.inc();
    const next = nextOverdueReminder(incident, item, now);
    if (next) await store.scheduleReminder(next);
    return true;
  }
}
