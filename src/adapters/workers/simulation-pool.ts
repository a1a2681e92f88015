/**
 * The one pool every simulation of a serving process goes through, so no
 * number of Slack users can start more workers than there are CPUs: at most
 * `size` runs at once (one per CPU), the rest wait in a bounded queue where an
 * incident's own steps go before ad-hoc `/gc-incident simulate` runs; one user
 * holds at most `perUser` queued or running ad-hoc runs; each run has a
 * wall-clock limit after which its worker is stopped and the caller gets
 * SIMULATION_TIMEOUT, and a memory limit (its worker's heap). A fit's rounds
 * of simulation go through the same pool as one run. Who asks (user, priority) travels with the async context
 * of the request (`asSimulationRequest`), so the incident flow needs no new
 * parameters.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import { GcIncidentError } from '../../core/errors.js';
import type { FitResult } from '../../core/fit/fit-workload.js';
import type { GcObservations } from '../../core/fit/observations.js';
import type { SimulationResult } from '../../core/simulator/simulate.js';
import type { Workload } from '../../core/simulator/workload.js';
import type { FitRunner } from '../fit/fit-in-worker.js';
import type { WorkerRunOptions } from '../simulator/worker-runner.js';

/** Ad-hoc what-ifs per request; the baseline runs besides them. */
export const MAX_WHAT_IFS = 8;

export type SimulationPriority = 'incident' | 'adhoc';

export interface SimulationRequest {
  readonly user?: string | undefined;
  readonly priority: SimulationPriority;
}

const requestContext = new AsyncLocalStorage<SimulationRequest>();

/** Runs `fn` (and everything it starts) as simulations asked for by `request`. */
export function asSimulationRequest<T>(request: SimulationRequest, fn: () => T): T {
  return requestContext.run(request, fn);
}

export type SimulationRunner = (workload: Workload, options: WorkerRunOptions) => Promise<SimulationResult>;

export interface SimulationPoolOptions {
  readonly run: SimulationRunner;
  /** Runs one fit (default: none; `fit` then refuses). */
  readonly fit?: FitRunner | undefined;
  /** Runs at once (default: the CPUs available). */
  readonly size?: number;
  /** Waiting runs beyond which new ones are refused (default 64). */
  readonly maxQueued?: number;
  /** Ad-hoc runs one user may have queued or running (default 2: each request runs its variants one after another). */
  readonly perUser?: number;
  /** Wall-clock limit of one run (default 120 s). */
  readonly timeoutMs?: number;
  /** Heap limit of one run's worker in MB (default 1024). */
  readonly memoryMb?: number;
}

interface Job {
  /** "simulation of 'w'", for the timeout's message. */
  readonly what: string;
  readonly execute: (options: WorkerRunOptions) => Promise<unknown>;
  readonly request: SimulationRequest;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class SimulationPool {
  readonly size: number;
  private readonly maxQueued: number;
  private readonly perUser: number;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly perUserCount = new Map<string, number>();

  constructor(private readonly options: SimulationPoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.maxQueued = options.maxQueued ?? 64;
    this.perUser = options.perUser ?? 2;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.memoryMb = options.memoryMb ?? 1024;
  }

  /** Whether `user` may queue `runs` more ad-hoc runs now; throws SIMULATION_BUSY with the reason if not. */
  admit(user: string | undefined, runs: number): void {
    if (this.queue.length + runs > this.maxQueued)
      throw new GcIncidentError(
        'SIMULATION_BUSY',
        `the simulator is busy (${this.queue.length} runs waiting); try again in a few minutes`,
      );
    const held = user ? (this.perUserCount.get(user) ?? 0) : 0;
    if (user && held + runs > this.perUser)
      throw new GcIncidentError(
        'SIMULATION_BUSY',
        `you already have ${held} simulation run(s) queued or running (at most ${this.perUser}); wait for them to finish`,
        { user },
      );
  }

  /** Runs one workload when a slot is free; the caller's request (if any) sets priority and user. */
  run(workload: Workload, onProgress?: (fraction: number) => void): Promise<SimulationResult> {
    return this.enqueue(`simulation of '${workload.name}'`, (options) =>
      this.options.run(workload, { ...options, onProgress }),
    );
  }

  /** Runs one fit (its simulations) as one run of the pool, under the same limits. */
  fit(observations: GcObservations, python: string | undefined): Promise<FitResult> {
    const runFit = this.options.fit;
    if (!runFit) return Promise.reject(new Error('this simulation pool runs no fits'));
    return this.enqueue(`the fit of job '${observations.job}'`, (options) =>
      runFit(observations, python, options),
    );
  }

  private enqueue<T>(what: string, execute: (options: WorkerRunOptions) => Promise<T>): Promise<T> {
    const request = requestContext.getStore() ?? { priority: 'incident' };
    if (request.priority === 'adhoc') this.admit(request.user, 1);
    return new Promise<T>((resolve, reject) => {
      const job: Job = { what, execute, request, resolve: resolve as (r: unknown) => void, reject };
      this.hold(request, +1);
      // Incident steps go before every waiting ad-hoc run; within a priority, first come first served.
      const at =
        request.priority === 'incident' ? this.queue.findIndex((j) => j.request.priority === 'adhoc') : -1;
      if (at < 0) this.queue.push(job);
      else this.queue.splice(at, 0, job);
      this.next();
    });
  }

  /** Runs queued or running now (for /metrics and tests). */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  private next(): void {
    while (this.running < this.size) {
      const job = this.queue.shift();
      if (!job) return;
      this.running++;
      void this.start(job).finally(() => {
        this.running--;
        this.hold(job.request, -1);
        this.next();
      });
    }
  }

  private async start(job: Job): Promise<void> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const result = await job.execute({ signal: controller.signal, memoryMb: this.memoryMb });
      // Finished in the grace after its deadline (a fit does not look at the cancel flag): still too late.
      if (timedOut) throw new Error('finished after its deadline');
      job.resolve(result);
    } catch (error) {
      job.reject(
        timedOut
          ? new GcIncidentError(
              'SIMULATION_TIMEOUT',
              `${job.what} ran longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped; simulate a shorter duration or fewer objects`,
            )
          : error,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private hold(request: SimulationRequest, delta: number): void {
    if (request.priority !== 'adhoc' || !request.user) return;
    const n = (this.perUserCount.get(request.user) ?? 0) + delta;
    if (n <= 0) this.perUserCount.delete(request.user);
    else this.perUserCount.set(request.user, n);
  }
}

/** Refuses more than MAX_WHAT_IFS what-ifs in one request, with the numbers. */
export function checkWhatIfCount(whatIfs: readonly string[]): void {
  if (whatIfs.length > MAX_WHAT_IFS)
    throw new GcIncidentError(
      'USAGE',
      `at most ${MAX_WHAT_IFS} what-ifs per simulation (you gave ${whatIfs.length}); split them over several requests`,
    );
}
