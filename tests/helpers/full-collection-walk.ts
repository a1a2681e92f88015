/**
 * The shipped gc-full-collection-latency runbook walked through Slack from start to follow-up:
 * the real app on loopback, the fake Web API, a fake Prometheus answering each query with a
 * figure chosen here (values that read badly when printed raw: a ratio, 3.3 GB of memory, 2 MB
 * a minute), and a stepping clock so verification's 15 minutes take no real time. Every step is
 * run, done or skipped as an on-call engineer would; the test reads what Slack was sent.
 */
import { steppingClock } from './engine.js';
import { type FakePrometheus, type PromAnswer, startFakePrometheus } from './fake-prometheus.js';
import { BOB, SlackHarness } from './slack-app.js';

export const FULL_COLLECTION = 'gc-full-collection-latency';
export const PHASES = 5;

/** What each query answers: detection and triage see the incident, verification sees it fixed. */
function answerFor(fixed: () => boolean) {
  return (query: string): PromAnswer => {
    const one = (value: number, labels: Record<string, string> = { job: 'app' }) => ({
      vector: [{ labels, value }],
    });
    if (query.includes('python_gc_pause_seconds_bucket') && query.includes('/ 0.01'))
      // The p99 pause over its 10 ms limit (32 ms: 3.2), then back under it (4 ms: 0.4).
      return one(fixed() ? 0.4 : 3.2);
    if (query.includes('python_gc_collections_total') && query.includes('/ 0.01')) return one(0.5);
    if (query.startsWith('max(process_resident_memory_bytes')) return one(3_300_000_000);
    if (query.includes('deriv(process_resident_memory_bytes')) return one(fixed() ? 20_000 : 2_200_000);
    if (query.includes('generation="0"')) return one(12.4);
    if (query.startsWith('count(count by (version)')) return one(1);
    if (query.startsWith('python_info'))
      return { vector: [{ labels: { job: 'app', instance: 'a:8000', version: '3.12.7' }, value: 1 }] };
    if (query.includes('python_gc_objects_collected_total')) return one(1520);
    if (query.includes('histogram_quantile')) return one(0.032, { generation: '2' });
    if (query.includes('python_gc_collections_total')) return one(0.7, { generation: '2' });
    return { vector: [] };
  };
}

export interface WalkedIncident {
  readonly h: SlackHarness;
  readonly prometheus: FakePrometheus;
  readonly id: string;
}

/** Opens the incident and walks it to follow-up; the caller stops `h` and `prometheus`. */
export async function walkFullCollection(): Promise<WalkedIncident> {
  let fixed = false;
  const prometheus = await startFakePrometheus((q) => {
    const answer = answerFor(() => fixed)(q.query);
    if (!q.path.endsWith('query_range') || !('vector' in answer)) return answer;
    // A range query (a check's `for:`, a chart): the same value at every step of the range.
    const start = Number(q.params.get('start'));
    const end = Number(q.params.get('end'));
    const step = Math.max(1, Number.parseFloat(q.params.get('step') ?? '60'));
    const times: number[] = [];
    for (let t = start; t <= end && times.length < 500; t += step) times.push(t);
    return {
      matrix: answer.vector.map((s) => ({ labels: s.labels, points: times.map((t) => [t, s.value]) })),
    };
  });
  const { clock, sleep } = steppingClock(Date.parse('2026-12-06T17:50:00.000Z'));
  const h = await SlackHarness.start({ clock, sleep, env: { PROMETHEUS_URL: prometheus.url } });
  await h.slash(`start ${FULL_COLLECTION} job=app`);
  const { id } = await h.latestIncident();
  const load = async () => {
    const incident = await h.store.load(id);
    if (!incident) throw new Error(`${id} not found`);
    return incident;
  };
  const key = (what: string) => `walk:${id}:${what}`;
  for (let n = 0; n < PHASES; n++) {
    const incident = await load();
    clock.advance(60_000);
    for (const step of incident.steps.filter(
      (s) => s.phase === incident.phase && (s.status === 'pending' || s.status === 'failed'),
    )) {
      if (step.kind === 'query') await h.flow.runStep(id, step.id, { id: BOB }, key(step.id));
      else if (step.kind === 'manual' || step.kind === 'command')
        await h.flow.done(id, step.id, { id: BOB }, key(step.id));
      else if (step.kind !== 'check')
        await h.flow.skip(id, step.id, { id: BOB }, 'not in this walk', key(step.id));
    }
    await h.settle();
    if (incident.phase === 'containment') {
      await h.flow.setStatus(id, 'mitigated', { id: BOB }, key('mitigated'));
      fixed = true;
    }
    if (incident.phase === 'verification')
      await h.flow.setStatus(id, 'resolved', { id: BOB }, key('resolved'));
    if (incident.phase === 'follow-up') break;
    await h.flow.advance(id, { id: BOB }, key(`advance-${n}`));
    await h.settle();
  }
  return { h, prometheus, id };
}
