/**
 * The Slack app's composition root, as the CLI's `serve` reaches it: src/cli imports the
 * wiring from here, never from src/slack (and src/slack never from src/cli).
 */
export { type RunningServer, type ServerOptions, startServer } from '../slack/server.js';
