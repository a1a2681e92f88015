import type { IncidentRole } from '../core/incident/roles.js';
import { parseRole } from '../core/incident/roles.js';

/**
 * `/gc-incident` text → a typed request, or a short message saying what was
 * wrong. Pure; the listener decides what to do with it. Values may be quoted
 * with straight or curly quotes (Slack's clients turn " into “ ”).
 */

export type SlashRequest =
  | { kind: 'modal' }
  | {
      kind: 'start';
      runbookId: string;
      service?: string | undefined;
      severity?: string | undefined;
      inputs: Record<string, string>;
    }
  | { kind: 'list'; all: boolean }
  | { kind: 'status'; incidentId?: string | undefined }
  | { kind: 'runbooks' }
  | { kind: 'simulate'; target: string; whatIfs: string[] }
  | { kind: 'export'; incidentId?: string | undefined; format: 'md' | 'json' | 'html' }
  | { kind: 'close'; incidentId?: string | undefined }
  | { kind: 'help'; topic?: string | undefined }
  | { kind: 'followup-add'; args: string[] }
  | { kind: 'followup-list'; incidentId?: string | undefined; mine: boolean }
  | { kind: 'followup-done'; item: FollowUpRef }
  | { kind: 'followup-wontdo'; item: FollowUpRef; reason: string }
  | { kind: 'role'; incidentId?: string | undefined; role: IncidentRole; user: string }
  | { kind: 'unassign-role'; incidentId?: string | undefined; role: IncidentRole }
  | { kind: 'note'; incidentId?: string | undefined; text: string }
  | { kind: 'severity'; incidentId?: string | undefined; severity: 'sev1' | 'sev2' | 'sev3' | 'sev4' }
  | { kind: 'split'; incidentId: string; service: string }
  | { kind: 'invalid'; problem: string };

export const INCIDENT_ID = /^GC-\d{4}-\d{4,}$/i;

/** A follow-up: `F2` (in the incident's channel) or `GC-2026-0001/F2`. */
export interface FollowUpRef {
  readonly incidentId?: string | undefined;
  readonly itemId: string;
}

export function parseFollowUpRef(text: string | undefined): FollowUpRef | undefined {
  const m = /^(?:(GC-\d{4}-\d{4,})[/#:])?(F\d+)$/i.exec(text ?? '');
  if (!m) return undefined;
  return { incidentId: m[1]?.toUpperCase(), itemId: (m[2] as string).toUpperCase() };
}
const RUNBOOK_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function tokenize(text: string): { tokens: string[]; problem?: string } {
  const tokens: string[] = [];
  const source = text.replace(/[“”„]/g, '"').replace(/[‘’]/g, "'");
  let current = '';
  let quote: string | undefined;
  let inToken = false;
  for (const ch of source) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote) return { tokens, problem: `a ${quote} quote is not closed` };
  if (inToken) tokens.push(current);
  return { tokens };
}

export function parseSlashText(text: string): SlashRequest {
  // A note is free text (apostrophes and all): taken as written, never tokenised.
  const note = /^note(?:\s+|$)/i.exec(text.trim());
  if (note) return parseNote(text.trim().slice(note[0].length));
  const { tokens, problem } = tokenize(text.trim());
  if (problem) return { kind: 'invalid', problem };
  const [verb, ...args] = tokens;
  switch (verb?.toLowerCase()) {
    case undefined:
      return { kind: 'modal' };
    case 'start':
      return args.length === 0 ? { kind: 'modal' } : parseStart(args);
    case 'list':
      if (args.length > 1 || (args[0] !== undefined && args[0] !== 'all'))
        return { kind: 'invalid', problem: '`list` takes nothing, or `all` to include closed incidents' };
      return { kind: 'list', all: args[0] === 'all' };
    case 'status':
    case 'close': {
      const id = optionalId(args, verb.toLowerCase());
      if ('problem' in id) return { kind: 'invalid', problem: id.problem };
      return { kind: verb.toLowerCase() as 'status' | 'close', incidentId: id.id };
    }
    case 'runbooks':
      return args.length === 0
        ? { kind: 'runbooks' }
        : { kind: 'invalid', problem: '`runbooks` takes no arguments' };
    case 'simulate': {
      const [target, ...whatIfs] = args;
      if (!target)
        return {
          kind: 'invalid',
          problem:
            '`simulate` needs a workload name or RUNBOOK_ID/STEP_ID, for example `simulate gc-full-collection-latency/simulate-full-collections freeze`',
        };
      return { kind: 'simulate', target, whatIfs };
    }
    case 'export':
      return parseExport(args);
    case 'help':
      return { kind: 'help', topic: args[0] };
    case 'followup':
    case 'followups':
      return parseFollowUp(args);
    case 'role':
    case 'roles':
      return parseRoleCommand(args);
    case 'severity':
      return parseSeverity(args);
    case 'split':
      // A fleet incident names its services in its table: `split GC-2026-0011 checkout`.
      return args.length === 2 && INCIDENT_ID.test(args[0] ?? '')
        ? { kind: 'split', incidentId: (args[0] as string).toUpperCase(), service: args[1] as string }
        : {
            kind: 'invalid',
            problem: '`split` takes a fleet incident id and a service: `split GC-2026-0011 checkout`',
          };
    default:
      return { kind: 'invalid', problem: `\`${truncateWord(verb ?? '')}\` is not a gc-incident command` };
  }
}

function parseFollowUp(args: string[]): SlashRequest {
  const [sub, ...rest] = args;
  const usage =
    'write `followup add @owner "what" due=3d [type=prevent]`, `followup list [ID|mine]`, `followup done F1` or `followup wontdo F1 "why"`';
  switch (sub?.toLowerCase()) {
    case 'add':
      return { kind: 'followup-add', args: rest };
    case 'list':
    case undefined: {
      const [what] = rest;
      if (what === undefined) return { kind: 'followup-list', mine: false };
      if (what === 'mine') return { kind: 'followup-list', mine: true };
      if (INCIDENT_ID.test(what))
        return { kind: 'followup-list', incidentId: what.toUpperCase(), mine: false };
      return { kind: 'invalid', problem: `\`followup list ${truncateWord(what)}\`: ${usage}` };
    }
    case 'done':
    case 'wontdo': {
      const item = parseFollowUpRef(rest[0]);
      if (!item)
        return {
          kind: 'invalid',
          problem: `\`${truncateWord(rest[0] ?? '')}\` is not a follow-up such as F1 or GC-2026-0001/F1`,
        };
      if (sub.toLowerCase() === 'done')
        return rest.length === 1 ? { kind: 'followup-done', item } : { kind: 'invalid', problem: usage };
      const reason = rest.slice(1).join(' ').trim();
      if (!reason)
        return {
          kind: 'invalid',
          problem: 'won\'t do needs a reason: `followup wontdo F1 "superseded by the new encoder"`',
        };
      return { kind: 'followup-wontdo', item, reason };
    }
    default:
      return { kind: 'invalid', problem: `\`followup ${truncateWord(sub ?? '')}\`: ${usage}` };
  }
}

const ROLE_USAGE =
  'write `role @someone owner` (roles: commander, owner, scribe, responder), `role GC-2026-0001 @someone owner`, or `role owner none` to take a role back';

/** In place of the person: the role is taken back (`role owner none`, `role unassign owner`). */
const NOBODY = new Set(['none', 'nobody', 'unassign']);

/**
 * `role [ID] @user ROLE` (or `role ROLE @user`); `role [ID] ROLE none` (or `role unassign ROLE`)
 * takes it back. Slack sends a mention as <@U123|name>.
 */
function parseRoleCommand(args: string[]): SlashRequest {
  let incidentId: string | undefined;
  let user: string | undefined;
  let role: IncidentRole | undefined;
  let nobody = false;
  for (const arg of args) {
    const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(arg)?.[1];
    if (INCIDENT_ID.test(arg) && incidentId === undefined) incidentId = arg.toUpperCase();
    else if ((mention || /^[UW][A-Z0-9]{8,}$/.test(arg)) && user === undefined) user = mention ?? arg;
    else if (parseRole(arg) && role === undefined) role = parseRole(arg);
    else if (NOBODY.has(arg.toLowerCase()) && !nobody) nobody = true;
    else if (/^@/.test(arg))
      return {
        kind: 'invalid',
        problem: `\`${truncateWord(arg)}\` is not a mention Slack resolved: pick the person from the @ list`,
      };
    else return { kind: 'invalid', problem: `\`${truncateWord(arg)}\`: ${ROLE_USAGE}` };
  }
  if (nobody && user)
    return { kind: 'invalid', problem: `name a person or \`none\`, not both: ${ROLE_USAGE}` };
  if (nobody && role) return { kind: 'unassign-role', incidentId, role };
  if (!user || !role) return { kind: 'invalid', problem: ROLE_USAGE };
  return { kind: 'role', incidentId, role, user };
}

/** `severity sev1` or `severity GC-2026-0001 sev1`. */
function parseSeverity(args: string[]): SlashRequest {
  const named = args.length === 2 && INCIDENT_ID.test(args[0] ?? '');
  const value = (named ? args[1] : args.length === 1 ? args[0] : undefined)?.toLowerCase();
  if (!value || !/^sev[1-4]$/.test(value))
    return {
      kind: 'invalid',
      problem:
        '`severity` takes sev1, sev2, sev3 or sev4, after an incident id if you name one: `severity GC-2026-0001 sev1`',
    };
  return {
    kind: 'severity',
    incidentId: named ? (args[0] as string).toUpperCase() : undefined,
    severity: value as 'sev1' | 'sev2' | 'sev3' | 'sev4',
  };
}

/** `note TEXT` or `note GC-2026-0001 TEXT`. */
function parseNote(rest: string): SlashRequest {
  const id = /^(GC-\d{4}-\d{4,})(?:\s+|$)/i.exec(rest);
  const text = (id ? rest.slice(id[0].length) : rest).trim();
  if (text === '')
    return {
      kind: 'invalid',
      problem: 'a note needs text: `note the p99 came back when the batch job stopped`',
    };
  return { kind: 'note', incidentId: id?.[1]?.toUpperCase(), text };
}

function parseStart(args: string[]): SlashRequest {
  const [runbookId, ...rest] = args;
  if (!runbookId || !RUNBOOK_ID.test(runbookId)) {
    return {
      kind: 'invalid',
      problem: `\`${truncateWord(runbookId ?? '')}\` is not a runbook id (lowercase letters, digits and dashes; see \`/gc-incident runbooks\`)`,
    };
  }
  const inputs: Record<string, string> = {};
  let service: string | undefined;
  let severity: string | undefined;
  for (const arg of rest) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : '';
    if (!KEY.test(key)) {
      return {
        kind: 'invalid',
        problem: `\`${truncateWord(arg)}\` should be written key=value, such as service=checkout`,
      };
    }
    const value = arg.slice(eq + 1);
    if (key === 'service') service = value;
    else if (key === 'severity') {
      if (!/^sev[1-4]$/.test(value))
        return { kind: 'invalid', problem: `severity=${truncateWord(value)}: use sev1, sev2, sev3 or sev4` };
      severity = value;
    } else inputs[key] = value;
  }
  return { kind: 'start', runbookId, service, severity, inputs };
}

function parseExport(args: string[]): SlashRequest {
  let incidentId: string | undefined;
  let format: 'md' | 'json' | 'html' = 'md';
  for (const arg of args) {
    if (INCIDENT_ID.test(arg)) incidentId = arg.toUpperCase();
    else if (arg === 'md' || arg === 'json' || arg === 'html') format = arg;
    else
      return {
        kind: 'invalid',
        problem: `\`${truncateWord(arg)}\`: export takes an incident id (GC-2026-0001) and md, json or html`,
      };
  }
  return { kind: 'export', incidentId, format };
}

function optionalId(args: string[], verb: string): { id?: string | undefined } | { problem: string } {
  if (args.length === 0) return { id: undefined };
  if (args.length === 1 && args[0] !== undefined && INCIDENT_ID.test(args[0]))
    return { id: args[0].toUpperCase() };
  return {
    problem: `\`${verb}\` takes an incident id such as GC-2026-0001, or nothing in the incident's channel`,
  };
}

function truncateWord(word: string): string {
  const clean = word.replace(/[`<>&]/g, '');
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
}
