/**
 * One replica's reminder scheduler in its own process, for the exactly-once
 * tests: ticks against PostgreSQL and the fake Slack Web API until nothing is
 * pending. CRASH=claimed|dm-sent|recorded kills the process with SIGKILL at that point
 * of its first delivery.
 */
import { WebClient } from '@slack/web-api';
import { systemClock } from '../../src/adapters/clock.js';
import { createAppMetrics } from '../../src/adapters/observability/app-metrics.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { PostgresStore } from '../../src/adapters/store/postgres-store.js';
import { WebSlackGateway } from '../../src/slack/gateway.js';
import { ReminderSender } from '../../src/slack/reminder-sender.js';

const [url, schema, apiUrl, token, leaseMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const crash = process.env.CRASH;
const store = new PostgresStore({ connectionString: url, schema, max: 4 });
const logger = createLogger({ level: 'warn' });
const metrics = createAppMetrics({ defaultMetrics: false });
const slack = new WebSlackGateway(
  new WebClient(token, { slackApiUrl: apiUrl, retryConfig: { retries: 2 } }),
  metrics,
  logger,
  systemClock,
);
const sender = new ReminderSender({
  store,
  slack,
  clock: { now: () => new Date() },
  logger,
  claimant: `replica-${process.pid}`,
  leaseMs: Number(leaseMs),
  batch: 20,
  crashPoint: (point) => {
    if (point === crash) process.kill(process.pid, 'SIGKILL');
  },
});

let sent = 0;
const deadline = Date.now() + 90_000;
while (Date.now() < deadline) {
  sent += await sender.tick();
  if ((await store.pendingReminders(new Date())) === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
console.log(JSON.stringify({ pid: process.pid, sent }));
await store.close();
