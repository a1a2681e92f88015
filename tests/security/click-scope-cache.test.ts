/**
 * The click scope remembers where an incident lives, but not before it lives anywhere: a click
 * made before the card existed must not let a later click from the wrong channel through.
 */
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/core/incident/model.js';
import { IncidentHomes } from '../../src/slack/click-scope.js';

const ID = 'GC-2026-0001';

describe('click scope, before and after the card exists', () => {
  it('reads the incident again until it has a card, then refuses clicks from elsewhere', async () => {
    let incident = { id: ID } as unknown as Incident;
    let reads = 0;
    const homes = new IncidentHomes(async () => {
      reads += 1;
      return incident;
    });
    // No card yet: nothing to compare, the click goes on.
    expect(await homes.check({ incidentId: ID, channel: 'C0ELSEWHERE', followUp: false })).toBeUndefined();
    // The card is posted in C0HOME.
    incident = { id: ID, card: { channel: 'C0HOME', ts: '1.000001' } } as unknown as Incident;
    const refusal = await homes.check({ incidentId: ID, channel: 'C0ELSEWHERE', followUp: false });
    expect(refusal).toContain('lives in <#C0HOME>');
    expect(reads).toBe(2);
    // Its own card: allowed, and from memory now.
    expect(
      await homes.check({ incidentId: ID, channel: 'C0HOME', messageTs: '1.000001', followUp: false }),
    ).toBeUndefined();
    expect(reads).toBe(2);
  });
});
