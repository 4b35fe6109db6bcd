// Charts are rendered on a thread of their own, started with the replay so
// vega is loaded by the time the outputs are written; the main thread writes
// the Arrow tables meanwhile. SVGs are the same as rendered in-process.
import { Piscina } from 'piscina';
import { builtSibling } from '../distPath.js';
import { renderSvg, type Spec } from './charts.js';

export type RenderChart = (spec: Spec) => Promise<string>;

export class ChartThread {
  private readonly pool: Piscina;

  constructor() {
    this.pool = new Piscina({ filename: builtSibling(import.meta.url, 'chartWorker.js'), minThreads: 1, maxThreads: 1, idleTimeout: 60_000 });
    // A thread that cannot start shows up as a failed render, which falls back to this thread.
    this.pool.on('error', () => undefined);
  }

  /** The chart's SVG; rendered here if the thread failed. */
  readonly render: RenderChart = (spec) => (this.pool.run(spec) as Promise<string>).catch(() => renderSvg(spec));

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
