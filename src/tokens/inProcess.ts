// Counting on the main thread (--workers 0): the same countBatch the pool
// workers run, with no processes in between.
import { type BackendInUse, type BatchCounter, type BatchCounts, backendInUse } from '../model/counting.js';
import type { CountableInput } from '../model/inputs.js';
import type { LoadedTokenizer } from './tokenizer.js';

export class InProcessCounter implements BatchCounter {
  readonly workers = 0;
  get backend(): BackendInUse {
    return backendInUse(this.tokenizer.text);
  }
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly tokenizer: LoadedTokenizer) {}

  count(inputs: CountableInput[]): Promise<BatchCounts> {
    // One batch at a time, like a single worker.
    const run = this.chain.then(() => this.tokenizer.count(inputs));
    this.chain = run.catch(() => undefined);
    return run;
  }
}
