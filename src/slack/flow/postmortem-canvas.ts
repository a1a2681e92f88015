/**
 * The postmortem as a Slack canvas: the same curated content as the Markdown export, written
 * on export and again when the postmortem notes change. Created once (the channel canvas of
 * the incident's own channel when it has one, else a standalone canvas announced in the
 * thread) and edited in place afterwards; its id is recorded on the incident. The charts (the
 * checks' incident windows, the decision charts) are uploaded to the incident's thread and
 * embedded by permalink where the Markdown shows them (canvas-charts.ts).
 */
import { exportPostmortem } from '../../adapters/postmortem/export.js';
import type { Incident } from '../../core/incident/model.js';
import { noticeMessage } from '../blocks/step-output.js';
import { peopleOf, postmortemReaders } from '../postmortem-readers.js';
import { canvasMarkdown } from './canvas-charts.js';
import type { FlowRuntime } from './runtime.js';

/** Writes the canvas; 'created' or 'updated', or undefined when the workspace cannot have one (logged). */
export async function writeCanvas(
  rt: FlowRuntime,
  incidentId: string,
): Promise<'created' | 'updated' | undefined> {
  const { deps } = rt;
  const workspace = deps.workspace;
  if (!workspace) return undefined;
  let incident: Incident = await deps.service.get(incidentId);
  const entry = deps.runbooks.find(incident.runbookId);
  const file = await exportPostmortem({
    store: deps.store,
    clock: deps.clock,
    incidentId,
    format: 'md',
    runbook: entry ? { runbook: entry.runbook, file: entry.file } : undefined,
    charts: Boolean(deps.svg),
    simulate: (workload) => deps.simulate(workload, () => {}),
    renderSvg: deps.svg,
    readers: await postmortemReaders(
      deps.slack,
      peopleOf(incident, await deps.store.timeline(incidentId)),
      deps.teamTimeZone,
    ),
    metrics: deps.metrics,
  });
  const charts = await rt.canvasCharts.upload(incident, file.attachments ?? []);
  const markdown = canvasMarkdown(file.content, charts);
  try {
    if (incident.canvas) {
      await workspace.editCanvas(incident.canvas.id, markdown);
      return 'updated';
    }
    const canvas = await workspace.createCanvas(`${incident.id} postmortem`, markdown, incident.channel?.id);
    incident = (await rt.driver.recordCanvas(incidentId, canvas)).incident;
    await rt
      .thread(incident, [
        noticeMessage(
          incident.channel
            ? `📄 The postmortem is this channel's canvas; it is rewritten on each export and notes change.`
            : `📄 The postmortem is in a canvas (\`${canvas}\`); it is rewritten on each export and notes change.`,
        ),
      ])
      .catch(() => {});
    return 'created';
  } catch (error) {
    deps.logger.warn({ incident: incidentId, err: String(error) }, 'postmortem canvas not written');
    return undefined;
  }
}
