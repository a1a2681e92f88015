/**
 * The real server in its own process, wired to the fake Web API, a SQLite
 * store in a temporary folder and a runbook folder: what the security tests
 * and the fuzz test attack. `alive()` asks /healthz, so a test can tell a
 * process that still serves from one that crashed or hangs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { type AppProcess, startApp } from './app-process.js';
import { RUNBOOKS_DIR } from './runbooks.js';
import { FakeSlackApi } from './slack-api.js';
import { SIGNING_SECRET } from './slack-requests.js';

export const ALERTMANAGER_TOKEN = 'am-token-0123456789abcdef';

export interface RealApp {
  readonly port: number;
  readonly api: FakeSlackApi;
  readonly process: AppProcess;
  readonly logs: string[];
  alive(timeoutMs?: number): Promise<boolean>;
  exitCode(): number | null | undefined;
  stop(): Promise<void>;
}

export async function startRealApp(env: Record<string, string> = {}): Promise<RealApp> {
  const api = await new FakeSlackApi().start();
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-security-'));
  const logs: string[] = [];
  const child = await startApp(
    {
      SLACK_BOT_TOKEN: api.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: api.url,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'gc.db')}`,
      RUNBOOKS_DIR,
      LOG_LEVEL: 'warn',
      REMINDER_CRON: 'off',
      DIGEST_CRON: 'off',
      ALERTMANAGER_TOKEN,
      ALERTMANAGER_CHANNEL: 'C0INCIDENT1',
      ...env,
    },
    { stderr: 'ignore', onLog: (line) => logs.push(line) },
  );
  let code: number | null | undefined;
  void child.exited.then((c) => {
    code = c;
  });
  return {
    port: child.port,
    api,
    process: child,
    logs,
    async alive(timeoutMs = 5000) {
      if (code !== undefined) return false;
      try {
        const res = await request(`http://127.0.0.1:${child.port}/healthz`, {
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        await res.body.text();
        return res.statusCode === 200;
      } catch {
        return false;
      }
    },
    exitCode: () => code,
    async stop() {
      if (code === undefined) {
        child.child.stdin?.end();
        const killer = setTimeout(() => child.child.kill('SIGKILL'), 15_000);
        await child.exited;
        clearTimeout(killer);
      }
      await api.stop();
    },
  };
}
