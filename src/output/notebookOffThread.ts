// The main thread's side of the notebook thread (notebookThread.ts): one thread
// a process, started (warm) while the replay's last shards are counted, then
// asked once per run to write the tables, charts and notebook.
import { Worker } from 'node:worker_threads';
import { ReplayError } from '../base/errors.js';
import { builtSibling } from '../base/distPath.js';
import type { FromNotebookThread, NotebookRequest, ThreadError, ToNotebookThread } from './notebookMessages.js';

let thread: Worker | null = null;

function notebookThread(): Worker {
  if (thread) return thread;
  const t = new Worker(builtSibling(import.meta.url, 'notebookThread.js'));
  t.on('error', () => {
    if (thread === t) thread = null;
  });
  // Idle, it never keeps the process alive.
  t.unref();
  thread = t;
  return t;
}

/** Starts the thread: it loads the output modules (apache-arrow, the chart threads' vega) meanwhile. */
export function warmNotebookThread(): void {
  notebookThread().postMessage({ kind: 'warm' } satisfies ToNotebookThread);
}

function rethrown(e: ThreadError): Error {
  if (e.replay) return new ReplayError(e.message, e.hint, e.exitCode);
  return Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code });
}

/** Writes a run's notebook outputs on the thread; resolves to the files written (report.ipynb last). */
export function writeNotebookOffThread(request: NotebookRequest): Promise<string[]> {
  const t = notebookThread();
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromNotebookThread): void => {
      done();
      if (m.kind === 'written') resolve(m.files);
      else reject(rethrown(m.error));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const done = (): void => {
      t.off('message', onMessage);
      t.off('error', onError);
      t.unref();
    };
    t.on('message', onMessage);
    t.on('error', onError);
    // Held while the write is pending, so the process waits for it.
    t.ref();
    t.postMessage({ kind: 'write', ...request } satisfies ToNotebookThread);
  });
}
