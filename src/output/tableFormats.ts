// Which file formats the tables (samples, time series, chunks) are written in:
// `--format arrow,parquet,csv`.
import type { RecordBatch } from '../vendor/arrow.js';
import { ReplayError } from '../base/errors.js';

export const TABLE_FORMATS = ['arrow', 'parquet', 'csv'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export const DEFAULT_TABLE_FORMATS: readonly TableFormat[] = ['arrow', 'parquet'];

/** The tables replay writes, each as `<stem>.<format>`. */
export const TABLE_STEMS = ['samples', 'timeseries', 'chunks'] as const;

const isFormat = (s: string): s is TableFormat => (TABLE_FORMATS as readonly string[]).includes(s);

/**
 * "arrow,parquet" -> ['arrow', 'parquet']: comma-separated, case and spaces
 * ignored, repeats dropped, in the canonical order; an unknown or missing name
 * is a one-line error.
 */
export function parseTableFormats(spec: string): TableFormat[] {
  const names = spec.split(',').map((s) => s.trim().toLowerCase());
  const unknown = names.filter((s) => !isFormat(s));
  if (unknown.length > 0) {
    const what = unknown.includes('') ? 'an empty format name' : `unknown table format ${unknown.map((s) => JSON.stringify(s)).join(', ')}`;
    throw new ReplayError(`--format ${JSON.stringify(spec)}: ${what} (choose from ${TABLE_FORMATS.join(', ')})`, 'e.g. --format arrow,parquet,csv');
  }
  return TABLE_FORMATS.filter((f) => names.includes(f));
}

/** One table being written in one format, batch by batch; it appears at its path only on finish(). */
export interface TableWriter {
  write(batch: RecordBatch): void | Promise<void>;
  finish(): void | Promise<void>;
  /** Drop the partial file (on error or interrupt); idempotent. */
  abort(): void;
}
