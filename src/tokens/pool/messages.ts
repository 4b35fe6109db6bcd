// The protocol between the pool (parent) and a worker process, over the IPC
// channel with V8 ("advanced") serialization: typed arrays travel as bytes.
import type { BackendChoice, BackendInUse } from '../../model/counting.js';
import type { CountableInput } from '../../model/inputs.js';
import type { ChatTemplateSource } from '../chatTemplate.js';

export type ToWorker =
  /** `chatSetup`: the settled chat template (PoolOptions), or null to read the files beside the tokenizer. */
  | { type: 'init'; tokenizerJson: string; tokenizerConfig: string | null; chatSetup: ChatTemplateSource | null; backend: BackendChoice; cpus: number[] | null }
  | { type: 'count'; id: number; inputs: CountableInput[] }
  /** A task for the worker's task handler (the sharded pipeline's shards); its result comes back as 'done'. */
  | { type: 'task'; id: number; task: unknown };

export type FromWorker =
  /** `cpus`: the affinity this process actually has (null off Linux); `backend`: the counter loaded. */
  | { type: 'ready'; pid: number; cpus: number[] | null; backend: BackendInUse }
  | { type: 'result'; id: number; counts: Int32Array; notes: Record<string, number> }
  | { type: 'done'; id: number; result: unknown }
  /** `hint`: the error is the input's own (a ReplayError), said to the user as it is. */
  | { type: 'error'; id: number | null; message: string; hint?: string };
