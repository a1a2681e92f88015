import { runCli } from '../../src/cli/main.js';
import { settingsFrom } from '../../src/config.js';
import type { Clock } from '../../src/core/ports.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output and a controlled environment. */
export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  extra: { answers?: string[]; clock?: Clock; sleep?: (ms: number) => Promise<void> } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const answers = [...(extra.answers ?? [])];
  const code = await runCli(args, {
    ask: async (question) => {
      stdout += question;
      return answers.shift() ?? '';
    },
    ...(extra.clock ? { clock: extra.clock } : {}),
    ...(extra.sleep ? { sleep: extra.sleep } : {}),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    settings: settingsFrom(env),
  });
  return { code, stdout, stderr };
}
