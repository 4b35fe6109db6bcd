export interface FuzzTally {
  runs: number;
  summaries: number;
  complete: number;
  incomplete: number;
  oneLineErrors: number;
  failures: number;
  hangs: number;
  warnings: number;
  errorKinds: Record<string, number>;
}
export function fuzz(opts: { runs: number; seed: number; timeoutMs?: number; log?: (m: string) => void }): Promise<{ tally: FuzzTally; failures: unknown[] }>;
/** The golden logs the fuzzer mutates (their first lines), each with the tokenizer of its case. */
export function baseLogs(): Array<{ name: string; tokenizer: string; lines: string[] }>;
/** One log mutated 1-4 ways: its bytes and what was done. */
export function mutate(lines: string[], r: () => number): { bytes: Buffer; done: string[] };
