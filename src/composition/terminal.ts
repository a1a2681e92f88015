/**
 * The terminal surface's incident driver (`walk`, `drill`): the driver with the terminal's
 * narrator and decisions, and the capabilities configuration gives it (metrics, HTTP actions,
 * approvers, reminders in the store, simulations fitted to the incident's job). The Slack
 * surface's counterpart is ./slack.ts; both drivers come from buildDriver (./driver.ts).
 */
import { simulateStepWithFit } from '../adapters/fit/step-workload.js';
import type { HttpActionRunner } from '../adapters/http-actions/runner.js';
import { comparisonFooter } from '../cli/fit-footer.js';
import type { CliIo } from '../cli/io.js';
import { TerminalDecisions } from '../cli/walk/terminal-decisions.js';
import { TerminalNarrator } from '../cli/walk/terminal-narrator.js';
import type { Config } from '../config.js';
import type { IncidentDriver } from '../core/incident/driver/driver.js';
import type { IncidentService } from '../core/incident/service.js';
import type { Clock, MetricsClient, Store } from '../core/ports.js';
import type { Runbook } from '../core/runbook/types.js';
import { formatComparison } from '../format/simulation.js';
import { buildDriver } from './driver.js';

export interface TerminalDriverInput {
  readonly config: Config;
  readonly io: CliIo;
  readonly entry: { readonly runbook: Runbook; readonly file: string };
  readonly store: Store;
  readonly service: IncidentService;
  readonly metrics: MetricsClient | undefined;
  readonly actions: HttpActionRunner | undefined;
  readonly clock: Clock;
  /** --auto: answer every question with its default; --yes: approve actions too (drills). */
  readonly auto: boolean;
  readonly yes: boolean;
  /** Who walks: `cli:<user>`, or --commander. */
  readonly actor: string;
  /** --commander was given: the local user is then not the runbook's `@<user>`. */
  readonly commanderGiven: boolean;
}

export function buildTerminalDriver(i: TerminalDriverInput): IncidentDriver {
  const { io, entry, metrics, clock } = i;
  const user = i.config.user ?? 'unknown';
  return buildDriver({
    service: i.service,
    runbookOf: () => ({ runbook: entry.runbook, file: entry.file }),
    narrator: new TerminalNarrator({
      write: io.stdout,
      runbookOf: () => entry.runbook,
      table: (o) => {
        const note = (o.output.summary as { note?: string } | undefined)?.note;
        return `${formatComparison(o.output.results)}${comparisonFooter(o.output.results, note, o.output.context)}`;
      },
      auto: i.auto,
      colour: io.colour,
    }),
    decisions: new TerminalDecisions({ ask: io.ask, write: io.stdout, auto: i.auto, yes: i.yes }),
    caps: {
      metrics,
      actions: i.actions,
      approvers: i.config.approvers,
      // The terminal's people are its local users: a runbook's @handle is `cli:<handle>`.
      userIdOf: async (handle) => (!i.commanderGiven && handle === `@${user}` ? i.actor : undefined),
      reminders: (r) => i.store.scheduleReminder(r),
      cancelReminders: (incidentId, itemId, now) => i.store.cancelReminders(incidentId, itemId, now),
      // A step with `workload: {fit: …}` is fitted to the incident's job (else its `ref`).
      simulate: async (incident, step, python, observed) => {
        const { summary, results, note, context } = await simulateStepWithFit(step, entry.file, {
          metrics,
          inputs: incident.inputs,
          now: clock.now(),
          python,
          observed,
          datasource: entry.runbook.datasource,
        });
        return { summary: note ? { ...summary, note } : summary, results, context };
      },
    },
    clock,
    sleep: io.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
  });
}
