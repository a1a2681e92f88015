/**
 * The thread's "metric steps skipped" line escapes what it quotes: the runbook's step titles,
 * the datasource name and the backend's error, so none can notify the channel or fake a link.
 */
import { describe, expect, it } from 'vitest';
import type { StepState } from '../../src/core/incident/model.js';
import { planSteps } from '../../src/core/incident/plan.js';
import { metricStepsSkippedMessage } from '../../src/slack/blocks/metrics-unavailable.js';
import { escapeFallbackText } from '../../src/slack/escape-mrkdwn.js';
import { shippedRunbook } from '../helpers/engine.js';

describe('the metric steps skipped line', () => {
  it('escapes step titles, the datasource and the error; keeps the titles bold', () => {
    const steps = planSteps(shippedRunbook('gc-thrash-allocation-churn')).slice(0, 2);
    const hostile = [
      { ...steps[0], title: '<!here> Gen0 rate & <https://evil.example|click>' },
      { ...steps[1], title: 'Pauses <@U0BOSS0001>' },
    ] as StepState[];
    const message = metricStepsSkippedMessage(hostile, 'prom<!channel>', 'connect ECONNREFUSED <x>');
    const section = JSON.stringify(message.blocks);
    expect(section).toContain(
      "2 metric step(s) skipped (datasource 'prom&lt;!channel&gt;' unavailable: connect ECONNREFUSED &lt;x&gt;): *&lt;!here&gt; Gen0 rate &amp; &lt;https://evil.example|click&gt;*, *Pauses &lt;@U0BOSS0001&gt;*",
    );
    for (const live of ['<!here>', '<!channel>', '<@U0BOSS0001>', '<https://'])
      expect(section).not.toContain(live);
    // The notification text, as every post leaves, has no live mention either.
    expect(escapeFallbackText(message.text)).not.toMatch(/<[!@h]/);
  });
});
