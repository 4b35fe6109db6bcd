import type { GenerateOptions } from './gen-log.mjs';
export const TOKENIZER: string;
export const FIXTURES: string;
export const LOGS: Record<string, Omit<GenerateOptions, 'out'> | { lines: () => string[] }>;
export interface SteadyCase {
  name: string;
  log: string;
  args: string[];
}
export const CASES: SteadyCase[];
export function caseLog(dir: string, log: string): Promise<string>;
export function referenceScript(dir: string): string | null;
export function runReference(script: string, events: string, args: string[], opts: { py312Sum?: boolean; jsonOut: string }): Promise<{ text: string; stderr: string }>;
