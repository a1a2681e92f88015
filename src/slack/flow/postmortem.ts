/** The postmortem from Slack: notes people write, and the export uploaded to the incident's thread. */
import { type ExportFormat, exportPostmortem } from '../../adapters/postmortem/export.js';
import type { PostmortemNotes } from '../../core/incident/model.js';
import { noticeMessage } from '../blocks/step-output.js';
import { peopleOf, postmortemReaders } from '../postmortem-readers.js';
import type { SlackUser } from './deps.js';
import { writeCanvas } from './postmortem-canvas.js';
import type { FlowRuntime } from './runtime.js';

export async function notePostmortem(
  rt: FlowRuntime,
  incidentId: string,
  notes: PostmortemNotes,
  user: SlackUser,
  idempotencyKey: string,
): Promise<void> {
  const outcome = await rt.driver.notePostmortem(incidentId, notes, user, idempotencyKey);
  if (outcome.events.length > 0 && !outcome.replayed) {
    await rt
      .thread(outcome.incident, [
        noticeMessage(`📝 <@${user.id}> updated the postmortem notes (${Object.keys(notes).join(', ')}).`),
      ])
      .catch(() => {});
    // A canvas written before follows the notes; none is created by a note alone.
    if (outcome.incident.canvas) rt.tasks.track(writeCanvas(rt, incidentId));
  }
}

/** Builds the postmortem (simulations and charts in worker threads) and uploads it to the incident's thread. */
export async function exportToSlack(
  rt: FlowRuntime,
  incidentId: string,
  format: ExportFormat,
  fallbackChannel: string,
): Promise<string> {
  const { deps } = rt;
  const incident = await deps.service.get(incidentId);
  const entry = deps.runbooks.find(incident.runbookId);
  const file = await exportPostmortem({
    store: deps.store,
    clock: deps.clock,
    incidentId,
    format,
    runbook: entry ? { runbook: entry.runbook, file: entry.file } : undefined,
    charts: format === 'html',
    simulate: (workload) => deps.simulate(workload, () => {}),
    renderSvg: deps.svg,
    readers: await postmortemReaders(
      deps.slack,
      peopleOf(incident, await deps.store.timeline(incidentId)),
      deps.teamTimeZone,
    ),
    metrics: deps.metrics,
  });
  const channel = incident.card?.channel ?? fallbackChannel;
  await deps.slack.upload(channel, incident.card?.ts, {
    filename: file.filename,
    title: `${incident.id} postmortem (${format})`,
    content: Buffer.from(file.content, 'utf8'),
  });
  // The canvas follows every export (created the first time, edited in place after).
  await writeCanvas(rt, incidentId);
  return file.filename;
}
