// A pool of tokenizer worker processes, each pinned to its own block of CPUs.
//
// Why processes and not piscina's worker threads: the native binding's
// encodeBatch never computes on the calling JS thread — it runs on libuv
// threadpool threads that fan out to rayon threads, which inherit the affinity
// of the thread that spawned them. libuv's pool is per process, shared by all
// worker threads, so a per-thread pin reaches nothing that computes. A process
// pinned with taskset before it starts (all its threads inherit the mask) does.
// scripts/bench-pool.mjs measures the choices side by side.
//
// Contract: count() never rejects. A worker that crashes, is killed or
// exceeds the batch timeout is replaced and the batch retried; after
// MAX_ATTEMPTS failures the batch resolves as NOT_COUNTED with a note.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReplayError } from '../errors.js';
import { NOT_COUNTED, type BatchCounts } from './count.js';
import { allowedCpus, planBlocks } from './cpus.js';
import type { CountableInput } from './inputs.js';
import type { TokenizerBackend } from './textCounter.js';
import type { FromWorker, ToWorker } from './worker.js';

export const MAX_ATTEMPTS = 3;

/** Every live worker process of every pool, so a signal handler can stop them all. */
const liveChildren = new Set<ChildProcess>();

export function killAllWorkers(): void {
  for (const c of liveChildren) c.kill('SIGKILL');
  liveChildren.clear();
}
const TASKSET = '/usr/bin/taskset';

export interface PoolOptions {
  tokenizerJson: string;
  tokenizerConfig: string | null;
  backend: TokenizerBackend;
  /** Worker processes; default one per CPU block (see defaultWorkers). */
  workers?: number;
  /** A batch taking longer than this is presumed hung: its worker is replaced. */
  batchTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Extra environment for the workers (tests use REPLAY_WORKER_CRASH_ON_COUNT). */
  workerEnv?: Record<string, string>;
}

interface Job {
  id: number;
  inputs: CountableInput[];
  attempts: number;
  lastError: string;
  resolve: (r: BatchCounts) => void;
  timer?: NodeJS.Timeout;
}

interface Worker {
  child: ChildProcess;
  cpus: number[] | null;
  jobs: Map<number, Job>;
  ready: Promise<void>;
  started: boolean;
  dead: boolean;
}

/**
 * The native backend parallelises inside one encodeBatch (rayon), the JS one
 * does not: native gets one worker per block of up to 8 CPUs (the reference's
 * block size), JS one worker per CPU.
 */
export function defaultWorkers(backend: TokenizerBackend, cpus: number): number {
  return backend === 'native' ? Math.max(1, Math.ceil(cpus / 8)) : Math.max(1, cpus);
}

function workerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'worker.js');
  // Under the test runner this module is the TypeScript source: use the build.
  return existsSync(beside) ? beside : join(here, '..', '..', 'dist', 'tokens', 'worker.js');
}

export class TokenizerPool {
  private readonly slots: Worker[] = [];
  private nextId = 1;
  private closed = false;
  readonly blocks: Array<number[] | null>;

  private constructor(
    private readonly opts: PoolOptions,
    blocks: Array<number[] | null>,
  ) {
    this.blocks = blocks;
  }

  static async start(opts: PoolOptions): Promise<TokenizerPool> {
    const cpus = allowedCpus();
    const n = opts.workers ?? defaultWorkers(opts.backend, cpus?.length ?? 1);
    const blocks: Array<number[] | null> = cpus ? planBlocks(cpus, n) : Array.from({ length: Math.max(1, n) }, () => null);
    // More workers than CPUs: share blocks round-robin.
    while (cpus && blocks.length < n) blocks.push(blocks[blocks.length % Math.max(1, cpus.length)]!);
    const pool = new TokenizerPool(opts, blocks);
    for (let i = 0; i < blocks.length; i++) pool.slots.push(pool.spawn(blocks[i]!));
    try {
      await Promise.all(pool.slots.map((w) => w.ready));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get workers(): number {
    return this.slots.length;
  }

  /** Process ids of the live workers (for tests and diagnostics). */
  pids(): number[] {
    return this.slots.map((w) => w.child.pid!).filter((p) => p !== undefined);
  }

  count(inputs: CountableInput[]): Promise<BatchCounts> {
    return new Promise((resolve) => {
      const job: Job = { id: this.nextId++, inputs, attempts: 0, lastError: '', resolve };
      this.dispatch(job);
    });
  }

  /** Test hook: make worker `index` block for `ms` (a hung encode). */
  stall(index: number, ms: number): void {
    this.slots[index]!.child.send({ type: 'stall', ms } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.slots) {
      w.dead = true;
      w.child.kill('SIGKILL');
      for (const job of w.jobs.values()) this.giveUp(job, 'pool closed');
      w.jobs.clear();
    }
  }

  private spawn(cpus: number[] | null): Worker {
    const pin = cpus !== null && existsSync(TASKSET);
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.opts.workerEnv, RAYON_NUM_THREADS: String(cpus?.length ?? 1) };
    const child = fork(workerScript(), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env,
      // taskset execs node with the mask already set: every thread the worker
      // ever starts (libuv pool, rayon pool) inherits it.
      ...(pin ? { execPath: TASKSET, execArgv: ['-c', cpus.join(','), process.execPath] } : { execArgv: [] }),
    });
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    const w: Worker = { child, cpus, jobs: new Map(), ready: Promise.resolve(), started: false, dead: false };
    w.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ReplayError(`tokenizer worker did not start within ${(this.opts.startTimeoutMs ?? 60_000) / 1000}s`, 'try --workers 0')), this.opts.startTimeoutMs ?? 60_000);
      const onMessage = (m: FromWorker): void => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          child.off('message', onMessage);
          w.started = true;
          resolve();
        } else if (m.type === 'error' && m.id === null) {
          clearTimeout(timer);
          reject(new ReplayError(`${this.opts.tokenizerJson}: cannot load tokenizer (${m.message})`, 'pass --tokenizer with a valid tokenizer.json'));
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new ReplayError(`tokenizer worker exited during start-up (${signal ?? `code ${code}`})`, 'try --workers 0'));
      });
    });
    // A worker that never starts takes no more work; its batches go elsewhere or give up.
    w.ready.catch((err: Error) => {
      if (w.dead) return;
      w.dead = true;
      child.kill('SIGKILL');
      const orphans = [...w.jobs.values()];
      w.jobs.clear();
      for (const job of orphans) {
        clearTimeout(job.timer);
        job.lastError = err.message;
        this.retryOrGiveUp(job);
      }
    });
    child.on('message', (m: FromWorker) => this.onMessage(w, m));
    child.on('exit', (code, signal) => this.onExit(w, signal ?? `exit code ${code}`));
    child.on('error', () => undefined);
    child.send({ type: 'init', tokenizerJson: this.opts.tokenizerJson, tokenizerConfig: this.opts.tokenizerConfig, backend: this.opts.backend } satisfies ToWorker);
    return w;
  }

  private dispatch(job: Job): void {
    if (this.closed) return this.giveUp(job, 'pool closed');
    const live = this.slots.filter((w) => !w.dead);
    if (live.length === 0) return this.giveUp(job, 'no live workers');
    // Least loaded first; ties to the lowest index. Results never depend on the choice.
    const w = live.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    job.attempts++;
    w.jobs.set(job.id, job);
    job.timer = setTimeout(() => this.replace(w, `batch exceeded ${this.opts.batchTimeoutMs}ms`), this.opts.batchTimeoutMs ?? 600_000);
    w.ready.then(
      () => {
        if (!w.dead) w.child.send({ type: 'count', id: job.id, inputs: job.inputs } satisfies ToWorker);
      },
      () => undefined,
    );
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (m.type === 'ready') return;
    if (m.id === null) return;
    const job = w.jobs.get(m.id);
    if (!job) return;
    w.jobs.delete(m.id);
    clearTimeout(job.timer);
    if (m.type === 'result') {
      job.resolve({ counts: m.counts, notes: m.notes });
    } else {
      job.lastError = m.message;
      this.retryOrGiveUp(job);
    }
  }

  private onExit(w: Worker, reason: string): void {
    if (w.dead || !w.started) return;
    this.replace(w, `worker died (${reason})`);
  }

  /** Kill a worker, start its replacement on the same CPUs, retry its batches there. */
  private replace(w: Worker, reason: string): void {
    if (w.dead) return;
    w.dead = true;
    w.child.kill('SIGKILL');
    const orphans = [...w.jobs.values()];
    w.jobs.clear();
    if (!this.closed) {
      const fresh = this.spawn(w.cpus);
      this.slots[this.slots.indexOf(w)] = fresh;
    }
    for (const job of orphans) {
      clearTimeout(job.timer);
      job.lastError = reason;
      this.retryOrGiveUp(job);
    }
  }

  private retryOrGiveUp(job: Job): void {
    if (job.attempts >= MAX_ATTEMPTS) this.giveUp(job, `failed ${job.attempts} times: ${job.lastError}`);
    else this.dispatch(job);
  }

  private giveUp(job: Job, why: string): void {
    clearTimeout(job.timer);
    job.resolve({ counts: new Int32Array(job.inputs.length).fill(NOT_COUNTED), notes: { [`not counted: tokenizer worker ${why}`]: job.inputs.length } });
  }
}
