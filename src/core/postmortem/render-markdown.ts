/** The postmortem as Markdown, to commit next to the service. */
import { formatSpan } from '../duration.js';
import { roleLabel } from '../incident/decide-roles.js';
import { escapeMarkdownBlock, escapeMarkdownInline } from '../text/escape-markdown.js';
import type { CheckEvidence, Postmortem } from './model.js';
import {
  curatedTimeline,
  humaniseTimes,
  impactWindow,
  personName,
  type Readers,
  statusWithEvidence,
  teamTime,
} from './readable.js';

/** A cell value: user text (escaped), or Markdown this renderer wrote itself. */
type Cell = string | number | null | undefined | { readonly markdown: string };

const cell = (value: Cell) =>
  value === null || value === undefined || value === ''
    ? '—'
    : typeof value === 'object'
      ? value.markdown
      : escapeMarkdownInline(String(value));

function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  if (rows.length === 0) return '_None._\n';
  return (
    [
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

const prompt = (what: string) => `> _To write: ${what}_\n`;
const list = (items: readonly string[], what: string) =>
  items.length ? `${items.map((i) => `- ${escapeMarkdownInline(i)}`).join('\n')}\n` : prompt(what);
const duration = (ms: number | null) => (ms === null ? '—' : formatSpan(ms));

function checks(rows: readonly CheckEvidence[], r: Readers): string {
  return table(
    ['check', 'status', 'value', 'criterion', 'verdict', 'by', 'at'],
    rows.map((c) => [
      `${c.title} (\`${c.stepId}\`)`,
      c.status,
      c.figure ?? c.value,
      c.criterion ?? (c.operator !== null ? `${c.operator} ${c.threshold}` : null),
      c.verdict ?? c.reason,
      personName(c.by, r),
      teamTime(c.at, r),
    ]),
  );
}

const UNASSIGNED = 'not assigned (the commander stood in)';

/** Role assignments and handovers, then what people said: pinned messages and notes. */
function roleSections(pm: Postmortem, r: Readers): string[] {
  return [
    '## Roles and handovers\n',
    table(
      ['time', 'role', 'from', 'to', 'by'],
      pm.roleChanges.map((c) => [
        teamTime(c.at, r),
        roleLabel(c.role),
        c.from ? personName(c.from, r) : '—',
        c.to ? personName(c.to, r) : 'nobody (taken back)',
        personName(c.by, r),
      ]),
    ),
    `Responders: ${pm.header.roles.responders.map((p) => escapeMarkdownInline(personName(p, r))).join(', ') || '—'}\n`,
    '## From the incident channel\n',
    table(
      ['time', 'what', 'who', 'said', 'link'],
      pm.record.map((e) => [
        teamTime(e.at, r),
        e.kind === 'pinned' ? `📌 pinned by ${personName(e.by, r)}` : 'note',
        personName(e.author, r),
        humaniseTimes(e.text.replace(/\s*\n\s*/g, ' '), r),
        e.permalink?.startsWith('https://')
          ? { markdown: `[message](${encodeURI(e.permalink).replace(/\)/g, '%29')})` }
          : null,
      ]),
    ),
  ];
}

/** `readers`: names, the team's time zone and metric charts (see readable.ts); without them ids and UTC. */
/** How verification ended, never stronger than what was measured. */
function verificationLine(pm: Postmortem, r: Readers): string {
  const v = pm.verificationOutcome;
  switch (v.how) {
    case 'held':
      return 'held (its checks passed)';
    case 'by-hand':
      return `verified by hand by ${personName(v.by, r)}: ${escapeMarkdownInline(v.note ?? '')}`;
    case 'no-checks':
      return 'the runbook has no verification checks';
    case 'unverified':
      return '**not verified**: its checks were skipped or failed, and nobody verified by hand';
    default:
      return 'not over';
  }
}

export function renderMarkdown(pm: Postmortem, readers: Readers = {}): string {
  const r = readers;
  const zone = r.timeZone ?? 'UTC';
  const h = pm.header;
  const out: string[] = [];
  out.push(`# ${h.id}: ${escapeMarkdownInline(h.title)}\n`);
  out.push(
    table(
      ['field', 'value'],
      [
        ['Severity', h.severity.toUpperCase()],
        ['Status', statusWithEvidence(pm)],
        ['Commander', personName(h.commander, r)],
        ['Service owner', h.roles.serviceOwner ? personName(h.roles.serviceOwner, r) : UNASSIGNED],
        ['Scribe', h.roles.scribe ? personName(h.roles.scribe, r) : UNASSIGNED],
        ['Participants', h.participants.map((p) => personName(p, r)).join(', ')],
        ['Service', h.service],
        ['Runbook', `${h.runbook.id} (${h.runbook.version.slice(0, 19)}…)`],
        ['Trigger', h.trigger],
        [
          'Links',
          // Runbook links: the schema allows only http(s) URLs; the title is escaped like any text.
          {
            markdown: h.links
              .map((l) => `[${escapeMarkdownInline(l.title)}](${encodeURI(l.url)})`)
              .join(', '),
          },
        ],
        ['Generated', teamTime(h.generatedAt, r)],
      ],
    ),
  );
  out.push('## Summary\n');
  out.push(
    pm.summary
      ? `${escapeMarkdownBlock(pm.summary)}\n`
      : prompt('two or three sentences a reader outside the team understands.'),
  );
  out.push('## Impact\n');
  out.push(
    pm.impact ? `${escapeMarkdownBlock(pm.impact)}\n` : prompt('who was affected, how, for how long.'),
  );
  const window = impactWindow(pm, r);
  const d = pm.durations;
  out.push(
    `**Impact window:** ${teamTime(window.start, r)} → ${window.end ? teamTime(window.end, r) : 'not over'}${window.ms !== null ? ` (${duration(window.ms)})` : ''}, ${window.endedBy}.\n`,
  );
  out.push(`**Verification:** ${verificationLine(pm, r)}\n`);
  for (const o of pm.outages)
    out.push(
      `**Outage:** datasource '${escapeMarkdownInline(o.datasource)}' unreachable ${teamTime(o.since, r)} → ${o.until ? `${teamTime(o.until, r)} (${duration(Date.parse(o.until) - Date.parse(o.since))})` : 'still down at export'}: ${escapeMarkdownInline(o.message)}\n`,
    );
  out.push(
    `**Time to detect** ${duration(d.timeToDetectMs)} · **to contain** ${duration(d.timeToMitigateMs)} · **to resolve** ${duration(d.timeToResolveMs)} (from opening).\n`,
  );
  for (const chart of r.metricCharts ?? []) {
    out.push(`![${escapeMarkdownInline(chart.title)}](${chart.file})\n`);
    if (chart.link) out.push(`[The query in Prometheus](${chart.link})\n`);
  }
  out.push(`## Key times (${zone})\n`);
  const k = pm.keyTimes;
  out.push(
    table(
      ['moment', 'time', 'since opening'],
      [
        ['Opened', teamTime(k.opened, r), '0 s'],
        ['Detected', teamTime(k.detected, r), duration(d.timeToDetectMs)],
        ['Acknowledged', teamTime(k.acknowledged, r), duration(d.timeToAcknowledgeMs)],
        ['Mitigated', teamTime(k.mitigated, r), duration(d.timeToMitigateMs)],
        ['Resolved', teamTime(k.resolved, r), duration(d.timeToResolveMs)],
        ['Closed', teamTime(k.closed, r), null],
      ],
    ),
  );
  out.push(...roleSections(pm, r));
  out.push('## Timeline\n');
  out.push(
    table(
      ['time', 'who', 'what'],
      curatedTimeline(pm, r).map((e) => [teamTime(e.at, r), e.who, e.what]),
    ),
  );
  out.push('## Detection\n');
  out.push(checks(pm.detection, r));
  out.push('## Triage\n');
  out.push(
    table(
      ['step', 'kind', 'status', 'outcome', 'by', 'at'],
      pm.triage.map((s) => [
        `${s.title} (\`${s.stepId}\`)`,
        s.kind,
        s.status,
        s.outcome ?? s.reason,
        personName(s.by, r),
        teamTime(s.at, r),
      ]),
    ),
  );
  out.push('## Simulations\n');
  if (pm.simulations.length === 0) out.push('_None._\n');
  for (const sim of pm.simulations) {
    out.push(`### ${escapeMarkdownInline(sim.title)} (\`${sim.stepId}\`)\n`);
    const chart = r.simulationCharts?.[sim.stepId];
    if (chart) out.push(`![${escapeMarkdownInline(sim.title)}: the chart](${chart})\n`);
    out.push(
      `CPython ${sim.python}, ${sim.fidelity === 'model only' ? 'model only (not checked against an interpreter)' : 'checked against real interpreters'}.\n`,
    );
    out.push(
      table(
        [
          'variant',
          'python',
          'collections (gen 0/1/2)',
          'collected',
          'p50 ms',
          'p95 ms',
          'max ms',
          'peak heap',
        ],
        sim.rows.map((r) => [
          r.variant,
          r.python,
          r.collections.join(' / '),
          r.collected,
          r.p50Ms.toFixed(2),
          r.p95Ms.toFixed(2),
          // Under raised thresholds the run may hold no full collection: the one to come is the longest.
          r.nextFullMs === undefined
            ? r.maxMs.toFixed(2)
            : `${r.maxMs.toFixed(2)}; next full ${r.nextFullMs.toFixed(2)}`,
          r.peak,
        ]),
      ),
    );
    if (sim.reproScript)
      out.push(
        `<details><summary>Reproduce the baseline on a real interpreter</summary>\n\n\`\`\`python\n${sim.reproScript.trimEnd()}\n\`\`\`\n\n</details>\n`,
      );
  }
  out.push('## Containment\n');
  out.push(
    table(
      ['action', 'risk', 'status', 'approved by', 'by', 'at', 'outcome'],
      pm.containment.map((a) => [
        `${a.title} (\`${a.stepId}\`)`,
        a.risk,
        a.status,
        personName(a.approvedBy, r),
        personName(a.by, r),
        teamTime(a.at, r),
        a.httpCall
          ? `${a.httpCall.method} ${a.httpCall.url} → ${a.httpCall.status ?? 'no response'} in ${a.httpCall.durationMs} ms`
          : (a.outcome ?? a.reason),
      ]),
    ),
  );
  out.push('## Verification\n');
  out.push(checks(pm.verification, r));
  out.push('## Root cause\n');
  out.push(
    pm.rootCause ? `${escapeMarkdownBlock(pm.rootCause)}\n` : prompt('why the collector behaved this way.'),
  );
  out.push('### Contributing factors\n');
  out.push(list(pm.contributingFactors, 'what made it worse or slower to fix.'));
  out.push('## Lessons\n');
  out.push('### What went well\n');
  out.push(list(pm.lessons.wentWell, 'what went well.'));
  out.push('### What went wrong\n');
  out.push(list(pm.lessons.wentWrong, 'what went wrong.'));
  out.push('### Where we got lucky\n');
  out.push(list(pm.lessons.lucky, 'where we got lucky.'));
  out.push('## Action items\n');
  out.push(
    table(
      ['id', 'item', 'type', 'owner', 'due', 'status'],
      pm.actionItems.map((a) => [
        a.id,
        a.title,
        a.type,
        a.ownerRole
          ? `${personName(a.owner, r)} (${a.roleUnassigned ? `commander: no ${roleLabel(a.ownerRole)} assigned` : roleLabel(a.ownerRole)})`
          : personName(a.owner, r),
        teamTime(a.dueAt, { ...r, timeZone: r.userZones?.[a.owner] ?? r.timeZone }),
        a.reason ? `${a.status} (${a.reason})` : a.status,
      ]),
    ),
  );
  out.push(`## Appendix: event log (${zone})\n`);
  out.push(
    table(
      ['time', 'who', 'what'],
      pm.timeline.map((e) => [teamTime(e.at, r), personName(e.actor, r), humaniseTimes(e.text, r)]),
    ),
  );
  return `${out.join('\n').trimEnd()}\n`;
}
