// Counting on the main thread (--workers 0): the same countBatch the pool
// workers run, with no processes in between.
import type { BatchCounter } from '../pipeline.js';
import { countBatch, type BatchCounts } from './count.js';
import type { CountableInput } from './inputs.js';
import type { TextCounter } from './textCounter.js';

export class InProcessCounter implements BatchCounter {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly text: TextCounter) {}

  count(inputs: CountableInput[]): Promise<BatchCounts> {
    // One batch at a time, like a single worker.
    const run = this.chain.then(() => countBatch(inputs, this.text));
    this.chain = run.catch(() => undefined);
    return run;
  }
}
