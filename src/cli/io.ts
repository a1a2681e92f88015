import { createInterface } from 'node:readline/promises';
import { systemClock } from '../adapters/clock.js';
import { processSettings, type Settings } from '../config.js';
import type { Clock } from '../core/ports.js';

/** What a CLI command may touch, injected so tests run commands in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The configuration, parsed once per view (tests pass settingsFrom({...})); never the environment. */
  readonly settings: Settings;
  /** Asks a question on the terminal; resolves with the answer ('' at end of input). */
  readonly ask?: ((question: string) => Promise<string>) | undefined;
  readonly clock?: Clock | undefined;
  /** Waits between verification rounds; tests pass one that moves their fake clock. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** stdout is a colour terminal (a TTY, NO_COLOR unset): dimmed text is allowed. */
  readonly colour?: boolean | undefined;
}

export const EXIT = { OK: 0, PROBLEMS: 1, USAGE: 2, FATAL: 3 } as const;

export function processIo(): CliIo {
  const settings = processSettings();
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    settings,
    colour: process.stdout.isTTY === true && !settings.noColor,
    ask: async (question) => {
      const rl = createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: process.stdin.isTTY,
      });
      try {
        return await rl.question(question);
      } catch {
        return '';
      } finally {
        rl.close();
      }
    },
    clock: systemClock,
  };
}
