/** Incident tools, read-only: the list, one incident (status, phase, roles, steps, timeline), its postmortem. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { exportPostmortem } from '../../adapters/postmortem/export.js';
import { describeEvent } from '../../core/incident/describe-event.js';
import { STATUSES } from '../../core/incident/model.js';
import { IncidentService } from '../../core/incident/service.js';
import type { Runbook } from '../../core/runbook/types.js';
import { formatIncident, formatIncidentList } from '../../format/incident.js';
import type { McpDeps } from '../deps.js';
import { answer, guarded } from '../result.js';

export const INCIDENT_ID = z
  .string()
  .regex(/^GC-\d{4}-\d{4,8}$/i, 'an incident id such as GC-2026-0042')
  .transform((id) => id.toUpperCase());

/** Timeline events one answer carries at most (the newest); the postmortem has them all. */
export const MAX_TIMELINE = 200;

export function registerIncidentTools(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'incidents_list',
    {
      title: 'List incidents',
      description: 'Incidents in the store, newest first.',
      inputSchema: {
        status: z.enum(STATUSES).optional(),
        limit: z.number().int().min(1).max(200).default(20),
      },
      outputSchema: z
        .object({
          incidents: z.array(z.object({ id: z.string(), status: z.string(), phase: z.string() }).loose()),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ status, limit }) => {
      const list = await (await deps.store()).list({ status, limit });
      const incidents = list.map((i) => ({
        id: i.id,
        title: i.title,
        severity: i.severity,
        status: i.status,
        phase: i.phase,
        service: i.service,
        runbook: i.runbookId,
        commander: i.commander,
        openedAt: i.openedAt,
      }));
      const text = formatIncidentList(list);
      return answer(text, { incidents });
    }),
  );

  server.registerTool(
    'incident_show',
    {
      title: 'Show an incident',
      description:
        'One incident: status, phase, commander and roles, its steps with their outcomes, and its timeline.',
      inputSchema: { id: INCIDENT_ID },
      outputSchema: z
        .object({
          id: z.string(),
          status: z.string(),
          phase: z.string(),
          roles: z.record(z.string(), z.string()),
          steps: z.array(z.object({ id: z.string(), status: z.string() }).loose()),
          timeline: z.array(z.object({ seq: z.number(), at: z.string(), text: z.string() }).loose()),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ id }) => {
      const store = await deps.store();
      const incident = await new IncidentService(store, deps.clock).get(id);
      const events = (await store.timeline(id)).slice(-MAX_TIMELINE);
      const roles: Record<string, string> = { commander: incident.commander, ...incident.roles };
      return answer(formatIncident(incident, events, runbookOf(deps, incident.runbookId)), {
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        phase: incident.phase,
        service: incident.service,
        runbook: { id: incident.runbookId, version: incident.runbookVersion },
        inputs: { ...incident.inputs },
        roles,
        participants: [...incident.participants],
        openedAt: incident.openedAt,
        steps: incident.steps.map((s) => ({
          id: s.id,
          phase: s.phase,
          kind: s.kind,
          title: s.title,
          status: s.status,
          ...(s.assignee ? { assignee: s.assignee } : {}),
          ...(s.approvedBy ? { approvedBy: s.approvedBy } : {}),
          ...(s.reason ? { reason: s.reason } : {}),
        })),
        timeline: events.map((e) => ({
          seq: e.seq,
          at: e.at,
          actor: e.actor,
          type: e.type,
          text: describeEvent(e),
        })),
      });
    }),
  );

  server.registerTool(
    'incident_postmortem',
    {
      title: "An incident's postmortem",
      description: "The incident's postmortem as Markdown (what 'gc-incident export --format md' writes).",
      inputSchema: { id: INCIDENT_ID },
      outputSchema: z.object({ id: z.string(), markdown: z.string() }).loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ id }) => {
      const store = await deps.store();
      const incident = await new IncidentService(store, deps.clock).get(id);
      const runbook = runbookEntry(deps, incident.runbookId);
      const file = await exportPostmortem({
        store,
        clock: deps.clock,
        incidentId: id,
        format: 'md',
        runbook,
        charts: false,
        metrics: deps.metrics,
        readers: { timeZone: deps.config.digestTimeZone },
      });
      return answer(file.content, { id, markdown: file.content });
    }),
  );
}

/** The incident's runbook when it is still in the folder; an incident whose runbook is gone still shows. */
function runbookEntry(deps: McpDeps, id: string): { runbook: Runbook; file: string } | undefined {
  try {
    return findRunbook(id, deps.config.runbooksDir, deps.validation);
  } catch {
    return undefined;
  }
}

function runbookOf(deps: McpDeps, id: string): Runbook | undefined {
  return runbookEntry(deps, id)?.runbook;
}
