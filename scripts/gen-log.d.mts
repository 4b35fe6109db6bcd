export interface GenerateOptions {
  samples: number;
  seed: number;
  out: string;
  streaming: boolean;
  charsPerChunk: number;
  outputChars: number;
  reasoningFrac: number;
  toolCallFrac: number;
  warmup: number;
  errorFrac: number;
  retryFrac: number;
  concurrency: number;
  damage: boolean;
}
export interface GenerateStats {
  samples: number;
  warmup: number;
  tracked_issued: number;
  tracked_completed: number;
  tracked_failed: number;
  lines: number;
  damaged_lines: number[];
  ended: boolean;
}
export function generate(opts: GenerateOptions): Promise<GenerateStats>;
/** mulberry32: a seeded generator of floats in [0, 1). */
export function rng(seed: number): () => number;
