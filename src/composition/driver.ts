/**
 * The one place an IncidentDriver is built: the terminal walk (src/cli/commands/walk.ts) and the
 * Slack runtime (src/slack/flow/runtime.ts) hand it their narrator, decisions and capabilities.
 */
import { IncidentDriver } from '../core/incident/driver/driver.js';

/** The driver's own dependencies, whatever they are (its constructor decides). */
export type DriverInput = ConstructorParameters<typeof IncidentDriver>[0];

export function buildDriver(deps: DriverInput): IncidentDriver {
  return new IncidentDriver(deps);
}
