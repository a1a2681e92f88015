/**
 * `npm run preview:slack`: the payloads of a full scripted walk (Prometheus down, a
 * relapse, resolution), drawn as Slack shows them, to preview/slack/index.html and to
 * one PNG per frame through headless Chromium. No workspace needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderSvg, svgToPng } from '../src/adapters/charts/render.js';
import { exportPostmortem } from '../src/adapters/postmortem/export.js';
import { simulateRunbookStep } from '../src/adapters/simulator/runbook-step.js';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import { rangeChartSpec, unitTitle } from '../src/core/checks/chart-spec.js';
import { evaluateFleetCheck, FLEET_CHECK_MAX_SERVICES } from '../src/core/checks/fleet-checks.js';
import { parseGcState } from '../src/core/diagnose/gc-state.js';
import { DIAGNOSE_RESULT } from '../src/core/diagnose/result.js';
import type { Check, SimulateStep } from '../src/core/runbook/types.js';
import { simulationChartSpec, simulationChartTitle } from '../src/core/simulator/chart-spec.js';
import { formatComparison } from '../src/format/simulation.js';
import { compactComparison, simulationNote, simulationVerdict } from '../src/format/simulation-summary.js';
import { incidentCard } from '../src/slack/blocks/card.js';
import { checkBatchMessages } from '../src/slack/blocks/check-batch.js';
import type { SlackMessage } from '../src/slack/blocks/common.js';
import { comparisonTableBlock } from '../src/slack/blocks/comparison-table.js';
import { diagnoseMessages } from '../src/slack/blocks/diagnose.js';
import { fleetAnnouncement } from '../src/slack/blocks/fleet-table.js';
import { announcementMessage, channelName, channelTopic } from '../src/slack/blocks/incident-channel.js';
import { decisionChartBlocks, rangeChartBlock } from '../src/slack/blocks/native-charts.js';
import { noteNotice, pinnedNotice, roleNotice, rolesModal } from '../src/slack/blocks/roles.js';
import { simulationMessages } from '../src/slack/blocks/step-output.js';
import { canvasMarkdown } from '../src/slack/flow/canvas-charts.js';
import { nativeMessage } from '../src/slack/native-blocks.js';
import { cardWalk, WALK_RUNBOOK } from '../tests/helpers/card-walk.js';
import { FakeClock, shippedRunbook } from '../tests/helpers/engine.js';
import { growthWalk } from '../tests/helpers/growth-walk.js';
import { outageWalk } from '../tests/helpers/outage-walk.js';
import { RUNBOOKS_DIR } from '../tests/helpers/runbooks.js';
import { SCRIPTED_RUNBOOK, scriptedIncident } from '../tests/helpers/scripted-incident.js';
import {
  canvasHtml,
  channelHeaderHtml,
  chartBlockHtml,
  NATIVE_STYLE,
  tableBlockHtml,
} from './preview-native.js';

const OUT = resolve(process.argv[2] ?? 'preview/slack');
const FIXTURES = resolve(import.meta.dirname, '../tests/fixtures');
const PEOPLE: Record<string, string> = {
  U0ALICE001: 'Alice Martin',
  U0BOB00001: 'Bob Chen',
  U0CAROL01: 'Carol Diaz',
};
/** Slack renders dates in the reader's zone; the preview reads them as of this moment, in UTC. */
const esc = (t: string) => t.replace(/&(?!amp;|lt;|gt;)/g, '&amp;').replace(/"/g, '&quot;');

function slackDate(seconds: number, format: string, now: number): string {
  const d = new Date(seconds * 1000);
  const time = d.toISOString().slice(11, 16);
  const secs = d.toISOString().slice(11, 19);
  const mins = Math.max(0, Math.round((now - seconds * 1000) / 60_000));
  const ago =
    mins < 1 ? 'just now' : mins < 60 ? `${mins} minutes ago` : `${Math.floor(mins / 60)} hours ago`;
  return format
    .replace('{date_short_pretty}', 'Nov 20')
    .replace('{time_secs}', secs)
    .replace('{time}', time)
    .replace('{ago}', ago);
}

/** Slack draws emoji with its own images; this machine may have no emoji font, so similar glyphs stand in. */
const EMOJI: Record<string, string> = {
  '✅': '<b style="color:#007a5a">✔</b>',
  '⚪': '<span style="color:#aaa">○</span>',
  '🔵': '<span style="color:#1264a3">●</span>',
  '👉': '<b style="color:#1264a3">➜</b>',
  '❌': '<b style="color:#e01e5a">✘</b>',
  '⏳': '<span style="color:#e8912d">⧗</span>',
  '⏭️': '<span style="color:#aaa">»</span>',
  '🔥': '<b style="color:#e01e5a">▲</b>',
  '🟢': '<b style="color:#2eb67d">●</b>',
  '🟠': '<b style="color:#f2952f">●</b>',
  '🔴': '<b style="color:#e01e5a">●</b>',
  '⚫': '<b>●</b>',
  '🧪': '<span style="color:#4a154b">⚗</span>',
  '🚨': '<b style="color:#e01e5a">▲</b>',
  '📄': '<span style="color:#616061">▤</span>',
  '📖': '',
  '📈': '',
  '🏁': '<b>⚑</b>',
  '🛡️': '<b>⛨</b>',
  '⚠️': '<b style="color:#e8912d">⚠</b>',
  '🩺': '<b style="color:#1264a3">✚</b>',
  '👥': '<b style="color:#4a154b">☰</b>',
  '📌': '<b style="color:#e01e5a">⚲</b>',
  '📝': '<b>✎</b>',
  '✋': '<b style="color:#4a154b">☑</b>',
  '👤': '<b style="color:#4a154b">☺</b>',
};
const emoji = (html: string) =>
  html.replace(
    /✅|⚪|🔵|👉|❌|⏳|⏭️|🔥|🟢|🟠|🔴|⚫|🧪|📖 |📈 |🏁|🛡️|⚠️|🩺|👥|📌|📝|✋|👤|🚨|📄/gu,
    (e) => EMOJI[e.trim()] ?? e,
  );

function mrkdwn(text: string, now: number): string {
  const controls: string[] = [];
  let t = text.replace(/<([^<>]+)>/g, (_, inner: string) => {
    let html: string;
    if (inner.startsWith('@'))
      html = `<span class="mention">@${PEOPLE[inner.slice(1)] ?? inner.slice(1)}</span>`;
    else if (inner.startsWith('!date^')) {
      const [, seconds, format] = inner.split('|')[0]?.split('^') ?? [];
      html = slackDate(Number(seconds), format ?? '', now);
    } else {
      const [url, label] = inner.split('|');
      html = `<a href="${esc(url ?? '')}">${label ?? url}</a>`;
    }
    controls.push(html);
    return `\uE000${controls.length - 1}\uE000`;
  });
  t = esc(t)
    .replace(/```([\s\S]*?)```/g, '<pre>$1</pre>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(>])\*([^*\n]+)\*/g, '$1<b>$2</b>')
    .replace(/(^|[\s(>])_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/^&gt; (.*)$/gm, '<blockquote>$1</blockquote>')
    .replace(/\n/g, '<br>');
  return emoji(t.replace(/\uE000(\d+)\uE000/g, (_, i: string) => controls[Number(i)] ?? ''));
}

type Json = Record<string, unknown> & { type?: string };
function blocks(list: readonly Json[], now: number): string {
  return list
    .map((b) => {
      const text = (b.text as { text?: string } | undefined)?.text ?? '';
      switch (b.type) {
        case 'header':
          return `<div class="header">${esc(text)}</div>`;
        case 'section':
          return b.fields
            ? `<div class="fields">${(b.fields as { text: string }[]).map((f) => `<div>${mrkdwn(f.text, now)}</div>`).join('')}</div>`
            : `<div class="section">${mrkdwn(text, now)}</div>`;
        case 'context':
          return `<div class="context">${(b.elements as { text: string }[]).map((e) => mrkdwn(e.text, now)).join(' ')}</div>`;
        case 'actions':
          return `<div class="actions">${(b.elements as Json[])
            .map((e) => {
              const label = esc((e.text as { text: string }).text);
              const confirm = e.confirm ? ' title="asks for confirmation"' : '';
              return `<span class="button ${String(e.style ?? '')}"${confirm}>${label}${e.confirm ? ' <small>⚠︎</small>' : ''}</span>`;
            })
            .join('')}</div>`;
        case 'input': {
          const element = b.element as Json & { initial_option?: { text: { text: string } } };
          const shown =
            element.initial_option?.text.text ??
            (element.type === 'users_select' ? 'Select a person' : 'Select an item');
          return `<div class="input"><b>${esc((b.label as { text: string }).text)}</b><div class="select">${esc(shown)} ▾</div></div>`;
        }
        case 'table':
          return tableBlockHtml(b);
        case 'data_visualization':
          return chartBlockHtml(b);
        default:
          return '';
      }
    })
    .join('\n');
}

function message(m: SlackMessage, now: number, extra = ''): string {
  const attachments = (m.attachments ?? [])
    .map(
      (a) =>
        `<div class="attachment" style="border-color:${a.color}">${blocks(a.blocks as never, now)}</div>`,
    )
    .join('');
  return `<div class="message ${extra}"><div class="avatar">GC</div><div class="body"><div class="who">gc-incident <span class="app">APP</span></div>${blocks(m.blocks as never, now)}${attachments}</div></div>`;
}

const STYLE = `body{font:15px/1.46 Lato,"Helvetica Neue","DejaVu Sans",sans-serif;color:#1d1c1d;background:#fff;margin:0}
.frame{padding:12px 16px 20px;border-bottom:6px solid #f4ede4;max-width:820px}.caption{font-weight:700;color:#616061;margin:4px 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.04em}
.message{display:flex;gap:10px;padding:6px 0}.avatar{width:36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;font-size:13px;flex:none}
.body{flex:1;min-width:0}.who{font-weight:900}.app{font-size:10px;background:#e8e8e8;color:#616061;padding:1px 3px;border-radius:2px;font-weight:700}
.header{font-size:18px;font-weight:900;margin:4px 0}.section{margin:6px 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px;margin:6px 0}
.context{font-size:12px;color:#616061;margin:4px 0}.actions{margin:6px 0;display:flex;flex-wrap:wrap;gap:8px}
.button{border:1px solid #c8c8c8;border-radius:4px;padding:3px 12px;font-weight:700;font-size:14px;background:#fff}.button.primary{background:#007a5a;border-color:#007a5a;color:#fff}.button.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.attachment{border-left:4px solid;padding:2px 10px;margin:6px 0}a{color:#1264a3;text-decoration:none}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{font-family:Monaco,"DejaVu Sans Mono",monospace;font-size:12px;color:#e01e5a;background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:0 3px}
pre{font-family:Monaco,"DejaVu Sans Mono",monospace;font-size:12px;background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;white-space:pre-wrap;margin:4px 0}
blockquote{border-left:4px solid #ddd;margin:2px 0;padding-left:8px}.thread{margin-left:46px;border-left:2px solid #e8e8e8;padding-left:10px}
.thread .label{font-size:12px;color:#616061}.file{margin:4px 0}.file .name{font-size:13px;color:#616061}.file img{display:block;max-width:640px;max-height:360px;border:1px solid #ddd;border-radius:8px;margin-top:4px}.input{margin:10px 0}.select{border:1px solid #c8c8c8;border-radius:4px;padding:6px 10px;color:#616061;margin-top:4px}
.modal{border:1px solid #ddd;border-radius:8px;box-shadow:0 4px 12px #0002;padding:4px 16px 12px;max-width:520px}.modal .title{font-size:20px;font-weight:900;margin:8px 0}.modal .foot{text-align:right}.broadcast .who::after{content:" · also sent to the channel";font-weight:400;color:#616061;font-size:12px}`;

/** The page records its card's drawn height (read back with --dump-dom). */
const MEASURE = `<script>addEventListener('load',()=>{const c=document.querySelector('.card');if(c)document.body.dataset.cardHeight=String(Math.round(c.getBoundingClientRect().height));});</script>`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}${NATIVE_STYLE}</style></head><body>${body}${MEASURE}</body></html>\n`;
}

// The normal walk, full-collection triage with Prometheus up (memory growth per minute), then the
// Prometheus-down one (banner, Skip metric steps, verified by hand): the roles frame below reads
// the last but one.
const frames = [...(await cardWalk()), ...(await growthWalk()), ...(await outageWalk())];
// The triage frame also shows the simulation as it lands in the thread.
const runbook = shippedRunbook(WALK_RUNBOOK);
const simStep = runbook.triage.steps.find((s) => s.kind === 'simulate') as SimulateStep;
// With `disable` among the what-ifs, and a fit's note as a live service gives it, to show both under the table.
const { results } = simulateRunbookStep(
  { ...simStep, whatIf: [...(simStep.whatIf ?? []), 'disable'] },
  join(RUNBOOKS_DIR, `${WALK_RUNBOOK}.yaml`),
);
const FIT_NOTE =
  'fitted to job api over 15m; fit quality: collections/s gen0 612 vs 612 (+0.0 %), gen1 55.60 vs 55.62 (-0.0 %), gen2 0.00 vs 0.00 (+0.0 %); diagnosis: allocation churn: gen-0 collections 612/s from 430k net container allocations/s; 92 % of the garbage dies young';
const simulation = simulationMessages(
  {
    id: simStep.id,
    title: simStep.title,
    phase: 'triage',
    kind: 'simulate',
    optional: false,
    status: 'done',
  },
  formatComparison(results),
  false,
  {
    verdict: simulationVerdict(results, { objective: simStep.objective }),
    compact: compactComparison(results),
    note: simulationNote(results, FIT_NOTE, { objective: simStep.objective }),
  },
);

// A diagnose step's GC state, as the bundled service in `cycles` mode answered it (a fixture).
const diagnose = diagnoseMessages(
  {
    id: 'gc-state',
    title: "The collector's live state",
    phase: 'triage',
    kind: 'diagnose',
    optional: true,
    status: 'done',
  },
  {
    kind: DIAGNOSE_RESULT,
    action: 'gc-diagnostics',
    method: 'GET',
    url: 'http://gc-service:18000/debug/gc',
    status: 200,
    durationMs: 41,
    state: parseGcState(
      JSON.parse(readFileSync(join(FIXTURES, 'diagnostics', 'cycles-service.json'), 'utf8')),
    ),
  },
);

mkdirSync(OUT, { recursive: true });

/** A chart as the app uploads it (PNG at twice its size), shown as Slack previews an image in a thread. */
async function chartUpload(filename: string, title: string, spec: Record<string, unknown>): Promise<string> {
  writeFileSync(join(OUT, filename), svgToPng(await renderSvg(spec)));
  return `<div class="message"><div class="avatar">GC</div><div class="body"><div class="who">gc-incident <span class="app">APP</span></div><div class="file"><span class="name">${esc(title)}</span><img src="${filename}" alt="${esc(title)}"></div></div></div>`;
}
// The detection check's metric over the incident window (30 minutes before the opening to now),
// as the thread shows it once the check ran: a recorded series, since the preview has no Prometheus.
const detected = frames.find((f) => f.name === '03-detected');
const youngCheck = runbook.detection.checks.find((c) => c.id === 'young-collection-rate') as Check;
const uploads: Record<string, string[]> = { '04-triage': [], '03-detected': [] };
if (detected) {
  const opened = Date.parse(detected.incident.openedAt) / 1000;
  const end = Date.parse(detected.incident.updatedAt) / 1000;
  const points: [number, number][] = [];
  for (let t = opened - 30 * 60; t <= end; t += 15)
    points.push([t, t < opened - 6 * 60 ? 14 + ((t / 15) % 5) : 600 + ((t / 15) % 7) * 4]);
  uploads['03-detected']?.push(
    await chartUpload(
      `${youngCheck.id}.png`,
      youngCheck.title,
      rangeChartSpec([{ labels: { instance: 'checkout-7f9c:8000' }, points }], {
        title: youngCheck.title,
        threshold: youngCheck.threshold,
        operator: youngCheck.operator,
        stepSeconds: 15,
        unit: youngCheck.unit,
        marker: { at: opened * 1000, label: 'opened' },
      }),
    ),
  );
}
uploads['04-triage']?.push(
  await chartUpload(
    `${simStep.id}.png`,
    simulationChartTitle(results, simStep.title),
    simulationChartSpec(results, simStep.title, { objective: simStep.objective }),
  ),
);

const sections: { name: string; html: string; lines: number }[] = [];
for (const frame of frames) {
  const now = Date.parse(frame.incident.updatedAt);
  const thread = [...frame.thread];
  if (frame.name === '04-triage')
    thread.push(...diagnose.map((m) => ({ message: m })), ...simulation.map((m) => ({ message: m })));
  const images = uploads[frame.name] ?? [];
  const replies =
    thread.map((t) => message(t.message, now, t.broadcast ? 'broadcast' : '')).join('') + images.join('');
  const html = `<div class="frame"><div class="caption">${esc(frame.caption)}</div><div class="card">${message(frame.card, now)}</div>${replies ? `<div class="thread"><div class="label">Thread</div>${replies}</div>` : ''}</div>`;
  const lines =
    frame.card.blocks.length * 2.2 +
    thread.reduce((n, t) => n + 3 + JSON.stringify(t.message.blocks).split('\\n').length, 0) +
    images.length * 15;
  sections.push({ name: frame.name, html, lines });
}
// Roles and the record: the card after a handover, the thread lines, and the Roles modal.
{
  const last = frames.at(-2) ?? frames[0];
  if (last) {
    const at = last.incident.updatedAt;
    const incident = {
      ...last.incident,
      roles: { 'service-owner': 'U0CAROL01' },
    };
    const now = Date.parse(at);
    const pinned = {
      channel: 'C0INCIDENT1',
      ts: '1763647380.000100',
      author: 'U0BOB00001',
      text: 'Pauses line up with the batch import (https://grafana.example/d/1) & cron',
      postedAt: at,
      permalink: 'https://example.slack.com/archives/C0INCIDENT1/p1763647380000100',
      pinnedBy: 'U0ALICE001',
      pinnedAt: at,
    };
    const thread = [
      roleNotice('service-owner', null, 'U0BOB00001', 'U0ALICE001'),
      roleNotice('service-owner', 'U0BOB00001', 'U0CAROL01', 'U0ALICE001'),
      pinnedNotice(pinned, true),
      noteNotice("it's the nightly import: moved to 02:00", 'U0ALICE001'),
    ];
    const card = incidentCard(incident, new Set(), { now: new Date(now) });
    const modal = rolesModal(incident, 'service-owner');
    const html = `<div class="frame"><div class="caption">Roles and the record: card, thread and the Roles modal</div>${message(card, now)}<div class="thread"><div class="label">Thread</div>${thread.map((m) => message(m, now)).join('')}</div><div class="modal"><div class="title">${esc(modal.title.text)}</div>${blocks(modal.blocks as never, now)}<div class="foot"><span class="button">Cancel</span> <span class="button primary">${esc(modal.submit?.text ?? '')}</span></div></div></div>`;
    sections.push({ name: '12-roles', html, lines: card.blocks.length * 2.2 + 40 });
    // A storm as one fleet incident: the card's alert line and services table, and the one announcement.
    const opened = Date.parse(last.incident.openedAt);
    const members = Array.from({ length: 15 }, (_, i) => ({
      cause: `gc-thrash-allocation-churn{job="svc-${i + 1}"}`,
      service:
        ['checkout-api', 'search', 'payments-worker', 'recommendations'][i % 4] + (i < 4 ? '' : `-${i}`),
      since: new Date(opened + i * 10_000).toISOString(),
      ...(i < 10 ? { incidentId: `GC-2026-${String(i + 1).padStart(4, '0')}` } : {}),
    }));
    const fleet = {
      ...last.incident,
      id: 'GC-2026-0011',
      title: `Fleet: ${last.incident.title}`,
      service: 'fleet',
      alerts: {
        firing: members.map((m) => m.cause),
        names: ['PythonGCThrash'],
        notifications: 15,
        lastAt: at,
      },
      fleet: { members },
    };
    // Its detection check, per service (a recorded answer: 4 heaps over 1 GiB, svc-7 silent).
    const GiB = 1024 ** 3;
    const heaps: Record<string, number> = {
      'svc-2': 3.4 * GiB,
      'svc-5': 2.1 * GiB,
      'svc-11': 1.6 * GiB,
      'svc-13': 1.2 * GiB,
    };
    const answer = (query: string) => {
      const job = /job="([^"]*)"/.exec(query)?.[1] ?? '';
      return job === 'svc-7' ? undefined : (heaps[job] ?? (0.4 + (job.length % 4) / 10) * GiB);
    };
    const fleetRunbook = shippedRunbook(fleet.runbookId);
    const heapCheck = fleetRunbook.detection.checks.find((c) => c.id === 'large-heap') as Check;
    const evaluation = await evaluateFleetCheck(heapCheck, fleet, fleetRunbook, {
      metrics: {
        instant: async (_d, q) => {
          const v = answer(q);
          return v === undefined ? [] : [{ labels: {}, value: v }];
        },
        range: async (_d, q, start, end) => {
          const v = answer(q);
          if (v === undefined) return [];
          const points: [number, number][] = [];
          for (let t = start.getTime(); t <= end.getTime(); t += 60_000) points.push([t / 1000, v]);
          return [{ labels: {}, points }];
        },
      },
      at: new Date(now),
      datasource: 'default',
      phase: 'detection',
      cap: FLEET_CHECK_MAX_SERVICES,
      isUnavailable: () => false,
    });
    const checked = {
      ...fleet,
      steps: fleet.steps.map((st) =>
        st.id === heapCheck.id ? { ...st, status: 'done' as const, result: evaluation } : st,
      ),
    };
    const fleetCard = incidentCard(checked, new Set(), { now: new Date(now) });
    const announced = fleetAnnouncement(checked, 11);
    const step = checked.steps.find((st) => st.id === heapCheck.id);
    const batch = step ? checkBatchMessages([{ step, evaluation, check: heapCheck }]) : [];
    sections.push({
      name: '13-fleet',
      html: `<div class="frame"><div class="caption">A storm: one fleet incident lists the services, checked per service</div>${message(announced, now)}${message(fleetCard, now)}<div class="thread"><div class="label">Thread</div>${batch.map((m) => message(m, now)).join('')}</div></div>`,
      lines: fleetCard.blocks.length * 2.2 + 30,
    });
  }
}
// What Slack draws itself (SLACK_NATIVE_CHARTS=on): the comparison as a table block, the decision
// chart and a check's incident window as data_visualization blocks.
{
  const frame = frames.find((f) => f.name === '04-triage') ?? frames[0];
  if (frame) {
    const now = Date.parse(frame.incident.updatedAt);
    const step = {
      id: simStep.id,
      title: simStep.title,
      phase: 'triage',
      kind: 'simulate',
      optional: false,
      status: 'done',
    } as const;
    const summary = {
      verdict: simulationVerdict(results),
      compact: compactComparison(results),
      note: simulationNote(results, FIT_NOTE),
    };
    const table = simulationMessages(step, formatComparison(results), false, {
      ...summary,
      table: comparisonTableBlock(results),
    });
    const charts = nativeMessage('chart', decisionChartBlocks(results, simStep.title));
    const opened = Date.parse(frame.incident.openedAt) / 1000;
    const points: [number, number][] = [];
    for (let t = opened - 30 * 60; t <= now / 1000; t += 15)
      points.push([t, t < opened - 6 * 60 ? 14 + ((t / 15) % 5) : 600 + ((t / 15) % 7) * 4]);
    const window = rangeChartBlock([{ labels: { instance: 'checkout-7f9c:8000' }, points }], {
      title: youngCheck.title,
      threshold: youngCheck.threshold,
      yLabel: unitTitle(youngCheck.unit),
      timeZone: 'UTC',
    });
    const thread = [...table, charts, ...(window ? [nativeMessage('chart', [window])] : [])];
    const html = `<div class="frame"><div class="caption">Native blocks: the what-if table, the decision chart, the incident window</div><div class="thread"><div class="label">Thread</div>${thread.map((m) => message(m, now)).join('')}</div></div>`;
    sections.push({ name: '13-native-blocks', html, lines: 70 });
  }
}
// A sev2 incident in its own channel: name, topic, bookmarks, the pinned card; and its one line
// in the channel it was opened from.
{
  const frame = frames.find((f) => f.name === '05-containment') ?? frames[0];
  if (frame) {
    const now = Date.parse(frame.incident.updatedAt);
    const incident = { ...frame.incident, severity: 'sev2' as const };
    const id = 'C0INC00042';
    const name = channelName('inc-gc-{year}-{number}-{service}', incident);
    const card = incidentCard(incident, new Set(), { now: new Date(now) });
    const header = channelHeaderHtml(
      name,
      channelTopic(incident),
      ['Runbook', 'Dashboard', 'Postmortem canvas'],
      (t) => mrkdwn(t, now),
    );
    // Slack shows a channel mention by its name.
    const line = message(announcementMessage(incident, id), now).replaceAll(`>#${id}<`, `>#${name}<`);
    const html = `<div class="frame"><div class="caption">The alerts channel: one line, edited on each state change</div>${line}</div><div class="frame"><div class="caption">The incident channel: topic, bookmarks, the card pinned</div>${header}<div class="pinned"><div class="label">Pinned by gc-incident</div>${message(card, now)}</div></div>`;
    sections.push({ name: '14-incident-channel', html, lines: frame.card.blocks.length * 2.2 + 20 });
  }
}
// The postmortem canvas: the Markdown export of the scripted incident, charts named where they are.
{
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-preview-db-')), 'gc.db'));
  await store.migrate();
  const { id } = await scriptedIncident(store);
  const file = await exportPostmortem({
    store,
    clock: new FakeClock(Date.parse('2026-11-21T09:00:00.000Z')),
    incidentId: id,
    format: 'md',
    runbook: {
      runbook: shippedRunbook(SCRIPTED_RUNBOOK),
      file: join(RUNBOOKS_DIR, `${SCRIPTED_RUNBOOK}.yaml`),
    },
    readers: { names: PEOPLE, timeZone: 'Europe/Paris' },
  });
  const markdown = canvasMarkdown(file.content, new Map());
  // The first screen of it: what a reader sees when the canvas opens.
  const head = markdown.split('\n## Appendix')[0] ?? markdown;
  sections.push({
    name: '15-canvas',
    html: `<div class="frame"><div class="caption">The postmortem canvas (first part)</div>${canvasHtml(`${id} postmortem`, head)}</div>`,
    lines: 110,
  });
}
writeFileSync(
  join(OUT, 'index.html'),
  page('gc-incident: a walk as Slack shows it', sections.map((s) => s.html).join('\n')),
);

const profile = mkdtempSync(join(tmpdir(), 'gc-incident-preview-'));
try {
  for (const s of sections) {
    const file = join(OUT, `${s.name}.html`);
    writeFileSync(file, page(s.name, s.html));
    const height = Math.min(3000, Math.max(500, Math.round(200 + s.lines * 26)));
    execFileSync(
      '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--window-size=860,${height}`,
        `--screenshot=${join(OUT, `${s.name}.png`)}`,
        `file://${file}`,
      ],
      { stdio: 'pipe', timeout: 60_000 },
    );
  }
} finally {
  rmSync(profile, { recursive: true, force: true });
}
// The card's own height as drawn (the frame's first message), for the phone/laptop budget.
const MEASURED = ['01-opened', '04-triage', 'down-01-unreachable', 'down-03-triage'];
const heights: Record<string, number> = {};
const measureProfile = mkdtempSync(join(tmpdir(), 'gc-incident-preview-'));
try {
  for (const name of MEASURED) {
    const file = join(OUT, `${name}.html`);
    const dom = execFileSync(
      '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        `--user-data-dir=${measureProfile}`,
        '--window-size=860,2000',
        '--virtual-time-budget=1000',
        '--dump-dom',
        `file://${file}?measure`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    ).toString();
    const px = /data-card-height="(\d+)"/.exec(dom)?.[1];
    if (px) heights[name] = Number(px);
  }
} finally {
  rmSync(measureProfile, { recursive: true, force: true });
}
writeFileSync(join(OUT, 'card-heights.json'), `${JSON.stringify(heights, null, 2)}\n`);
for (const [name, px] of Object.entries(heights)) console.log(`card ${name}: ${px} px`);
console.log(`${sections.length} frames: ${join(OUT, 'index.html')} and ${sections.length} PNGs in ${OUT}`);
