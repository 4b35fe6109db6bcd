// Starting one worker process, pinned to its CPU block, and keeping track of
// every live one so a signal handler can stop them all.
import { fork, type ChildProcess } from 'node:child_process';
import { findTaskset, formatCpuList } from '../../base/cpus.js';
import { builtSibling } from '../../base/distPath.js';

/** --expose-gc: a worker collects after each batch (worker.ts says why). */
const WORKER_NODE_FLAGS = ['--expose-gc'];

/** Every live worker process of every pool. */
const liveChildren = new Set<ChildProcess>();

export function killAllWorkers(): void {
  for (const c of liveChildren) c.kill('SIGKILL');
  liveChildren.clear();
}

/** dist/tokens/worker.js: the plain tokenizer worker. */
export function workerScript(): string {
  // Any module URL in src/tokens (or dist/tokens) names the folder.
  return builtSibling(new URL('../pool.js', import.meta.url).href, 'worker.js');
}

/**
 * Fork `script`; with `cpus`, through taskset, which execs node with the mask
 * already set, so every thread the worker ever starts (V8, libuv pool, rayon
 * pool) inherits it: nothing unpinned ever runs. (`taskset -a -p` after spawn
 * would race thread creation.)
 */
export function spawnWorker(script: string, cpus: number[] | null, env: Record<string, string | undefined>): ChildProcess {
  const options = { serialization: 'advanced' as const, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as Array<'ignore' | 'inherit' | 'ipc'>, env };
  const taskset = cpus ? findTaskset() : null;
  const child =
    cpus && taskset
      ? fork(script, [], { ...options, execPath: taskset, execArgv: ['-c', formatCpuList(cpus), process.execPath, ...WORKER_NODE_FLAGS] })
      : fork(script, [], { ...options, execArgv: WORKER_NODE_FLAGS });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}
