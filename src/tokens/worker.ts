// A tokenizer worker process: loads the tokenizer once, then counts batches
// sent over IPC. Started by TokenizerPool (pinned to its CPU block by taskset).
import type { CountableInput } from './inputs.js';
import { loadTokenizer, type LoadedTokenizer } from './tokenizer.js';
import type { TokenizerBackend } from './textCounter.js';

export type ToWorker =
  | { type: 'init'; tokenizerJson: string; tokenizerConfig: string | null; backend: TokenizerBackend }
  | { type: 'count'; id: number; inputs: CountableInput[] }
  /** Test hook: block the event loop, to exercise the pool's batch timeout. */
  | { type: 'stall'; ms: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; counts: Int32Array; notes: Record<string, number> }
  | { type: 'error'; id: number | null; message: string };

let tokenizer: LoadedTokenizer | null = null;
const send = (m: FromWorker): void => {
  process.send?.(m);
};

process.on('message', (msg: ToWorker) => {
  void handle(msg);
});
// The parent owns our lifetime: when it goes, so do we.
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group; the parent decides when workers stop.
process.on('SIGINT', () => undefined);

async function handle(msg: ToWorker): Promise<void> {
  try {
    switch (msg.type) {
      case 'init':
        tokenizer = await loadTokenizer(msg.backend, msg.tokenizerJson, msg.tokenizerConfig);
        // Warm up: the first encode spawns the thread pools (inheriting our affinity).
        await tokenizer.text.countTexts(['warm up the tokenizer']);
        send({ type: 'ready' });
        return;
      case 'count': {
        if (!tokenizer) throw new Error('worker not initialised');
        // Test hook: a worker that dies on every batch.
        if (process.env['REPLAY_WORKER_CRASH_ON_COUNT']) process.exit(9);
        const { counts, notes } = await tokenizer.count(msg.inputs);
        send({ type: 'result', id: msg.id, counts, notes });
        return;
      }
      case 'stall': {
        const until = Date.now() + msg.ms;
        while (Date.now() < until) {
          /* busy: simulates a hung encode */
        }
        return;
      }
    }
  } catch (err) {
    send({ type: 'error', id: msg.type === 'count' ? msg.id : null, message: (err as Error).message });
  }
}
