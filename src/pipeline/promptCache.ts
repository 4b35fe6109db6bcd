// Benchmark datasets are cycled: a million-sample run sends each prompt of a
// 10k-prompt dataset a hundred times, and counting it once is enough (a count
// is a function of the text). PromptCache keeps the counts of the first prompts
// seen, up to a character budget, so memory stays flat; planBatch sends a batch
// to the tokenizer without the prompts the cache knows or the batch repeats.
import type { TokenJob } from '../aggregate/aggregator.js';
import { NOT_COUNTED, type BatchCounts } from '../model/counting.js';
import type { CountableInput } from '../model/inputs.js';

export const DEFAULT_PROMPT_CACHE_CHARS = 32 << 20;

export class PromptCache {
  private readonly counts = new Map<string, number>();
  private chars = 0;

  /** maxChars: total prompt characters kept (0 disables the cache). */
  constructor(private readonly maxChars: number) {}

  get enabled(): boolean {
    return this.maxChars > 0;
  }

  get(text: string): number | undefined {
    return this.counts.get(text);
  }

  /** Remember a count while the budget lasts. Keeps the first prompts seen: for a cycled dataset larger than the budget, evicting would keep none. */
  add(text: string, count: number): void {
    if (count < 0 || this.chars + text.length > this.maxChars || this.counts.has(text)) return;
    this.counts.set(text, count);
    this.chars += text.length;
  }
}

/** What a batch sends to the tokenizer, and how its counts map back to the batch's jobs. */
export interface BatchPlan {
  inputs: CountableInput[];
  /** Jobs answered without counting (from the cache, or a prompt repeated within the batch). */
  reused: number;
  /** Counts per job, from the counts of `inputs`; remembers the new prompt counts. */
  expand(result: BatchCounts): BatchCounts;
}

const isPrompt = (job: TokenJob): job is TokenJob & { input: { kind: 'text'; text: string } } => job.metric === 'isl' && job.input.kind === 'text';

export function planBatch(jobs: readonly TokenJob[], cache: PromptCache): BatchPlan {
  const inputs: CountableInput[] = [];
  /** Per job: index in inputs, or -1 when the cache answered (count in `known`). */
  const slot = new Int32Array(jobs.length);
  const known = new Int32Array(jobs.length);
  const inBatch = new Map<string, number>();
  let reused = 0;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    if (cache.enabled && isPrompt(job)) {
      const text = job.input.text;
      const cached = cache.get(text);
      if (cached !== undefined) {
        slot[i] = -1;
        known[i] = cached;
        reused++;
        continue;
      }
      const earlier = inBatch.get(text);
      if (earlier !== undefined) {
        slot[i] = earlier;
        reused++;
        continue;
      }
      inBatch.set(text, inputs.length);
    }
    slot[i] = inputs.push(job.input) - 1;
  }
  return {
    inputs,
    reused,
    expand({ counts, notes }) {
      const out = new Int32Array(jobs.length);
      for (let i = 0; i < jobs.length; i++) {
        out[i] = slot[i]! < 0 ? known[i]! : (counts[slot[i]!] ?? NOT_COUNTED);
        const job = jobs[i]!;
        if (slot[i]! >= 0 && isPrompt(job)) cache.add(job.input.text, out[i]!);
      }
      return { counts: out, notes };
    },
  };
}
