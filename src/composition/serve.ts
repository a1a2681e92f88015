/**
 * `gc-incident serve`: the Slack app composed from its configuration. Its clients (store,
 * metrics, HTTP actions, validation) come from the composition root; src/slack/server.ts wires
 * Bolt, the flow and the schedules around them. src/cli imports the app from here, never from
 * src/slack (and src/slack never from src/cli).
 */
import type { ServeConfig } from '../config.js';
import { type RunningServer, type ServerOptions, startServer } from '../slack/server.js';
import { compose } from './root.js';

export type { RunningServer, ServerOptions };

export function serve(
  config: ServeConfig,
  options: Omit<ServerOptions, 'config' | 'root'> = {},
): Promise<RunningServer> {
  return startServer({ ...options, config, root: compose(config) });
}
