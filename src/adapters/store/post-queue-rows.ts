/** A slack_posts row as either driver returns it. */
import type { QueuedPostRow } from '../../core/ports.js';

export interface PostRow {
  readonly key: string;
  readonly channel: string;
  readonly kind: string;
  readonly body: string;
  readonly incident_id: string | null;
  readonly revision: number;
  readonly attempts: number;
  readonly state: string;
  readonly result_ts: string | null;
  readonly error: string | null;
  readonly queued_at: string | Date;
}

export const POST_COLUMNS =
  'key, channel, kind, body, incident_id, revision, attempts, state, result_ts, error, queued_at';

export function postFromRow(row: PostRow): QueuedPostRow {
  return {
    key: row.key,
    channel: row.channel,
    kind: row.kind === 'update' ? 'update' : 'post',
    body: row.body,
    incidentId: row.incident_id,
    revision: Number(row.revision),
    attempts: Number(row.attempts),
    state: row.state === 'sent' ? 'sent' : row.state === 'failed' ? 'failed' : 'pending',
    resultTs: row.result_ts,
    error: row.error,
    queuedAt: new Date(row.queued_at),
  };
}
