import { describe, expect, it } from 'vitest';
import { createAppMetrics } from '../../src/adapters/observability/app-metrics.js';

describe('the app metrics registry', () => {
  it("exports Node's default metrics under their standard names and the app's under gc_incident_", async () => {
    const metrics = createAppMetrics();
    metrics.remindersSent.inc();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^gc_incident_reminders_sent_total 1$/m);
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1] ?? '');
    expect(
      names.filter((n) => n.startsWith('gc_incident_process_') || n.startsWith('gc_incident_nodejs_')),
    ).toEqual([]);
    const foreign = names.filter((n) => !/^(gc_incident_|process_|nodejs_)/.test(n));
    expect(foreign).toEqual([]);
  });
});
