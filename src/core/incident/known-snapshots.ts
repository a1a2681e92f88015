/**
 * The newest state of recently commanded incidents that this service wrote or
 * read itself, so a command can start from it instead of reading the store
 * (a PostgreSQL command is then one round trip: the append). It may be stale
 * (another replica or process wrote since): the append's version check then
 * fails and the command reads the store and decides again, so a stale entry
 * costs one failed write. What the service read or wrote last always replaces
 * the entry (a read is the store's word, even at a lower version), so a store
 * that went back in time (a restore, an asynchronous standby's failover that
 * lost acknowledged commits) heals at the first failed append. The one case
 * the version check cannot see: other writers bring such an incident back to
 * exactly the version this entry holds before this service writes again.
 * Bounded: the least recently used incident is forgotten first.
 */
import type { Incident } from './model.js';

export class KnownSnapshots {
  private readonly entries = new Map<string, Incident>();

  constructor(private readonly capacity: number) {}

  get(id: string): Incident | undefined {
    const known = this.entries.get(id);
    if (known) {
      this.entries.delete(id);
      this.entries.set(id, known);
    }
    return known;
  }

  /**
   * Keeps `incident` as the latest state known, whatever was known before: commands on one
   * incident take turns in the service, so what it read or wrote last is the newest it saw.
   */
  remember(incident: Incident): void {
    if (this.capacity <= 0) return;
    this.entries.delete(incident.id);
    this.entries.set(incident.id, incident);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
