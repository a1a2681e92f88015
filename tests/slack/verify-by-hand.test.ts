/**
 * Prometheus down, in Slack (the real Bolt app on loopback, the fake Web API; "down" is a
 * closed port): the outage is said once, Skip metric steps is on the card's banner, and
 * verification closes only by a person saying how (an empty note is refused in the modal).
 */
import { type AddressInfo, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/core/incident/model.js';
import { ACTION } from '../../src/slack/ids.js';
import { buttonsOf, SlackHarness, until } from '../helpers/slack-app.js';

/** A loopback port nothing listens on: bound once, then closed (Prometheus "down"). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Prometheus down in Slack', () => {
  it('one outage message, the banner leads, and verified by hand needs a note', async () => {
    h = await SlackHarness.start({ env: { PROMETHEUS_URL: `http://127.0.0.1:${await closedPort()}` } });
    const harness = h;
    await harness.slash('start gc-thrash-allocation-churn job=app window=1m');
    const { id } = await harness.latestIncident();
    const load = async () => (await harness.store.load(id)) as Incident;
    const asking = (await harness.thread(id)).filter((m) =>
      buttonsOf(m).some((b) => b.text === 'Skip metric steps'),
    );
    expect(asking).toHaveLength(1);
    await harness.click(ACTION.skipMetrics, `${id}|default`);
    let incident = await load();
    expect(incident.outages).toHaveLength(1);
    for (const step of incident.steps.filter((s) => s.kind === 'check' || s.kind === 'query'))
      expect(step.skippedForOutage, step.id).toBe('default');
    for (const phase of ['triage', 'containment', 'verification'] as const) {
      await harness.click(ACTION.advance, id);
      incident = await load();
      expect(incident.phase).toBe(phase);
      for (const step of incident.steps.filter((s) => s.phase === phase && s.status === 'pending')) {
        if (step.kind === 'simulate' || step.kind === 'diagnose') continue;
        const click = await harness.click(ACTION.skip, `${id}|${step.id}`);
        await until(() =>
          harness.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId),
        );
        const view = harness.api.views.at(-1);
        await harness.submit(view?.view as Record<string, unknown>, view?.id as string, {
          reason: { value: { type: 'plain_text_input', value: 'not needed in this test' } },
        });
      }
      if (phase === 'triage')
        for (const s of (await load()).steps.filter((x) => x.phase === 'triage' && x.status === 'pending'))
          await harness.click(ACTION.run, `${id}|${s.id}`);
    }
    // Still one outage message in the whole thread.
    const thread = await harness.thread(id);
    expect(thread.filter((m) => buttonsOf(m).some((b) => b.text === 'Skip metric steps'))).toHaveLength(1);
    const click = await harness.click(ACTION.verifyByHand, id);
    await until(() => harness.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
    const view = harness.api.views.at(-1);
    const refused = await harness.submit(view?.view as Record<string, unknown>, view?.id as string, {
      note: { value: { type: 'plain_text_input', value: '   ' } },
    });
    expect(JSON.stringify(refused)).toContain('Say how you verified it');
    expect((await load()).verifiedByHand).toBeUndefined();
    await harness.submit(view?.view as Record<string, unknown>, view?.id as string, {
      note: { value: { type: 'plain_text_input', value: 'checked in Grafana: 8/s' } },
    });
    incident = await until(async () => {
      const i = await load();
      return i.verifiedByHand ? i : undefined;
    });
    expect(incident.verifiedByHand).toMatchObject({ note: 'checked in Grafana: 8/s' });
    const said = JSON.stringify(await harness.thread(id));
    expect(said).toContain('verified by hand');
    // Show all steps: every step, phase by phase, in a modal.
    const all = await harness.click(ACTION.showSteps, id);
    const opened = await until(() =>
      harness.api.callsOf('views.open').find((c) => c.body.trigger_id === all.triggerId),
    );
    for (const step of incident.steps) expect(JSON.stringify(opened.body)).toContain(step.title.slice(0, 30));
  }, 120_000);
});
