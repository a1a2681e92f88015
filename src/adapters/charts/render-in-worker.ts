/**
 * Chart rendering (Vega layout, SVG, resvg rasterising) costs tens to hundreds of milliseconds
 * of CPU: the Slack app does it in a worker thread so its event loop keeps acknowledging Slack.
 *
 * One worker serves a renderer's charts one after another and stays while charts keep coming
 * (a postmortem export draws one per check), then exits after `idleMs`. One chart at a time: a
 * chart that kills its worker (out of memory, a native abort) fails alone, and the next chart
 * starts a new worker. The queue is bounded, so a flood of charts is refused, not buffered.
 */
import type { Worker } from 'node:worker_threads';
import { GcIncidentError } from '../../core/errors.js';
import { startWorker, stopWorker } from '../workers/start-worker.js';
import type { ChartJob, ChartReply } from './chart-worker.js';

export interface ChartRenderer {
  png(spec: Record<string, unknown>): Promise<Buffer>;
  svg(spec: Record<string, unknown>): Promise<string>;
  /** A chart already drawn as SVG (a postmortem's), as PNG: what Slack shows as an image in a canvas. */
  svgToPng(svg: string): Promise<Buffer>;
  /** Stops the worker; charts still waiting are refused. */
  close(): Promise<void>;
  /** Workers started so far (one per run of charts, plus one after each worker lost). */
  readonly workersStarted: number;
}

export interface ChartRendererOptions {
  /** How long the worker waits for the next chart before it exits (default 30 s). */
  readonly idleMs?: number;
  /** Charts waiting beyond which new ones are refused (default 200). */
  readonly maxQueued?: number;
  /** How long one chart may take before its worker is stopped and the chart fails (default 60 s). */
  readonly deadlineMs?: number;
}

interface Pending {
  readonly id: number;
  readonly job: ChartJob;
  readonly resolve: (reply: Buffer | string) => void;
  readonly reject: (error: Error) => void;
}

export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  const idleMs = options.idleMs ?? 30_000;
  const maxQueued = options.maxQueued ?? 200;
  const deadlineMs = options.deadlineMs ?? 60_000;
  const queue: Pending[] = [];
  let worker: Worker | undefined;
  let current: Pending | undefined;
  let idle: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let nextId = 1;
  let closed = false;
  let workersStarted = 0;

  const retireIdleWorker = () => {
    const stopping = worker;
    worker = undefined;
    if (stopping) void stopWorker(stopping);
  };

  const settle = (reply: ChartReply) => {
    const job = current;
    if (!job || job.id !== reply.id) return;
    current = undefined;
    clearTimeout(deadline);
    if (reply.ok && reply.png)
      job.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength));
    else if (reply.ok && reply.svg !== undefined) job.resolve(reply.svg);
    else job.reject(new Error(`chart rendering failed: ${reply.ok ? 'empty reply' : reply.message}`));
    next();
  };

  // The worker died (or could not start): the chart it was drawing fails, the next one gets a new worker.
  const lost = (reason: string) => {
    worker = undefined;
    const job = current;
    current = undefined;
    clearTimeout(deadline);
    job?.reject(new Error(`chart rendering failed: ${reason}`));
    next();
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const started = startWorker(import.meta.url, './chart-worker', undefined);
    workersStarted += 1;
    started.on('message', settle);
    started.on('error', (error) => {
      if (worker === started) lost(error.message);
    });
    started.on('exit', (code) => {
      if (worker === started) lost(`chart worker exited with code ${code}`);
    });
    worker = started;
    return started;
  };

  function next(): void {
    while (!current && !closed) {
      const job = queue.shift();
      if (!job) {
        // Waiting for the next chart never keeps the process alive; drawing one does.
        worker?.unref();
        clearTimeout(idle);
        idle = setTimeout(retireIdleWorker, idleMs);
        idle.unref();
        return;
      }
      clearTimeout(idle);
      current = job;
      try {
        const drawing = ensureWorker();
        drawing.ref();
        drawing.postMessage({ id: job.id, job: job.job });
        // A chart that never finishes would hold every chart behind it: its worker is stopped.
        deadline = setTimeout(() => {
          const stuck = worker;
          lost(`no chart after ${deadlineMs / 1000} s`);
          if (stuck) void stopWorker(stuck);
        }, deadlineMs);
      } catch (error) {
        // The job could not be handed over (a value a worker cannot receive, no thread to start):
        // it fails alone and the queue goes on.
        current = undefined;
        job.reject(
          new Error(`chart rendering failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    }
  }

  const submit = (job: ChartJob): Promise<Buffer | string> =>
    new Promise((resolve, reject) => {
      if (closed)
        return reject(new GcIncidentError('CHART_NOT_DRAWN', 'chart not drawn: the app is stopping'));
      if (queue.length >= maxQueued)
        return reject(
          new GcIncidentError('CHART_NOT_DRAWN', `chart not drawn: ${maxQueued} charts are already waiting`),
        );
      queue.push({ id: nextId++, job, resolve, reject });
      next();
    });

  return {
    png: async (spec) => (await submit({ spec, format: 'png' })) as Buffer,
    svg: async (spec) => (await submit({ spec, format: 'svg' })) as string,
    svgToPng: async (svg) => (await submit({ svg, format: 'png' })) as Buffer,
    get workersStarted() {
      return workersStarted;
    },
    async close() {
      closed = true;
      clearTimeout(idle);
      for (const job of queue.splice(0))
        job.reject(new GcIncidentError('CHART_NOT_DRAWN', 'chart not drawn: the app is stopping'));
      const stopping = worker;
      worker = undefined;
      current?.reject(new GcIncidentError('CHART_NOT_DRAWN', 'chart not drawn: the app is stopping'));
      current = undefined;
      clearTimeout(deadline);
      if (stopping) await stopWorker(stopping);
    },
  };
}

/** One chart in a worker of its own, for one-off callers (the terminal, tests): it exits after. */
async function once<T>(draw: (renderer: ChartRenderer) => Promise<T>): Promise<T> {
  const renderer = createChartRenderer({ idleMs: 0 });
  try {
    return await draw(renderer);
  } finally {
    await renderer.close();
  }
}

export function renderPngInWorker(spec: Record<string, unknown>): Promise<Buffer> {
  return once((r) => r.png(spec));
}

export function svgToPngInWorker(svg: string): Promise<Buffer> {
  return once((r) => r.svgToPng(svg));
}

export function renderSvgInWorker(spec: Record<string, unknown>): Promise<string> {
  return once((r) => r.svg(spec));
}
