// The main thread's side of the notebook thread (notebookThread.ts): one thread
// a process, started (warm) while the replay's last shards are counted, then
// asked once per run to write the tables, charts and notebook.
import { receivedError } from '../base/errors.js';
import { builtSibling } from '../base/distPath.js';
import { RequestThread, type Answer } from '../base/requestThread.js';
import type { FromNotebookThread, NotebookRequest, ToNotebookThread } from './notebookMessages.js';
import type { TableFormat } from './tableFormats.js';

let current: RequestThread<FromNotebookThread, string[]> | null = null;

const answer = (m: FromNotebookThread): Answer<string[]> => (m.kind === 'written' ? { id: m.id, value: m.files } : { id: m.id, error: receivedError(m.error) });

function notebookThread(): RequestThread<FromNotebookThread, string[]> {
  if (!current || current.dead) current = new RequestThread(builtSibling(import.meta.url, 'notebookThread.js'), answer);
  return current;
}

/** Starts the thread: it loads the output modules meanwhile (apache-arrow; vega on the chart threads; parquet-wasm if `formats` has it). */
export function warmNotebookThread(formats: readonly TableFormat[]): void {
  notebookThread().post({ kind: 'warm', formats } satisfies ToNotebookThread);
}

/** Writes a run's notebook outputs on the thread; resolves to the files written (report.ipynb last). */
export function writeNotebookOffThread(request: NotebookRequest): Promise<string[]> {
  return notebookThread().request((id) => ({ kind: 'write', id, ...request }) satisfies ToNotebookThread);
}
