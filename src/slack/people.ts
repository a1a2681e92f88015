/**
 * Runbook approvers written as `@handle` (configuration sugar) resolved to
 * Slack user ids once, when the app loads its runbooks. Approvals then
 * compare ids only: a username is neither stable nor unique, so nobody whose
 * username happens to be `bob` passes for the approver `@bob`. A handle that
 * names nobody, or several people, is logged as an error naming the runbook
 * and what to write instead, and approves nobody.
 */
import type { Logger } from 'pino';
import type { Runbook } from '../core/runbook/types.js';
import type { SlackGateway } from './gateway.js';

/** Every `{user: '@handle'}` approver of the runbooks, with the runbooks naming it. */
export function approverHandles(runbooks: readonly Runbook[]): Map<string, string[]> {
  const handles = new Map<string, string[]>();
  for (const runbook of runbooks)
    for (const action of runbook.containment.actions)
      for (const a of action.confirmation?.approvers ?? [])
        if (typeof a !== 'string' && 'user' in a && a.user.startsWith('@')) {
          const ids = handles.get(a.user) ?? [];
          if (!ids.includes(runbook.metadata.id)) ids.push(runbook.metadata.id);
          handles.set(a.user, ids);
        }
  return handles;
}

export class HandleDirectory {
  private readonly ids = new Map<string, string>();
  private loading: Promise<void> | undefined;

  constructor(
    private readonly slack: Pick<SlackGateway, 'userIdsFor'>,
    private readonly logger: Logger,
  ) {}

  /** Resolves each handle once; a failure is logged and leaves the handle unresolved. */
  load(handles: ReadonlyMap<string, readonly string[]>): Promise<void> {
    this.loading = (async () => {
      for (const [handle, runbooks] of handles) {
        const where = `runbook ${runbooks.join(', ')}: approver ${handle}`;
        try {
          const found = await this.slack.userIdsFor(handle);
          if (found.length === 1 && found[0]) this.ids.set(handle, found[0]);
          else
            this.logger.error(
              { handle, runbooks, matches: found.length },
              found.length === 0
                ? `${where} is no member of this workspace (users.list, users.lookupByEmail): write the person's Slack user id (U…) instead; nobody can approve as ${handle}`
                : `${where} names ${found.length} people (usernames are not unique): write the Slack user id (U…) instead; nobody can approve as ${handle}`,
            );
        } catch (error) {
          this.logger.error(
            { handle, runbooks, err: String(error) },
            `${where} could not be looked up in Slack (scope users:read, users:read.email?): write the Slack user id (U…) instead; nobody can approve as ${handle}`,
          );
        }
      }
    })();
    return this.loading;
  }

  /** The id a handle was resolved to at load; undefined when it was not. */
  async idOf(handle: string): Promise<string | undefined> {
    await this.loading;
    return this.ids.get(handle);
  }
}
