/**
 * The what-if chart of a shipped runbook's simulate step, rendered as the Slack app does (in a
 * worker thread): a PNG sharp when opened and legible at Slack's inline preview size.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderPngInWorker, renderSvgInWorker } from '../../src/adapters/charts/render-in-worker.js';
import { simulateRunbookStep } from '../../src/adapters/simulator/runbook-step.js';
import type { SimulateStep } from '../../src/core/runbook/types.js';
import { simulationChartSpec } from '../../src/core/simulator/chart-spec.js';
import { chosenVariant } from '../../src/core/simulator/decision-chart-spec.js';
import { shippedRunbook } from '../helpers/engine.js';
import { pngSize, previewScale } from '../helpers/png.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const RUNBOOK = 'gc-thrash-allocation-churn';
const step = shippedRunbook(RUNBOOK).triage.steps.find((s) => s.kind === 'simulate') as SimulateStep;
const { results } = simulateRunbookStep(step, join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`));
const context = { objective: step.objective };
const spec = simulationChartSpec(results, step.title, context);

it('renders to a PNG at twice its size that Slack previews at 80 % or more', async () => {
  expect(results.length).toBeGreaterThan(2);
  const size = pngSize(await renderPngInWorker(spec));
  expect(size.width).toBeGreaterThanOrEqual(1200);
  // Text drawn at 12-13 px stays at 10 px or more in the preview.
  expect(previewScale(size)).toBeGreaterThanOrEqual(0.8);
}, 60_000);

it('draws every variant, the chosen one marked, with units on both axes', async () => {
  const svg = await renderSvgInWorker(spec);
  const chosen = chosenVariant(results, context);
  expect(chosen).toBeDefined();
  for (const { label } of results) expect(svg).toContain(label === chosen ? `✔ ${label}` : label);
  // The subtitle names the chosen variant and what it does to the runbook's objective (GC time).
  expect(svg).toMatch(new RegExp(`✔ ${chosen}: GC time [0-9.]+ → [0-9.]+ ms/s`));
  expect(svg).toContain('pause per collection (ms, log scale)');
  expect(svg).toContain('GC time (ms per second)');
  expect(svg).toMatch(/p99 [0-9.]+ ms · (max|next full) [0-9.,]+ ms/);
}, 60_000);
