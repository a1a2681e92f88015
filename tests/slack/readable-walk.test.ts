/**
 * What a person reads after a whole walk (issue 27, "Numbers a person reads"): every message
 * Slack was sent (posts, edits, ephemeral answers) and the postmortem the app uploads, scanned
 * for what reads badly at 3 a.m.: `e+` notation, raw byte counts, timestamps with
 * milliseconds, and user ids outside Slack's own <@…> mention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WalkedIncident, walkFullCollection } from '../helpers/full-collection-walk.js';
import { CHANNEL } from '../helpers/slack-app.js';

let walked: WalkedIncident;
let postmortem: string;
beforeAll(async () => {
  walked = await walkFullCollection();
  await walked.h.flow.exportToSlack(walked.id, 'md', CHANNEL);
  postmortem = walked.h.api.files.find((f) => f.filename.endsWith('-postmortem.md'))?.text ?? '';
}, 60_000);
afterAll(async () => {
  await walked?.h.stop();
  await walked?.prometheus.stop();
});

/** The words of a Block Kit payload: `text` fields, at any depth (not values, ids or URLs). */
function words(node: unknown, out: string[] = []): string[] {
  // The Web API takes blocks and views as JSON strings too.
  if (typeof node === 'string' && /^[[{]/.test(node)) return words(JSON.parse(node), out);
  if (Array.isArray(node)) for (const n of node) words(n, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === 'text' && typeof v === 'string' && !/^[[{]/.test(v)) out.push(v);
      else if (k !== 'value' && k !== 'url' && k !== 'action_id' && k !== 'block_id') words(v, out);
    }
  return out;
}

/** What a reader sees: date tokens read as their fallback, links as their label. */
const readable = (text: string) =>
  text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(?:https?|mailto):[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(?:https?|mailto):[^>]*>/g, 'link');

const PROBLEMS: readonly [string, RegExp][] = [
  ['e+ notation', /\b\d(?:\.\d+)?e[+-]\d+\b/i],
  ['a raw byte count', /\b\d{7,}\b/],
  ['a timestamp with milliseconds', /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}/],
  ['a user id outside <@…>', /(?<!<@)\b[UW][A-Z0-9]{8,}\b/],
];

function problemsIn(texts: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts.map(readable))
    for (const [what, pattern] of PROBLEMS) {
      const m = pattern.exec(text);
      if (m) found.push(`${what}: …${text.slice(Math.max(0, m.index - 60), m.index + 40)}…`);
    }
  return found;
}

describe('a whole walk, as people read it', () => {
  it('sends Slack no e+ notation, raw byte counts, millisecond timestamps or bare user ids', () => {
    const sent = walked.h.api.calls.filter((c) =>
      ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'views.open', 'views.update'].includes(
        c.method,
      ),
    );
    expect(sent.length).toBeGreaterThan(20);
    expect(problemsIn(sent.flatMap((c) => words(c.body)))).toEqual([]);
  });

  it('writes a postmortem without them either', () => {
    expect(postmortem).toContain('## ');
    expect(problemsIn(postmortem.split('\n'))).toEqual([]);
  });

  it('shows ratios as their quantity and the relation that holds', () => {
    const said = walked.h.api.calls
      .filter((c) => c.method === 'chat.postMessage')
      .flatMap((c) => words(c.body))
      .join('\n');
    expect(said).toContain('p99 full-collection pause 32 ms, over the 10 ms limit');
    expect(said).toContain('12.4/s, under the 50/s limit ✓');
    expect(said).toContain('3.07 GiB, over the 1 GiB limit');
    // deriv(…_bytes[30m]) * 60 is a growth per minute (unit bytes-per-minute), not a size.
    expect(said).toContain('2.1 MiB/min, over the 1 MiB/min limit');
    expect(said).toMatch(/stable for 15 min after \d+ check/);
    expect(postmortem).toContain('p99 full-collection pause 4 ms, under the 10 ms limit ✓');
    expect(postmortem).toContain('19.5 KiB/min, under the 1 MiB/min limit ✓');
  });
});
