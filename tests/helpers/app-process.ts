/**
 * The real app in its own process, so a test can SIGKILL it: `startApp()`
 * spawns this file with the app's environment; the child prints its port
 * and serves until stdin closes (a graceful stop) or it is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readServeConfig } from '../../src/config.js';
import { startServer } from '../../src/slack/server.js';
import { helperEntry } from '../tiers/bundles.js';

export interface AppProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
}

export function startApp(
  env: Record<string, string>,
  options: {
    leaseMs?: number;
    reminderLeaseMs?: number;
    /** Where the app's stderr goes: inherited, dropped, or a file descriptor. */
    stderr?: 'inherit' | 'ignore' | number;
    /** Receives the app's log lines (its stdout after the port). */
    onLog?: (line: string) => void;
  } = {},
): Promise<AppProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...helperEntry(import.meta.filename),
        JSON.stringify(env),
        String(options.leaseMs ?? 30_000),
        String(options.reminderLeaseMs ?? 5 * 60_000),
      ],
      { stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'] },
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let out = '';
    const onData = (d: Buffer) => {
      out += String(d);
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        child.stdout?.off('data', onData);
        let rest = '';
        child.stdout?.on('data', (d: Buffer) => {
          const lines = (rest + String(d)).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) options.onLog?.(line);
        });
        resolve({ port: Number(m[1]), child, exited });
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`the app process exited with ${code} before listening`)));
  });
}

if (process.argv[1] === import.meta.filename) {
  const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  const app = await startServer({
    config: readServeConfig(env),
    leaseMs: Number(process.argv[3]),
    reminderLeaseMs: Number(process.argv[4]),
    lastResort: true,
  });
  console.log(`PORT ${app.port}`);
  process.stdin.on('end', () => void app.stop().finally(() => process.exit(0)));
  process.stdin.resume();
}
