// A pool of tokenizer worker processes, each pinned to its own block of CPUs:
// scheduling, timeouts and retries. Spawning is spawn.ts; the protocol messages.ts.
//
// Layout, measured on a 2-CPU box (DeepSeek-V3 tokenizer, ds_samples texts, medians of 2
// rounds; `node scripts/bench-tokenize.mjs 4000 --rounds 2 --compare-blocks`):
//   1 worker x 2 CPUs (rayon fans out)   0.36 M tok/s
//   2 workers x 1 CPU, depth 2           0.46 M tok/s   <- default: one single-CPU worker per CPU
//   2 workers x 1 CPU, depth 1           0.43 M tok/s
// Rayon's fan-out inside one process costs more than it gains on texts this size,
// and two batches per worker keep it busy while the parent prepares the next ones.
//
// Contract: count() and run() never reject and never hang. A worker that crashes,
// is killed, or makes no progress on its current item for batchTimeoutMs is
// killed and replaced on the same CPUs, and the item is retried; an item that
// fails MAX_ATTEMPTS times resolves as failed (a count batch: every count
// NOT_COUNTED, with a note).
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ReplayError } from '../../base/errors.js';
import { allowedCpus, findTaskset, planBlocks } from '../../base/cpus.js';
import { type BackendChoice, type BackendInUse, type BatchCounts, backendInUse, NOT_COUNTED } from '../../model/counting.js';
import type { CountableInput } from '../../model/inputs.js';
import { loadTokenizer, type LoadedTokenizer } from '../tokenizer.js';
import type { ChatTemplateSource } from '../chatTemplate.js';
import type { FromWorker, ToWorker } from './messages.js';
import { spawnWorker, workerScript } from './spawn.js';

export { killAllWorkers, workerScript } from './spawn.js';

/** The hint for a tokenizer.json the worker cannot load (the same as on the main thread). */
export const BAD_TOKENIZER_HINT = 'the file is damaged or not a tokenizer.json: pass --tokenizer with a valid one';
/** Tries per item: the first plus two retries. */
export const MAX_ATTEMPTS = 3;
/** A worker slot whose replacement fails to start this many times in a row is abandoned. */
const MAX_START_FAILURES = 3;

export interface PoolOptions {
  tokenizerJson: string;
  tokenizerConfig: string | null;
  /**
   * tokenizer_config.json with its chat template settled (tokenizer.ts readChatSetup),
   * sent to every worker so that all count with the template the manifest names;
   * without it each worker reads the files beside the tokenizer itself.
   */
  chatSetup?: ChatTemplateSource;
  /** auto: bpe where the tokenizer allows it, else native (textCounter.ts). */
  backend: BackendChoice;
  /** Worker processes; 0 counts in this process; default one per CPU block (see defaultWorkers). */
  workers?: number;
  /** A worker that finishes no item for this long while it has one is presumed hung and replaced. Default 300 s. */
  batchTimeoutMs?: number;
  /** A worker that is not ready (tokenizer loaded) after this long has failed to start. Default 120 s. */
  startTimeoutMs?: number;
  /** Items handed to a worker at once: one running, the rest queued in it. Default 2. */
  depth?: number;
  /** Pin each worker to its CPU block with taskset (default: where taskset exists). */
  pin?: boolean;
  /** The worker entry (compiled JS speaking messages.ts); default dist/tokens/worker.js. */
  script?: string;
}

/** What run() resolves with: the task's result, or why it failed MAX_ATTEMPTS times (or could not run). */
export type TaskOutcome<T> = { ok: true; result: T } | { ok: false; error: string };

/**
 * Default worker count for `cpus` allowed CPUs: one single-CPU worker per CPU.
 * Native: measured best (see the header); bpe and JS: the counting runs on the
 * worker's own JS thread, one CPU each.
 */
export function defaultWorkers(_backend: BackendChoice, cpus: number): number {
  return Math.max(1, cpus);
}

interface Job {
  id: number;
  message: ToWorker;
  /** Failed tries so far (a try fails when its worker dies or times out while running it). */
  failures: number;
  lastError: string;
  /** The worker's answer ('result' or 'done'), or why the job failed for good. */
  settle: (answer: FromWorker | null, error: string) => void;
}

/** One child process; a slot gets a new one each time its worker is replaced. */
interface Proc {
  child: ChildProcess;
  ready: boolean;
  dead: boolean;
  /** Items sent, in order: the first is the one running. */
  inflight: Job[];
  watchdog: NodeJS.Timeout | null;
  startTimer: NodeJS.Timeout | null;
  /** Affinity the worker reported from /proc/self/status. */
  observedCpus: number[] | null;
}

interface Slot {
  index: number;
  /** Planned CPU block. */
  cpus: number[];
  pinned: boolean;
  proc: Proc | null;
  startFailures: number;
  abandoned: boolean;
  /** A worker of this slot has loaded the tokenizer: a later start failure is a replacement's, not the tokenizer's. */
  everReady: boolean;
}

export class TokenizerPool {
  private readonly slots: Slot[] = [];
  private readonly pending: Job[] = [];
  private nextId = 1;
  private closed = false;
  private started = false;
  /** While start() waits: settles it when every worker is ready, or one failed. */
  private starting: { resolve: () => void; reject: (err: Error) => void } | null = null;
  private inProcess: LoadedTokenizer | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private replacedCount = 0;
  private readonly opts: Required<Pick<PoolOptions, 'batchTimeoutMs' | 'startTimeoutMs' | 'depth'>> & PoolOptions;

  private constructor(opts: PoolOptions) {
    this.opts = { batchTimeoutMs: 300_000, startTimeoutMs: 120_000, depth: 2, ...opts };
  }

  /** Starts the pool and waits until every worker has loaded the tokenizer; rejects if one cannot. */
  static async start(opts: PoolOptions): Promise<TokenizerPool> {
    const pool = TokenizerPool.launch(opts);
    await pool.ready;
    return pool;
  }

  /**
   * Starts the pool without waiting: items submitted before the workers are ready
   * queue until they are, so reading can overlap the tokenizer load. `ready`
   * rejects if a worker cannot start; the pool is then closed and every item
   * resolves as failed.
   */
  static launch(opts: PoolOptions): TokenizerPool {
    const pool = new TokenizerPool(opts);
    const cpus = allowedCpus();
    const n = opts.workers ?? defaultWorkers(opts.backend, cpus.length);
    if (n <= 0) {
      pool.ready = loadTokenizer(opts.backend, opts.tokenizerJson, opts.tokenizerConfig, opts.chatSetup).then((tok) => {
        pool.inProcess = tok;
        pool.started = true;
      });
      // Batches counted meanwhile resolve as not counted if the load fails (count() says why).
      pool.ready.catch(() => undefined);
      return pool;
    }
    const script = opts.script ?? workerScript();
    if (!existsSync(script)) throw new ReplayError(`tokenizer worker not built: ${script} is missing`, 'run npm run build');
    const pin = (opts.pin ?? true) && findTaskset() !== null;
    planBlocks(cpus, n).forEach((block, index) => pool.slots.push({ index, cpus: block, pinned: pin, proc: null, startFailures: 0, abandoned: false, everReady: false }));
    const allReady = new Promise<void>((resolve, reject) => (pool.starting = { resolve, reject }));
    for (const slot of pool.slots) pool.spawn(slot);
    pool.ready = allReady.then(
      () => {
        pool.starting = null;
        pool.started = true;
      },
      async (err: Error) => {
        pool.starting = null;
        await pool.close();
        throw err;
      },
    );
    // A caller that only counts learns of the failure from the batches' notes.
    pool.ready.catch(() => undefined);
    return pool;
  }

  /** A pool of no processes around a tokenizer loaded in this process (--workers 0). */
  static inProcess(tokenizer: LoadedTokenizer, opts: Omit<PoolOptions, 'tokenizerJson' | 'tokenizerConfig' | 'backend'> = {}): TokenizerPool {
    const pool = new TokenizerPool({ tokenizerJson: '', tokenizerConfig: null, backend: tokenizer.text.backend, ...opts, workers: 0 });
    pool.inProcess = tokenizer;
    pool.started = true;
    return pool;
  }

  /** Settles when every worker has loaded the tokenizer; rejects (once) if one could not. */
  ready: Promise<void> = Promise.resolve();

  /** The counter the workers loaded (the same file gives every worker the same one); null before. */
  private loaded: BackendInUse | null = null;
  get backend(): BackendInUse | null {
    return this.inProcess ? backendInUse(this.inProcess.text) : this.loaded;
  }

  /** Worker processes (0: counting in this process). */
  get workers(): number {
    return this.slots.length;
  }

  /** With 0 workers, the tokenizer loaded in this process (once `ready`); else null. */
  get local(): LoadedTokenizer | null {
    return this.inProcess;
  }

  /** The CPU block each worker is (or would be) pinned to, by worker index. */
  get blocks(): number[][] {
    return this.slots.map((s) => s.cpus);
  }

  /** Whether the workers are pinned (Linux with taskset). */
  get pinned(): boolean {
    return this.slots.some((s) => s.pinned);
  }

  /** Workers replaced so far (crashed, killed or timed out). */
  get replaced(): number {
    return this.replacedCount;
  }

  /** Process ids of the current workers, by worker index (0 for one not running). */
  pids(): number[] {
    return this.slots.map((s) => s.proc?.child.pid ?? 0);
  }

  /** The affinity each current worker reported at start-up (null off Linux or before start). */
  reportedCpus(): Array<number[] | null> {
    return this.slots.map((s) => s.proc?.observedCpus ?? null);
  }

  /** Count a batch. Any number of calls may be pending; each goes to the least-loaded worker. Never rejects. */
  count(inputs: CountableInput[]): Promise<BatchCounts> {
    if (this.slots.length === 0) {
      const run = this.chain.then(() => this.ready).then(() => this.inProcess!.count(inputs));
      this.chain = run.catch(() => undefined);
      return run.catch((err: Error) => notCounted(inputs.length, `not counted: tokenizer failed: ${err.message}`));
    }
    return new Promise((resolve) => {
      this.submit({ type: 'count', id: 0, inputs }, (answer, error) => {
        if (answer?.type === 'result') resolve({ counts: answer.counts, notes: answer.notes });
        else resolve(notCounted(inputs.length, `not counted: tokenizer worker ${error}`));
      });
    });
  }

  /**
   * Run a task on the least-loaded worker (its script's task handler; with 0
   * workers there is none: the caller runs it here). Retried like a batch. Never rejects.
   */
  run<T>(task: unknown): Promise<TaskOutcome<T>> {
    if (this.slots.length === 0) return Promise.resolve({ ok: false, error: 'no worker processes' });
    return new Promise((resolve) => {
      this.submit({ type: 'task', id: 0, task }, (answer, error) => resolve(answer?.type === 'done' ? { ok: true, result: answer.result as T } : { ok: false, error: `tokenizer worker ${error}` }));
    });
  }

  /** Kill every worker; pending items resolve as failed. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const exits: Promise<void>[] = [];
    for (const slot of this.slots) {
      const p = slot.proc;
      if (!p) continue;
      if (p.child.exitCode === null && p.child.signalCode === null) exits.push(new Promise((r) => p.child.once('exit', () => r())));
      this.retire(slot, p);
      for (const job of p.inflight.splice(0)) giveUp(job, 'pool closed');
    }
    for (const job of this.pending.splice(0)) giveUp(job, 'pool closed');
    // Reap the children (bounded: a SIGKILLed process exits at once).
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000).unref())]);
  }

  private submit(message: ToWorker, settle: Job['settle']): void {
    const id = this.nextId++;
    (message as { id: number }).id = id;
    const job: Job = { id, message, failures: 0, lastError: '', settle };
    if (this.closed) return giveUp(job, 'pool closed');
    this.pending.push(job);
    this.pump();
  }

  // ---- workers --------------------------------------------------------------

  private spawn(slot: Slot): void {
    const env = { ...process.env, RAYON_NUM_THREADS: String(slot.cpus.length) };
    const child = spawnWorker(this.opts.script ?? workerScript(), slot.pinned ? slot.cpus : null, env);
    const p: Proc = { child, ready: false, dead: false, inflight: [], watchdog: null, startTimer: null, observedCpus: null };
    slot.proc = p;
    p.startTimer = setTimeout(() => this.startFailed(slot, p, `did not start within ${this.opts.startTimeoutMs / 1000}s`), this.opts.startTimeoutMs);
    child.on('message', (m: FromWorker) => this.onMessage(slot, p, m));
    child.on('exit', (code, signal) => {
      const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
      if (!p.ready) this.startFailed(slot, p, why);
      else this.fail(slot, p, `worker ${why}`);
    });
    child.on('error', (err) => (p.ready ? this.fail(slot, p, `worker error: ${err.message}`) : this.startFailed(slot, p, err.message)));
    this.send(slot, p, {
      type: 'init',
      tokenizerJson: this.opts.tokenizerJson,
      tokenizerConfig: this.opts.tokenizerConfig,
      chatSetup: this.opts.chatSetup ?? null,
      backend: this.opts.backend,
      cpus: slot.pinned ? slot.cpus : null,
    });
  }

  private send(slot: Slot, p: Proc, msg: ToWorker): void {
    try {
      p.child.send(msg, (err) => {
        if (err) this.fail(slot, p, `cannot reach worker: ${err.message}`);
      });
    } catch (err) {
      this.fail(slot, p, `cannot reach worker: ${(err as Error).message}`);
    }
  }

  private onMessage(slot: Slot, p: Proc, m: FromWorker): void {
    if (p.dead) return;
    switch (m.type) {
      case 'ready':
        p.ready = true;
        p.observedCpus = m.cpus;
        this.loaded = m.backend;
        clearTimeout(p.startTimer!);
        slot.startFailures = 0;
        slot.everReady = true;
        this.checkStarted();
        this.pump();
        return;
      case 'error':
        if (m.id === null) {
          const own = m.hint !== undefined ? new ReplayError(m.message.split('\n')[0]!, m.hint || undefined) : null;
          return this.startFailed(slot, p, own ?? `cannot load tokenizer ${this.opts.tokenizerJson}: ${m.message.split('\n')[0]}`, BAD_TOKENIZER_HINT);
        }
        return this.settle(slot, p, m.id, null, m.message);
      case 'result':
      case 'done':
        return this.settle(slot, p, m.id, m, '');
    }
  }

  private settle(slot: Slot, p: Proc, id: number, answer: FromWorker | null, error: string): void {
    const at = p.inflight.findIndex((j) => j.id === id);
    if (at < 0) return;
    const [job] = p.inflight.splice(at, 1);
    // Progress: the next item gets a full timeout.
    this.arm(slot, p);
    if (answer) job!.settle(answer, '');
    else {
      // The worker is fine, the item is not (it threw): retry it, it may be transient.
      job!.failures++;
      job!.lastError = error;
      this.retryOrGiveUp(job!);
    }
    this.pump();
  }

  /** (Re)start the watchdog of a busy worker; stop it when idle. */
  private arm(slot: Slot, p: Proc): void {
    if (p.watchdog) clearTimeout(p.watchdog);
    p.watchdog = null;
    if (p.inflight.length === 0 || p.dead) return;
    const ms = this.opts.batchTimeoutMs;
    p.watchdog = setTimeout(() => this.fail(slot, p, `batch exceeded ${ms} ms`), ms);
  }

  /** Kill a process and forget it (no replacement). */
  private retire(slot: Slot, p: Proc): void {
    p.dead = true;
    if (p.watchdog) clearTimeout(p.watchdog);
    if (p.startTimer) clearTimeout(p.startTimer);
    p.child.kill('SIGKILL');
    if (slot.proc === p) slot.proc = null;
  }

  /** A running worker died or hung: replace it and retry its items. */
  private fail(slot: Slot, p: Proc, reason: string): void {
    if (p.dead) return;
    if (!p.ready) return this.startFailed(slot, p, reason);
    this.retire(slot, p);
    this.replacedCount++;
    const jobs = p.inflight.splice(0);
    // Only the item running is blamed; the ones queued behind it never ran.
    const head = jobs[0];
    if (head) {
      head.failures++;
      head.lastError = reason;
    }
    const requeue: Job[] = [];
    for (const job of jobs) {
      if (job.failures >= MAX_ATTEMPTS) giveUp(job, `failed ${job.failures} times: ${job.lastError}`);
      else requeue.push(job);
    }
    this.pending.unshift(...requeue);
    if (!this.closed) this.spawn(slot);
    this.pump();
  }

  /**
   * `why`: what went wrong, or the input's own error (a ReplayError from the worker), said as it is.
   * `hint`: what the user can do; a worker that died or hung while starting may be the machine's fault (memory), not the tokenizer's.
   */
  private startFailed(slot: Slot, p: Proc, why: string | ReplayError, hint = 'the worker process could not start: check free memory, or count on the main thread with --workers 0'): void {
    if (p.dead) return;
    this.retire(slot, p);
    const reason = typeof why === 'string' ? why : why.message;
    // Before any worker has loaded the tokenizer, a start failure is the run's: the tokenizer, or the machine.
    if (!this.started && !this.slots.some((s) => s.everReady)) {
      this.starting?.reject(typeof why === 'string' ? new ReplayError(`tokenizer worker failed to start: ${why}`, hint) : why);
      return;
    }
    if (this.closed) return;
    slot.startFailures++;
    if (slot.startFailures < MAX_START_FAILURES) this.spawn(slot);
    else slot.abandoned = true;
    this.checkStarted();
    if (this.slots.every((s) => s.abandoned)) {
      for (const job of this.pending.splice(0)) giveUp(job, `failed: no worker could start (${reason})`);
    }
    this.pump();
  }

  /** Started: every slot has had a worker ready, or was abandoned (and one is ready). */
  private checkStarted(): void {
    if (this.starting && this.slots.every((s) => s.everReady || s.abandoned) && this.slots.some((s) => s.everReady)) this.starting.resolve();
  }

  // ---- scheduling -----------------------------------------------------------

  /** Hand pending items to the least-loaded ready workers, up to `depth` each. */
  private pump(): void {
    while (this.pending.length > 0 && !this.closed) {
      let best: Slot | null = null;
      for (const s of this.slots) {
        const p = s.proc;
        if (!p || !p.ready || p.dead || p.inflight.length >= this.opts.depth) continue;
        if (!best || p.inflight.length < best.proc!.inflight.length) best = s;
      }
      if (!best) return;
      const p = best.proc!;
      const job = this.pending.shift()!;
      p.inflight.push(job);
      if (p.inflight.length === 1) this.arm(best, p);
      this.send(best, p, job.message);
    }
  }

  private retryOrGiveUp(job: Job): void {
    if (job.failures >= MAX_ATTEMPTS) return giveUp(job, `failed ${job.failures} times: ${job.lastError}`);
    if (this.closed) return giveUp(job, 'pool closed');
    this.pending.unshift(job);
  }
}

function giveUp(job: Job, why: string): void {
  job.settle(null, why);
}

function notCounted(n: number, note: string): BatchCounts {
  return { counts: new Int32Array(n).fill(NOT_COUNTED), notes: { [note]: n } };
}
