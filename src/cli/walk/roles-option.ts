/**
 * `gc-incident walk --role NAME=PERSON` (repeatable, in order): roles assigned as the walk starts,
 * on the timeline like a Slack assignment. PERSON is a Slack user id (U…) or a name, recorded as
 * cli:NAME; `none` takes the role back (as `/gc-incident role owner none`), refused for the
 * commander and responders before the incident is opened.
 */
import { GcIncidentError } from '../../core/errors.js';
import type { Incident } from '../../core/incident/model.js';
import {
  INCIDENT_ROLES,
  type IncidentRole,
  parseRole,
  ROLE_LABEL,
  roleTable,
} from '../../core/incident/roles.js';

export interface RoleOption {
  readonly role: IncidentRole;
  /** null: the role is taken back. */
  readonly person: string | null;
}

/**
 * The options in the order they are applied: as given, except that a commander handover comes
 * after the other roles. The person running the walk opened the incident and commands it, and
 * only the commander gives roles (src/core/incident/role-permissions.ts): handing command over
 * first would leave them unable to give the rest.
 */
export function parseRoleOptions(pairs: readonly string[]): RoleOption[] {
  const parsed = parseEach(pairs);
  return [...parsed.filter((o) => o.role !== 'commander'), ...parsed.filter((o) => o.role === 'commander')];
}

function parseEach(pairs: readonly string[]): RoleOption[] {
  return pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const role = eq > 0 ? parseRole(pair.slice(0, eq)) : undefined;
    const name = pair
      .slice(eq + 1)
      .trim()
      .replace(/^@/, '');
    if (!role || name === '')
      throw new GcIncidentError(
        'USAGE',
        `--role ${pair.slice(0, 60)}: write it as NAME=PERSON, NAME one of ${INCIDENT_ROLES.join(', ')} (or owner), for example --role owner=bob`,
        { option: 'role' },
      );
    if (name.toLowerCase() === 'none') {
      if (role === 'commander' || role === 'responder')
        throw new GcIncidentError(
          'USAGE',
          role === 'commander'
            ? `--role ${pair.slice(0, 60)}: an incident always has a commander: name one (--commander NAME) instead`
            : `--role ${pair.slice(0, 60)}: responders are everyone who joined; that role is not taken back`,
          { option: 'role' },
        );
      return { role, person: null };
    }
    return { role, person: /^[UW][A-Z0-9]{8,}$/.test(name) ? name : `cli:${name}` };
  });
}

/** One line per role, saying which are not assigned (the commander stands in). */
export function rolesSummary(incident: Incident): string {
  const r = roleTable(incident);
  const missing = [
    ...(r.serviceOwner ? [] : [ROLE_LABEL['service-owner']]),
    ...(r.scribe ? [] : [ROLE_LABEL.scribe]),
  ];
  const parts = [
    `commander ${r.commander}`,
    `service owner ${r.serviceOwner ?? '-'}`,
    `scribe ${r.scribe ?? '-'}`,
    `responders ${r.responders.join(', ') || '-'}`,
  ];
  return `Roles: ${parts.join('; ')}\n${
    missing.length > 0
      ? `Not assigned: ${missing.join(', ')}; the commander stands in (follow-ups and approvals by role go to the commander). Assign with --role owner=NAME.\n`
      : ''
  }`;
}
