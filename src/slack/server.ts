/**
 * The Slack app's wiring: configuration in, a running server out. The store,
 * metrics client, HTTP actions and validation come from the composition root
 * (src/composition/root.ts); here are the runbooks, simulator worker, Bolt (HTTP receiver, or Socket Mode with SLACK_APP_TOKEN), the
 * incident flow and the listeners, and serves /healthz and /metrics beside
 * Slack's endpoint.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt/dist/receivers/custom-routes.js';
import cron, { type ScheduledTask } from 'node-cron';
import { jitteredBackoff } from '../adapters/backoff.js';
import { createChartRenderer } from '../adapters/charts/render-in-worker.js';
import { systemClock } from '../adapters/clock.js';
import { runFitInWorker } from '../adapters/fit/fit-in-worker.js';
import { RunbookLibrary } from '../adapters/fs/runbook-library.js';
import { loadNamedWorkload } from '../adapters/fs/workload-source.js';
import { type LeaseHandler, WorkLeases } from '../adapters/leases/work-leases.js';
import { createAppMetrics } from '../adapters/observability/app-metrics.js';
import { boltLogger, createLogger } from '../adapters/observability/logger.js';
import { runSimulationInWorker } from '../adapters/simulator/worker-runner.js';
import { SimulationPool } from '../adapters/workers/simulation-pool.js';
import { compose } from '../composition/root.js';
import { GcIncidentError } from '../core/errors.js';
import { IncidentService } from '../core/incident/service.js';
import { MCP_PATH, mcpHttpHandler } from '../mcp/http.js';
import { incidentAccess } from './access.js';
import { alertmanagerHandler } from './alertmanager-route.js';
import { sendDigest } from './digest.js';
import {
  acksAfterHolds,
  durableRequests,
  type PendingHolds,
  replaySlackRequest,
  SLACK_LEASE,
} from './durable-requests.js';
import { describeError } from './error-text.js';
import { IncidentFlow } from './flow/flow.js';
import { channelArchiver } from './flow/incident-channel.js';
import { CARD_LEASE, STEPS_LEASE } from './flow/leases.js';
import { WebSlackGateway } from './gateway.js';
import { health } from './health.js';
import { ACTION } from './ids.js';
import { installLastResort } from './last-resort.js';
import { registerListeners } from './listeners.js';
import { metricsRoute } from './metrics-route.js';
import { slackPostQueue } from './post-queue-wiring.js';
import { QueuedSlackGateway } from './queued-gateway.js';
import { ReminderSender } from './reminder-sender.js';
import { guardSlackRequests } from './request-guard.js';
import type { RunningServer, ServerOptions } from './server-types.js';
import type { AppServices } from './services.js';
import { staleActions } from './stale-actions.js';
import { WebSlackWorkspace } from './workspace.js';

export type { RunningServer, ServerOptions };

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const root = options.root ?? compose(config);
  const logger = createLogger({
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const appMetrics = createAppMetrics();
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const { context, problems } = root.validation();
  for (const p of problems)
    logger.warn({ file: p.file, line: p.line }, `configuration problem: ${p.message}`);
  const runbooks = RunbookLibrary.load(config.runbooksDir, context);
  for (const d of runbooks.diagnostics)
    logger.warn({ file: d.file, line: d.line, col: d.col, rule: d.rule }, `runbook not served: ${d.message}`);
  if (runbooks.list().length === 0) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `RUNBOOKS_DIR ${config.runbooksDir} holds no valid runbook; run 'gc-incident validate ${config.runbooksDir}'`,
      {
        variable: 'RUNBOOKS_DIR',
      },
    );
  }
  const removeLastResort = options.lastResort ? installLastResort(logger) : () => undefined;
  const metricsClient = root.metrics();
  const actions = root.actions();
  const store = options.store ?? (await root.openStore(clock));

  // Bolt copies its routes when the receiver is built; the Alertmanager handler needs the flow,
  // built after it, so its route delegates.
  let alertmanager: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  let mcp: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const serveMetrics = metricsRoute(appMetrics.registry);
  const routes: CustomRoute[] = [
    ...(config.mcpToken
      ? [
          {
            path: MCP_PATH,
            method: ['POST', 'GET', 'DELETE'],
            handler: (req, res) => void mcp?.(req, res),
          } satisfies CustomRoute,
        ]
      : []),
    {
      path: '/alertmanager',
      method: ['POST'],
      handler: (req, res) => {
        if (alertmanager) void alertmanager(req, res);
        else {
          res.writeHead(503);
          res.end();
        }
      },
    },
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => void health(res, store, metricsClient, clock, store.posts),
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (req, res) => void serveMetrics(req, res),
    },
  ];
  const clientOptions = {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    retryConfig: { retries: options.slackRetries ?? 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
  };
  const bolt = boltLogger(logger);
  const socketMode = config.appToken !== undefined;
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.appToken as string,
        logger: bolt,
        customRoutes: routes,
        installerOptions: { port: config.port, clientOptions },
      })
    : new HTTPReceiver({
        signingSecret: config.signingSecret as string,
        endpoints: '/slack/events',
        logger: bolt,
        customRoutes: routes,
        // Slack waits 3 s; Bolt answers an unhandled request just after that, never later.
        unhandledRequestTimeoutMillis: 3001,
      });
  const app = new App({
    receiver,
    token: config.botToken,
    logger: bolt,
    clientOptions,
    deferInitialization: true,
  });
  app.error(async (error) => {
    logger.error({ err: describeError(error) }, 'unhandled error in a Slack listener');
  });

  const claimant = `${hostname()}:${process.pid}`;
  // Posts go through one durable queue per channel (docs/slack-app.md, "Posting pace").
  const postQueue = slackPostQueue({
    store,
    token: config.botToken,
    clientOptions: { ...clientOptions, logger: bolt },
    appMetrics,
    logger,
    claimant,
    pace: config.postPace,
    clock: options.postClock,
    timers: options.postTimers,
    leaseMs: options.leaseMs,
    note: async (incidentId, text, key) => {
      await flow.driver.addNote(await service.get(incidentId), text, { id: 'system' }, key);
    },
  });
  const slack = new QueuedSlackGateway(new WebSlackGateway(app.client, appMetrics, logger, clock), postQueue);
  const workspace = new WebSlackWorkspace(app.client, appMetrics, logger);
  const leases = new WorkLeases({
    store,
    clock,
    logger,
    claimant,
    bootId: randomUUID(),
    leaseMs: options.leaseMs,
  });
  const service = new IncidentService(store, clock, { retryDelay: jitteredBackoff() });
  // One chart worker for the app's charts, kept while they keep coming (a postmortem draws many).
  const charts = createChartRenderer();
  const simulations = new SimulationPool({
    run: runSimulationInWorker,
    fit: runFitInWorker,
    ...options.simulations,
  });
  const flow = new IncidentFlow({
    service,
    store,
    runbooks,
    slack,
    metrics: metricsClient,
    actions,
    simulate: (workload, onProgress) => simulations.run(workload, onProgress),
    fit: (observations, python) => simulations.fit(observations, python),
    chart: charts.png,
    svg: charts.svg,
    svgPng: charts.svgToPng,
    clock,
    sleep,
    logger,
    appMetrics,
    approvers: config.approvers,
    leases,
    cardLinks: { runbookBaseUrl: config.runbookBaseUrl, dashboardUrlTemplate: config.dashboardUrlTemplate },
    teamTimeZone: config.digestTimeZone,
    alertPolicy: { relapseWindowMs: config.alertRelapseWindowMs, fleet: config.alertFleet },
    nativeCharts: config.nativeCharts,
    workspace,
    incidentChannels: config.incidentChannels,
  });
  const services: AppServices = {
    flow,
    service,
    store,
    runbooks,
    slack,
    logger,
    appMetrics,
    clock,
    simulations,
    loadWorkload: (target) => loadNamedWorkload(target, config.workloadsDir, config.runbooksDir, context),
  };
  alertmanager = alertmanagerHandler({
    token: config.alertmanagerToken,
    defaultChannel: config.alertmanagerChannel,
    flow,
    runbooks,
    slack,
    logger,
    clock,
  });
  if (config.mcpToken)
    mcp = mcpHttpHandler({
      token: config.mcpToken,
      logger,
      deps: {
        config,
        validation: context,
        workloadsDir: config.workloadsDir,
        clock,
        metrics: metricsClient,
        store: async () => store,
        simulations,
        requester: 'mcp-http',
      },
    });
  // First of the middleware: a request is recorded before any listener can ack it, and its ack
  // waits until the record is on disk.
  const holds: PendingHolds = new WeakMap();
  acksAfterHolds(app, holds);
  app.use(durableRequests(leases, logger, holds));
  app.use(staleActions(logger, [ACTION.pickRunbook, ACTION.roles]));
  registerListeners(app, services);
  // Global middleware runs before any listener whatever the order of registration; after the
  // listeners' tracking middleware, so a refusal's answer is awaited like a listener's.
  app.use(
    incidentAccess({
      members: config.incidentMembers,
      groupMembers: (group) => slack.groupMembers(group),
      load: (id) => store.load(id),
      logger,
    }),
  );
  // A dead process's work taken over is background work like a listener's after its ack: idle()
  // waits for it (a graceful stop, and a test reading what it did: a card's pin once came after).
  const counted =
    (handler: LeaseHandler): LeaseHandler =>
    (work) => {
      const done = handler(work);
      flow.track(done);
      return done;
    };
  leases.on(SLACK_LEASE, counted(replaySlackRequest(app)));
  leases.on(
    STEPS_LEASE,
    counted((work) => flow.interrupted(work)),
  );
  leases.on(
    CARD_LEASE,
    counted((work) => flow.finishCard(work)),
  );
  await app.init();

  // Reminders and the digest: node-cron only ticks; the store's claims make each send happen once
  // however many replicas tick (see src/slack/reminder-sender.ts).
  const reminders = new ReminderSender({
    store,
    slack,
    clock,
    logger,
    appMetrics,
    claimant,
    leaseMs: options.reminderLeaseMs,
    archive: channelArchiver({ store, workspace }),
  });
  const digest = () => sendDigest({ store, slack, clock, logger, claimant, timeZone: config.digestTimeZone });
  const tasks: ScheduledTask[] = [];
  const safely = (name: string, fn: () => Promise<unknown>) => async () => {
    try {
      await fn();
    } catch (error) {
      logger.error({ task: name, err: describeError(error) }, `${name} failed`);
    }
  };
  if (config.reminderCron) {
    tasks.push(
      cron.schedule(
        config.reminderCron,
        safely('reminders', () => reminders.tick()),
        { name: 'reminders', noOverlap: true },
      ),
    );
    // Reminders that fell due while the app was down go out now, once each (not once per missed tick).
    void safely('reminders', () => reminders.tick())();
  }
  if (config.digestCron) {
    tasks.push(
      cron.schedule(config.digestCron, safely('digest', digest), {
        name: 'digest',
        noOverlap: true,
        timezone: config.digestTimeZone,
      }),
    );
  }

  let server: Server | undefined;
  let port = config.port;
  if (receiver instanceof HTTPReceiver) {
    const listener = guardSlackRequests(receiver.requestListener, logger, {
      signingSecret: config.signingSecret,
    });
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      if (req.method === 'POST' && req.url?.startsWith('/slack/events')) {
        res.on('finish', () =>
          appMetrics.ackSeconds.observe({ kind: 'slack' }, Number(process.hrtime.bigint() - started) / 1e9),
        );
      }
      listener(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(config.port, config.host, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  } else {
    await app.start();
  }
  // Work a stopped process left unfinished is taken over from now on (and once right away).
  leases.start();
  postQueue.start();
  logger.info(
    { port, mode: socketMode ? 'socket' : 'http', runbooks: runbooks.list().length, store: store.kind },
    'gc-incident is listening',
  );

  return {
    port,
    mode: socketMode ? 'socket' : 'http',
    services,
    metrics: appMetrics,
    logger,
    reminders,
    leases,
    digest,
    async stop() {
      for (const task of tasks) await task.destroy();
      if (server) {
        server.closeIdleConnections?.();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      } else {
        await app.stop();
      }
      // Let running steps record their outcome, but never hang a shutdown on a long simulation.
      await Promise.race([flow.idle(), new Promise((r) => setTimeout(r, 10_000).unref())]);
      // Whatever still runs now is left to its lease: another process takes it over.
      leases.stop();
      await leases.flushForgotten();
      await postQueue.stop();
      await charts.close();
      await metricsClient?.close();
      if (!options.store) await store.close();
      removeLastResort();
    },
  };
}
