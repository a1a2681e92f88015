/** Work that outlives the request it came from (a listener after its ack, a phase's checks). */
import type { Logger } from 'pino';
import { describeError } from '../error-text.js';

export class BackgroundTasks {
  private readonly tasks = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Resolves when no background work is left (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Keeps `work` counted until it settles; idle() waits for it. Its outcome is the caller's. */
  track(work: Promise<unknown>): void {
    const task: Promise<void> = work.then(
      () => {},
      () => {},
    );
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /** Runs `work` in the background; a failure is logged. */
  run(label: string, work: () => Promise<void>): void {
    const task = work()
      .catch((error) =>
        this.logger.error({ task: label, err: describeError(error) }, `background task failed: ${label}`),
      )
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }
}
