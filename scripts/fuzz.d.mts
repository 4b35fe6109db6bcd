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
