import { Command } from 'commander';
import { serve } from '../../composition/serve.js';
import { type CliIo, EXIT } from '../io.js';

export function serveCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('serve')
    .description('Run the Slack app: /gc-incident, buttons, modals, /healthz and /metrics')
    .addHelpText(
      'after',
      `
HTTP mode (default): Slack sends requests to http://HOST:PORT/slack/events,
signed with SLACK_SIGNING_SECRET. Socket Mode: set SLACK_APP_TOKEN (xapp-…).
Needs SLACK_BOT_TOKEN. See docs/configuration.md for the whole configuration and
docs/slack-app.md for installing the app from manifest.yml.

Example:
  $ SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… gc-incident serve`,
    )
    .action(async () => {
      const config = io.settings.serve();
      const server = await serve(config, { lastResort: true });
      io.stderr(
        `gc-incident ${server.mode === 'socket' ? 'is connected in Socket Mode' : `listens on ${config.host}:${server.port} (POST /slack/events)`}; GET /healthz and /metrics. Ctrl-C stops it.\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.stop();
      done(EXIT.OK);
    });
}
