/**
 * A fitted workload as a normal workload file, with its provenance and the
 * fit's quality in comments, and the fit as text or JSON for the terminal.
 */
import { stringify } from 'yaml';
import type { FitResult, RateFit } from './fit-workload.js';
import type { GcObservations } from './observations.js';

const pct = (q: RateFit) =>
  q.errorPercent === undefined ? 'n/a' : `${q.errorPercent >= 0 ? '+' : ''}${q.errorPercent.toFixed(1)} %`;
const rate = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));

/** A full-collection rate too rare for the simulated stretch (full-rate.ts): not a simulated count. */
const PROJECTED = "projected from the collector's rule";

export function qualityLines(fit: FitResult): string[] {
  return fit.quality.map(
    (q) =>
      `${q.series} gen ${q.generation}: ${q.projected ? `${rate(q.fitted)}/s ${PROJECTED}` : `fitted ${rate(q.fitted)}/s`}, observed ${rate(q.observed)}/s (${pct(q)})`,
  );
}

/** One line for beside a what-if table. */
export function qualitySummary(fit: FitResult): string {
  const c = fit.quality.filter((q) => q.series === 'collections');
  return `fit quality: collections/s ${c.map((q) => `gen${q.generation} ${rate(q.fitted)} vs ${rate(q.observed)} (${pct(q)}${q.projected ? `; ${PROJECTED}` : ''})`).join(', ')}`;
}

/** " (of 900 s asked: the series begin later)" when the window was cut to the data. */
function cutNote(obs: GcObservations): string {
  return obs.requestedWindowSeconds !== undefined
    ? ` (of ${obs.requestedWindowSeconds} s asked: the series begin later)`
    : '';
}

export function renderFittedWorkload(fit: FitResult, obs: GcObservations): string {
  const header = [
    '# yaml-language-server: $schema=https://gc-incident.dev/schemas/workload.schema.json',
    `# Fitted by 'gc-incident fit' to job '${obs.job}' on datasource '${obs.datasource}'`,
    `# window: ${obs.windowSeconds} s ending ${obs.end.toISOString()}${cutNote(obs)}; ${obs.instances} process(es) averaged`,
    `# interpreter: ${obs.implementation ?? 'CPython'} ${obs.pythonVersion ?? '(from --python)'} -> model ${fit.python}`,
    '# source series:',
    ...obs.sources.map((s) => `#   ${s}`),
    '# fit quality (simulated vs observed, per second):',
    ...qualityLines(fit).map((l) => `#   ${l}`),
    ...fit.notes.map((n) => `# note: ${n}`),
    `# diagnosis: ${fit.diagnosis.title}: ${fit.diagnosis.evidence}`,
    ...(fit.diagnosis.runbook ? [`# runbook: ${fit.diagnosis.runbook}`] : []),
  ];
  return `${header.join('\n')}\n${stringify(fit.doc, { flowCollectionPadding: false })}`;
}

export function fitText(fit: FitResult, obs: GcObservations): string {
  const lines = [
    `Fitted job '${obs.job}' (${obs.implementation ?? 'CPython'} ${obs.pythonVersion ?? '?'}, model ${fit.python}, thresholds ${fit.thresholds.join('/')}) over ${obs.windowSeconds} s${cutNote(obs)}`,
    '',
    ...qualityLines(fit).map((l) => `  ${l}`),
    ...fit.notes.map((n) => `  note: ${n}`),
    '',
    `Diagnosis: ${fit.diagnosis.title} — ${fit.diagnosis.evidence}`,
    fit.diagnosis.runbook ? `Runbook: ${fit.diagnosis.runbook}` : 'Runbook: none needed',
  ];
  return `${lines.join('\n')}\n`;
}

export function fitJson(fit: FitResult, obs: GcObservations): unknown {
  return {
    job: obs.job,
    datasource: obs.datasource,
    windowSeconds: obs.windowSeconds,
    end: obs.end.toISOString(),
    python: { version: obs.pythonVersion, implementation: obs.implementation, model: fit.python },
    thresholds: fit.thresholds,
    observed: { collections: obs.collections, collected: obs.collected },
    quality: fit.quality,
    worstCollectionsErrorPercent: fit.worstCollectionsErrorPercent,
    diagnosis: fit.diagnosis,
    notes: fit.notes,
    sources: obs.sources,
    workload: fit.doc,
  };
}
