/** A runbook as an assistant reads it: inputs, then each phase with its steps and checks. */
import { formatMeasure } from '../core/checks/measure.js';
import type { Check, Runbook } from '../core/runbook/types.js';

interface OutlineCheck {
  id: string;
  title: string;
  query: string;
  condition: string;
  for?: string;
}

interface OutlineStep {
  id: string;
  kind: string;
  title: string;
  optional?: boolean;
  risk?: string;
  needsApproval?: boolean;
  whatIf?: string[] | string;
}

export interface RunbookOutline {
  id: string;
  title: string;
  summary: string;
  severity: string;
  file: string;
  inputs: { name: string; description: string; required: boolean; default?: string }[];
  phases: { phase: string; guidance?: string; steps: OutlineStep[]; checks: OutlineCheck[] }[];
}

const check = (c: Check): OutlineCheck => ({
  id: c.id,
  title: c.title,
  query: c.query,
  condition: `${c.reduce ?? 'any'} ${c.operator} ${formatMeasure(c.threshold, c.unit)}`,
  ...(c.for ? { for: c.for } : {}),
});

const guidance = (g: string | undefined) => (g ? { guidance: g } : {});

export function runbookOutline(runbook: Runbook, file: string): RunbookOutline {
  return {
    id: runbook.metadata.id,
    title: runbook.metadata.title,
    summary: runbook.metadata.summary,
    severity: runbook.metadata.severity,
    file,
    inputs: (runbook.inputs ?? []).map((i) => ({
      name: i.name,
      description: i.description,
      required: i.required === true,
      ...(i.default !== undefined ? { default: String(i.default) } : {}),
    })),
    phases: [
      {
        phase: 'detection',
        ...guidance(runbook.detection.guidance),
        steps: [],
        checks: runbook.detection.checks.map(check),
      },
      {
        phase: 'triage',
        ...guidance(runbook.triage.guidance),
        steps: runbook.triage.steps.map((s) => ({
          id: s.id,
          kind: s.kind,
          title: s.title,
          ...(s.optional ? { optional: true } : {}),
          ...(s.kind === 'simulate' && s.whatIf ? { whatIf: s.whatIf } : {}),
        })),
        checks: (runbook.triage.checks ?? []).map(check),
      },
      {
        phase: 'containment',
        ...guidance(runbook.containment.guidance),
        steps: runbook.containment.actions.map((a) => ({
          id: a.id,
          kind: a.kind,
          title: a.title,
          risk: a.risk,
          ...(a.confirmation?.required ? { needsApproval: true } : {}),
          ...(a.whatIf ? { whatIf: a.whatIf } : {}),
        })),
        checks: [],
      },
      {
        phase: 'verification',
        ...guidance(runbook.verification.guidance),
        steps: [],
        checks: runbook.verification.checks.map(check),
      },
      {
        phase: 'follow-up',
        ...guidance(runbook.followUp.guidance),
        steps: runbook.followUp.items.map((i) => ({ id: i.id, kind: i.type, title: i.title })),
        checks: [],
      },
    ],
  };
}

export function runbookOutlineText(o: RunbookOutline): string {
  const lines = [`${o.id}: ${o.title} (${o.severity})`, o.summary.trim(), ''];
  if (o.inputs.length > 0)
    lines.push(
      `inputs: ${o.inputs.map((i) => `${i.name}${i.required ? '' : '?'}${i.default ? `=${i.default}` : ''}`).join(', ')}`,
      '',
    );
  for (const p of o.phases) {
    lines.push(`${p.phase}:`);
    for (const c of p.checks)
      lines.push(`  check ${c.id}: ${c.query}  ${c.condition}${c.for ? ` for ${c.for}` : ''}`);
    for (const s of p.steps)
      lines.push(
        `  ${s.kind} ${s.id}: ${s.title}${s.risk ? ` (risk ${s.risk}${s.needsApproval ? ', needs approval' : ''})` : ''}${s.whatIf ? ` [what-if ${[s.whatIf].flat().join(', ')}]` : ''}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
