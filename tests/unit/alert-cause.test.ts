/** Identity by cause, pure: the key inputs, the cause's name, and what a firing alert does. */
import { describe, expect, it } from 'vitest';
import { planAlertGroup } from '../../src/core/alerts/alertmanager.js';
import { causeOf, decideFiring, incidentKeyInputs } from '../../src/core/alerts/cause.js';
import type { Incident } from '../../src/core/incident/model.js';
import type { Runbook } from '../../src/core/runbook/types.js';
import { shippedRunbook } from '../helpers/engine.js';
import { RUNBOOKS_DIR, readText, validateText } from '../helpers/runbooks.js';

const cyclic = shippedRunbook('gc-cyclic-garbage-growth');
const withKey = (runbook: Runbook, incidentKey: string[] | undefined): Runbook => ({
  ...runbook,
  metadata: { ...runbook.metadata, ...(incidentKey ? { incidentKey } : {}) },
  inputs: [
    ...(runbook.inputs ?? []),
    { name: 'pod', description: 'pod', type: 'string', sources: ['alert-label'], alertLabel: 'pod' },
  ],
});

describe('the cause of an alert', () => {
  it('is the runbook and `job` by default, or the inputs the runbook declares', () => {
    expect(incidentKeyInputs(cyclic)).toEqual(['job']);
    expect(causeOf(cyclic, { job: 'api', pod: 'p1' })).toBe('gc-cyclic-garbage-growth{job="api"}');
    const keyed = withKey(cyclic, ['pod', 'job']);
    expect(causeOf(keyed, { job: 'api', pod: 'p"1' })).toBe(
      'gc-cyclic-garbage-growth{job="api",pod="p\\"1"}',
    );
    // A key input without a value: no cause to match on.
    expect(causeOf(keyed, { job: 'api' })).toBeUndefined();
  });

  it('groups a notification by cause: several instances and alert names of one job are one plan', () => {
    const alert = (name: string, instance: string) => ({
      status: 'firing' as const,
      labels: { alertname: name, job: 'api', instance },
      annotations: {},
      startsAt: '2026-11-23T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: `${name}${instance}`,
    });
    const { plans } = planAlertGroup(
      {
        version: '4',
        groupKey: 'g',
        status: 'firing',
        receiver: 'r',
        truncatedAlerts: 0,
        externalURL: '',
        alerts: [alert('PythonGCUncollectableObjects', 'a'), alert('PythonMemoryGrowthWithCycles', 'b')],
      },
      [cyclic],
    );
    expect(plans.map((p) => [p.cause, p.alerts.length])).toEqual([
      ['gc-cyclic-garbage-growth{job="api"}', 2],
    ]);
  });

  it('a runbook naming an input that alerts do not fill as its key is refused, with where', () => {
    const text = readText(`${RUNBOOKS_DIR}/gc-cyclic-garbage-growth.yaml`).replace(
      '  tags: [memory, cycles, uncollectable]',
      '  tags: [memory, cycles, uncollectable]\n  incidentKey: [job, shard]',
    );
    const problems = validateText(text);
    expect(problems.map((p) => [p.rule, p.message])).toEqual([
      ['runbook/incident-key', "incidentKey names input 'shard', which is not declared (declared: job)"],
    ]);
  });
});

describe('what a firing alert does', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const incident = (status: Incident['status'], resolvedAt?: string) =>
    ({ id: 'GC-2026-0007', status, resolvedAt, updatedAt: '2026-11-23T11:59:00Z' }) as Incident;
  const cause = 'rb{job="api"}';
  it('opens when the cause has no incident, keyed by what it follows', () => {
    expect(decideFiring(cause, undefined, now, 3_600_000)).toEqual({
      kind: 'open',
      openKey: 'alertmanager:cause:rb{job="api"}:after:none',
    });
  });
  it('attaches to an open or mitigated incident', () => {
    expect(decideFiring(cause, incident('open'), now, 0).kind).toBe('attach');
    expect(decideFiring(cause, incident('mitigated'), now, 0).kind).toBe('attach');
  });
  it('relapses within the window after resolution, opens after it', () => {
    expect(decideFiring(cause, incident('resolved', '2026-11-23T11:30:00Z'), now, 3_600_000)).toMatchObject({
      kind: 'relapse',
      resolvedMsAgo: 1_800_000,
    });
    expect(decideFiring(cause, incident('closed', '2026-11-23T10:30:00Z'), now, 3_600_000)).toEqual({
      kind: 'open',
      openKey: 'alertmanager:cause:rb{job="api"}:after:GC-2026-0007',
    });
    expect(decideFiring(cause, incident('resolved', '2026-11-23T11:59:59Z'), now, 0).kind).toBe('open');
  });
});
