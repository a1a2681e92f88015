/**
 * What every part of the Slack flow shares: its dependencies, the card updater, the
 * narrator and the driver wired to them, background tasks and leases. Built once per app.
 */
import { buildSlackDriver } from '../../composition/slack.js';
import type { IncidentDriver } from '../../core/incident/driver/driver.js';
import type { Incident } from '../../core/incident/model.js';
import { runnableActions } from '../../core/incident/progress.js';
import { cardContext } from '../blocks/card-context.js';
import type { SlackMessage } from '../blocks/common.js';
import { CardUpdater } from '../card-updater.js';
import type { SlackNarrator } from '../narrator.js';
import { NativeBlocks } from '../native-blocks.js';
import { approverHandles, HandleDirectory } from '../people.js';
import { postToThread } from '../thread.js';
import { CanvasCharts } from './canvas-charts.js';
import type { FlowDeps } from './deps.js';
import { FlowLeases } from './leases.js';
import { PlaceFollower } from './place-follower.js';
import { BackgroundTasks } from './tasks.js';

export class FlowRuntime {
  readonly tasks: BackgroundTasks;
  readonly leases: FlowLeases;
  readonly cards: CardUpdater;
  readonly narrator: SlackNarrator;
  readonly driver: IncidentDriver;
  /** Runbook approvers' @handles, resolved to user ids once, as the runbooks were loaded. */
  readonly people: HandleDirectory;
  /** Tables and charts Slack draws itself; what the workspace refused is remembered here, per process. */
  readonly native: NativeBlocks;
  /** An incident channel's topic and announcing line, following what they show. */
  readonly places: PlaceFollower;
  /** The postmortem canvas's charts, uploaded once per content. */
  readonly canvasCharts: CanvasCharts;

  constructor(readonly deps: FlowDeps) {
    this.people = new HandleDirectory(deps.slack, deps.logger);
    void this.people.load(approverHandles(deps.runbooks.list()));
    this.tasks = new BackgroundTasks(deps.logger);
    this.leases = new FlowLeases(deps.leases, deps.logger);
    this.cards = new CardUpdater(
      deps.store,
      deps.slack,
      deps.logger,
      (incident) => this.runnableActions(incident),
      (incident) =>
        cardContext(incident, deps.runbooks.find(incident.runbookId), deps.cardLinks ?? {}, deps.clock.now()),
    );
    this.places = new PlaceFollower({ workspace: deps.workspace, slack: deps.slack, logger: deps.logger });
    this.canvasCharts = new CanvasCharts({
      workspace: deps.workspace,
      svgPng: deps.svgPng,
      logger: deps.logger,
    });
    this.native = new NativeBlocks({
      slack: deps.slack,
      logger: deps.logger,
      chart: deps.chart,
      charts: deps.nativeCharts ?? false,
    });
    // The narrator and the driver come from the composition root (src/composition/slack.ts).
    ({ narrator: this.narrator, driver: this.driver } = buildSlackDriver(this));
  }

  runbookOf(incident: Incident) {
    return this.deps.runbooks.get(incident.runbookId);
  }

  /** Posts in the card's thread; the first message's ts, or undefined without a card. */
  thread(incident: Incident, messages: readonly SlackMessage[]): Promise<string | undefined> {
    return postToThread(this.deps.slack, incident, messages);
  }

  /** Containment actions the card offers a Run button for (the walk asks the same: progress.ts). */
  private runnableActions(incident: Incident): ReadonlySet<string> {
    const runbook = this.deps.runbooks.find(incident.runbookId)?.runbook;
    return runbook ? runnableActions(runbook, this.deps.actions !== undefined) : new Set();
  }
}
