// A tokenizer worker process (child_process.fork of dist/tokens/worker.js, run
// by TokenizerPool, or imported by another worker entry that adds a task
// handler: src/pipeline/shardWorker.ts). Loads the tokenizer and chat template once, then counts
// batches sent over IPC, one at a time, in arrival order.
//
// Pinning happens before this file runs: the pool execs `taskset -c <block>
// node worker.js`, so the main thread starts with the block's mask and every
// thread created later — V8 platform threads, the libuv threadpool that runs
// encodeBatch, the rayon pool it fans out to — inherits it. (Pinning after
// spawn with `taskset -a -p` races with thread creation: a thread being created
// while taskset walks /proc/<pid>/task keeps the old mask.) RAYON_NUM_THREADS
// is set to the block size by the pool. test/tokens/pool.test.ts checks the mask of
// every thread, and that the threads that did the counting are not the main one.
// replay's own counter (bpe) counts on the main thread, under the same mask.
//
// One batch at a time: several encodeBatch calls in flight in one process run
// on several libuv threads that share the same cores and the same rayon pool,
// which measured slower here (scripts/bench-tokenize.mjs, pool.ts header). The
// pool keeps the next batch queued here so the worker never waits on IPC.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type BackendChoice, type BackendInUse, type BatchCounts, backendInUse } from '../model/counting.js';
import { parseCpuList } from '../base/cpus.js';
import { ReplayError } from '../base/errors.js';
import type { CountableInput } from '../model/inputs.js';
import { loadTokenizer, type LoadedTokenizer } from './tokenizer.js';
import type { FromWorker, ToWorker } from './pool/messages.js';

/** Runs one pipeline task (a shard) with the loaded tokenizer; its result goes back as 'done'. */
export type TaskHandler = (task: unknown, tokenizer: LoadedTokenizer) => Promise<unknown>;

let tokenizer: LoadedTokenizer | null = null;
/** Everything after init runs in order, one item at a time. */
let queue: Promise<void> = Promise.resolve();

const send = (m: FromWorker): void => {
  if (process.connected) process.send!(m);
};

function ownAffinity(): number[] | null {
  if (process.platform !== 'linux') return null;
  try {
    const m = readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m);
    return m ? parseCpuList(m[1]!) : null;
  } catch {
    return null;
  }
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  try {
    tokenizer = await loadTokenizer(msg.backend, msg.tokenizerJson, msg.tokenizerConfig, msg.chatSetup ?? undefined);
    // Warm up: the first encode starts the libuv and rayon threads (with our mask).
    await tokenizer.text.countTexts(['warm up the tokenizer']);
    send({ type: 'ready', pid: process.pid, cpus: ownAffinity(), backend: backendInUse(tokenizer.text) });
  } catch (err) {
    send({ type: 'error', id: null, message: (err as Error).message, ...(err instanceof ReplayError ? { hint: err.hint ?? '' } : {}) });
  }
}

async function count(msg: Extract<ToWorker, { type: 'count' }>): Promise<void> {
  try {
    if (!tokenizer) throw new Error('worker not initialised');
    const r: BatchCounts = await tokenizer.count(msg.inputs);
    send({ type: 'result', id: msg.id, counts: r.counts, notes: r.notes });
    collect();
  } catch (err) {
    send({ type: 'error', id: msg.id, message: (err as Error).message });
  }
}

/**
 * The native encodings of a batch (ids, offsets, masks: ~100 bytes a token)
 * are freed only when V8 collects their small JS wrappers, which it does late
 * (a worker climbed past 300 MB). The wrappers die young, so a scavenge right
 * after each batch frees them (~2 ms a batch, measured on the 10k log); a full
 * collection each time cost ~11 ms for the same ~145 MB peak. One full
 * collection every FULL_GC_EVERY batches frees any wrapper that got promoted.
 */
const FULL_GC_EVERY = 16;
let batchesCounted = 0;

function collect(): void {
  if (tokenizer?.text.backend !== 'native') return;
  const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
  if (!gc) return;
  batchesCounted++;
  gc(batchesCounted % FULL_GC_EVERY === 0 ? { type: 'major' } : { type: 'minor' });
}

async function task(msg: Extract<ToWorker, { type: 'task' }>, handler: TaskHandler | null): Promise<void> {
  try {
    if (!tokenizer) throw new Error('worker not initialised');
    if (!handler) throw new Error('this worker runs no tasks');
    send({ type: 'done', id: msg.id, result: await handler(msg.task, tokenizer) });
    collect();
  } catch (err) {
    send({ type: 'error', id: msg.id, message: (err as Error).message });
  }
}

/** Serve the pool's messages in this process; `handler` runs its tasks (null: counting only). */
export function runWorker(handler: TaskHandler | null): void {
  process.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'init':
        queue = queue.then(() => init(msg));
        return;
      case 'count':
        queue = queue.then(() => count(msg));
        return;
      case 'task':
        queue = queue.then(() => task(msg, handler));
        return;
    }
  });
  // The parent owns our lifetime: when its IPC channel closes (it exited, was
  // killed, or closed the pool), we go too — we never outlive it.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the parent decides when workers stop.
  process.on('SIGINT', () => undefined);
}

// Forked as the plain tokenizer worker (not imported by another worker entry).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runWorker(null);
