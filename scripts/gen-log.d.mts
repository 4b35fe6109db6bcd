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
  promptChars?: number;
  prompts?: number;
  /** Scales tracked requests' TTFT and chunk gaps by issue position k of n (see LATENCY_PROFILES). */
  /** default: recv_first only, outputs as first chunk + rest; chunk-lines: a line per chunk. Either draws outputs from mixed corpus sentences. */
  shape?: 'default' | 'chunk-lines';
  latencyProfile?: keyof typeof LATENCY_PROFILES | ((k: number, n: number) => { ttft: number; tpot: number });
}
export const LATENCY_PROFILES: Record<'steady' | 'ramp' | 'drift' | 'shift', (k: number, n: number) => { ttft: number; tpot: number }>;
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
