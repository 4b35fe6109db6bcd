// One table written in every requested format at once: each record batch goes
// to every format's writer before the next is built, so a table is read from
// the aggregator's columns (or from disk) once, whatever the formats.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchReader, type RecordBatch, type Schema } from '../vendor/arrow.js';
import { open } from 'node:fs/promises';
import { ArrowFileWriter } from './arrowFile.js';
import { CsvFileWriter } from './csvFile.js';
import { ParquetFileWriter } from './parquetFile.js';
import { TABLE_FORMATS, type TableFormat, type TableWriter } from './tableFormats.js';

export const tableFile = (stem: string, format: TableFormat): string => `${stem}.${format}`;

async function openWriter(path: string, schema: Schema, format: TableFormat): Promise<TableWriter> {
  switch (format) {
    case 'arrow':
      return new ArrowFileWriter(path, schema);
    case 'parquet':
      return ParquetFileWriter.open(path, schema);
    case 'csv':
      return new CsvFileWriter(path, schema);
  }
}

/** `<stem>.<format>` in `outDir` for each format. Returns the names written. */
export async function writeTable(outDir: string, stem: string, schema: Schema, batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>, formats: readonly TableFormat[]): Promise<string[]> {
  const writers: TableWriter[] = [];
  try {
    for (const f of formats) writers.push(await openWriter(join(outDir, tableFile(stem, f)), schema, f));
    for await (const batch of batches) for (const w of writers) await w.write(batch);
    for (const w of writers) await w.finish();
  } catch (err) {
    for (const w of writers) w.abort();
    throw err;
  }
  return formats.map((f) => tableFile(stem, f));
}

/** Remove `<stem>.<format>` for the formats not in `keep`: what an earlier run wrote would no longer match. */
export function removeStaleTables(outDir: string, stem: string, keep: readonly TableFormat[]): void {
  for (const f of TABLE_FORMATS) if (!keep.includes(f)) rmSync(join(outDir, tableFile(stem, f)), { force: true });
}

/** The record batches of an Arrow IPC file, read one at a time from disk. */
export async function* arrowFileBatches(path: string): AsyncGenerator<RecordBatch> {
  const handle = await open(path, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    for await (const batch of reader) yield batch;
  } finally {
    await handle.close();
  }
}
