/**
 * One side of bench:ack in its own process: `gc` runs gc-incident's server,
 * `bare` a Bolt app whose only listener acks. Prints the port, then serves
 * until stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { readServeConfig } from '../src/config.js';
import { startServer } from '../src/slack/server.js';

const [kind, apiUrl, token, secret, dbPath, runbooksDir, workloadsDir] = process.argv.slice(2) as string[];

if (kind === 'gc') {
  const env = {
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${dbPath}`,
    RUNBOOKS_DIR: runbooksDir,
    WORKLOADS_DIR: workloadsDir,
    LOG_LEVEL: 'silent',
    // The channel's posting pace (docs/slack-app.md); SLACK_POST_PACE=0 measures acks without it.
    ...(process.env.SLACK_POST_PACE ? { SLACK_POST_PACE: process.env.SLACK_POST_PACE } : {}),
  };
  const app = await startServer({ config: readServeConfig(env) });
  console.log(`PORT ${app.port}`);
  process.stdin.on('end', () => void app.stop().finally(() => process.exit(0)));
  process.on('SIGINT', () => process.exit(0));
  process.stdin.resume();
} else {
  const receiver = new HTTPReceiver({
    signingSecret: secret as string,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    receiver,
    token,
    clientOptions: { slackApiUrl: apiUrl as string },
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
  });
  app.command('/gc-incident', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = createServer(receiver.requestListener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  console.log(`PORT ${(server.address() as AddressInfo).port}`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
