import { Command } from 'commander';
import { jitteredBackoff } from '../../adapters/backoff.js';
import { systemClock } from '../../adapters/clock.js';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { compose } from '../../composition/root.js';
import { buildTerminalDriver } from '../../composition/terminal.js';
import type { Config } from '../../config.js';
import { reportedRuntimes } from '../../core/checks/runtime.js';
import { GcIncidentError } from '../../core/errors.js';
import { walkIncident } from '../../core/incident/driver/walk.js';
import type { Incident } from '../../core/incident/model.js';
import { IncidentService } from '../../core/incident/service.js';
import type { Clock, MetricsClient } from '../../core/ports.js';
import { DEFAULT_DATASOURCE, type Runbook } from '../../core/runbook/types.js';
import { type CliIo, EXIT } from '../io.js';
import { parseRoleOptions, rolesSummary } from '../walk/roles-option.js';

export interface WalkOptions {
  service?: string;
  input: string[];
  severity?: string;
  auto?: boolean;
  /** Drills: approve and run configured HTTP actions without asking (recorded as the commander). */
  yes?: boolean;
  commander?: string;
  /** NAME=PERSON, repeatable: roles assigned as the walk starts. */
  role?: string[];
}

export function walkCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('walk')
    .description('Open an incident from a runbook and walk it phase by phase in the terminal')
    .argument('<runbook-id>', "a runbook id from 'gc-incident runbooks'")
    .option('-s, --service <name>', 'the affected service (default: the input "job", else the runbook id)')
    .option('-i, --input <key=value>', 'a runbook input; repeatable', collect, [] as string[])
    .option('--severity <sev>', "override the runbook's default severity (sev1-sev4)")
    .option('--commander <who>', 'who commands the incident (default cli:$USER)')
    .option(
      '--role <name=person>',
      'assign a role: commander, owner (service-owner), scribe or responder (owner=none takes it back); repeatable, in order (a commander handover last)',
      collect,
      [] as string[],
    )
    .option(
      '--auto',
      'run every automatable step without prompts and leave manual steps pending (drills, CI)',
    )
    .addHelpText(
      'after',
      `
Each step shows its guidance. Checks, queries and simulations run; commands are
shown to copy (never executed); manual steps and approvals are asked for, or left
pending with --auto. Everything is recorded in the store (DATABASE_URL).

Example:
  $ gc-incident walk gc-full-collection-latency --input job=checkout --auto`,
    )
    .option('--yes', 'with --auto: approve containment actions and call configured HTTP actions (drills)')
    .action(async (runbookId: string, options: WalkOptions) => {
      done((await walk(io, runbookId, options)).code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseInputs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new GcIncidentError('USAGE', `--input ${pair}: write it as key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** `config`: the process's, or the drill's own (its Prometheus, runbook copy and actions). */
export async function walk(
  io: CliIo,
  runbookId: string,
  options: WalkOptions,
  config: Config = io.settings.config(),
): Promise<{ code: number; incidentId?: string | undefined }> {
  const root = compose(config);
  const { context } = root.validation();
  const entry = findRunbook(runbookId, config.runbooksDir, context);
  const inputs = parseInputs(options.input);
  const roles = parseRoleOptions(options.role ?? []);
  const clock = io.clock ?? systemClock;
  const user = config.user ?? 'unknown';
  const actor = options.commander ?? `cli:${user}`;
  if (options.severity && !/^sev[1-4]$/.test(options.severity)) {
    throw new GcIncidentError('USAGE', `--severity ${options.severity}: use sev1, sev2, sev3 or sev4`);
  }
  const metrics = root.metrics();
  const actions = root.actions();
  try {
    return await root.withStore(async (store) => {
      const service = new IncidentService(store, clock, { retryDelay: jitteredBackoff() });
      const driver = buildTerminalDriver({
        config,
        io,
        entry,
        store,
        service,
        metrics,
        actions,
        clock,
        auto: options.auto ?? false,
        yes: options.yes ?? false,
        actor,
        commanderGiven: Boolean(options.commander),
      });
      const opened = await driver.open({
        runbook: entry.runbook,
        runbookVersion: entry.version,
        service: options.service,
        inputs,
        severity: options.severity as Incident['severity'] | undefined,
        commander: actor,
      });
      let incident = opened.incident;
      const by = { id: actor };
      for (const { role, person } of roles)
        incident = (
          person === null
            ? await driver.unassignRole(incident, role, by)
            : await driver.assignRole(incident, role, person, by)
        ).incident;
      io.stdout(`Opened ${incident.id}: ${incident.title} [${incident.severity}] for ${incident.service}\n`);
      io.stdout(
        `Runbook ${entry.runbook.metadata.id} (${entry.version.slice(0, 19)}…), commander ${actor}\n`,
      );
      io.stdout(rolesSummary(incident));
      await printRuntime(io, entry.runbook, incident, metrics, clock);
      const walked = await walkIncident(driver, incident, by);
      const counts: Record<string, number> = {};
      for (const s of walked.steps) counts[s.status] = (counts[s.status] ?? 0) + 1;
      io.stdout(
        `\n${walked.id}: status ${walked.status}, phase ${walked.phase}; steps ${Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}\nSee the timeline with: gc-incident show ${walked.id}\n`,
      );
      return { code: EXIT.OK, incidentId: walked.id };
    });
  } finally {
    await metrics?.close();
  }
}

/** The runtime the service reports, so people see which CPython the simulations default to. */
async function printRuntime(
  io: CliIo,
  runbook: Runbook,
  incident: Incident,
  metrics: MetricsClient | undefined,
  clock: Clock,
): Promise<void> {
  const { runtimes } = await reportedRuntimes(
    metrics,
    runbook.datasource ?? DEFAULT_DATASOURCE,
    incident.inputs,
    clock.now(),
  );
  for (const r of runtimes) {
    io.stdout(
      `Runtime: ${r.implementation} ${r.version} on ${r.instances} instance(s)${r.collector ? `, ${r.collector} collector` : ''}\n`,
    );
  }
  const python = runtimes.find((r) => r.modelled)?.modelled;
  if (python) io.stdout(`Simulations default to CPython ${python}\n`);
}
