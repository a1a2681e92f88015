/**
 * The ad-hoc `/gc-incident followup add` syntax: Slack's mention of the owner, the item's text,
 * `due=` and `type=`. Parsed here, beside the Slack surface, because it reads Slack's mention
 * syntax; the driver gets a FollowUpAdd (src/core/followups/plan.ts).
 */
import { parseDuration } from '../core/duration.js';
import { GcIncidentError } from '../core/errors.js';
import { FOLLOW_UP_TYPES, type FollowUpAdd } from '../core/followups/plan.js';
import type { FollowUpType } from '../core/incident/model.js';

const DAY = 24 * 3600 * 1000;

/**
 * `followup add @user "text" due=3d [type=prevent]` after tokenising. Slack sends mentions as
 * <@U123|name> (or <@U123>).
 */
export function parseFollowUpAdd(args: readonly string[]): FollowUpAdd {
  const [who, title, ...rest] = args;
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(who ?? '');
  const owner = mention?.[1] ?? (/^[UW][A-Z0-9]{2,}$/.test(who ?? '') ? who : undefined);
  if (!owner)
    throw new GcIncidentError(
      'USAGE',
      'followup add needs an owner first: `followup add @someone "what to do" due=3d`',
    );
  if (!title?.trim())
    throw new GcIncidentError('USAGE', 'followup add needs the text of the item, in quotes');
  let dueMs = 7 * DAY;
  let type: FollowUpType = 'prevent';
  for (const arg of rest) {
    const [key, value = ''] = arg.split('=', 2) as [string, string?];
    if (key === 'due') {
      const d = parseDuration(value);
      if (!d.ok || d.ms <= 0)
        throw new GcIncidentError('USAGE', `due=${value}: write a duration such as 3d, 36h or 2w`);
      dueMs = d.ms;
    } else if (key === 'type') {
      if (!FOLLOW_UP_TYPES.includes(value as FollowUpType))
        throw new GcIncidentError('USAGE', `type=${value}: use one of ${FOLLOW_UP_TYPES.join(', ')}`);
      type = value as FollowUpType;
    } else {
      throw new GcIncidentError(
        'USAGE',
        `'${arg.slice(0, 40)}': followup add takes due=DURATION and type=TYPE`,
      );
    }
  }
  return { owner, title: title.trim(), dueMs, type };
}
