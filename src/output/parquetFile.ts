// Parquet tables from Arrow record batches, through parquet-wasm (Apache
// arrow-rs's Parquet writer compiled to WebAssembly): the Arrow schema maps to
// Parquet types as arrow-rs maps it (int32/int64/double/boolean, utf8 as a
// STRING byte array, nullable columns OPTIONAL) and is stored in the file's
// ARROW:schema metadata. Batches stream through the writer, which holds at most
// one row group (ROW_GROUP_ROWS rows, encoded) before it reaches the file.
import { RecordBatch, Struct, Table as ArrowTable, makeData, tableToIPC, type Schema } from 'apache-arrow';
import { AtomicFile } from '../base/atomic.js';
import { REPLAY_VERSION } from '../base/version.js';
import type { RecordBatch as WasmBatch } from 'parquet-wasm';
import type { TableWriter } from './tableFormats.js';

type ParquetWasm = typeof import('parquet-wasm');

/** Rows per row group: 8 of samples.arrow's batches; a few MB to hold while encoding, and readers skip by group. */
export const ROW_GROUP_ROWS = 1 << 17;

let wasm: Promise<ParquetWasm> | null = null;
/** The 5 MB WebAssembly module loads only when a Parquet file is written. */
const loadWasm = (): Promise<ParquetWasm> => (wasm ??= import('parquet-wasm'));

/** A Parquet file being written batch by batch; open it with `await ParquetFileWriter.open(...)`. */
export class ParquetFileWriter implements TableWriter {
  private readonly input: WritableStreamDefaultWriter<WasmBatch>;
  private readonly drained: Promise<void>;
  private wrote = false;

  private constructor(
    private readonly pw: ParquetWasm,
    private readonly file: AtomicFile,
    private readonly schema: Schema,
  ) {
    // Backpressure: write() waits while a batch is still queued for the encoder.
    const { readable, writable } = new TransformStream<WasmBatch, WasmBatch>(undefined, { highWaterMark: 1 }, { highWaterMark: 0 });
    this.input = writable.getWriter();
    const props = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression.ZSTD)
      .setMaxRowGroupSize(ROW_GROUP_ROWS)
      .setCreatedBy(`replay ${REPLAY_VERSION}`)
      .build();
    this.drained = (async () => {
      const out = await pw.transformParquetStream(readable as unknown as ReadableStream, props);
      for await (const bytes of out as AsyncIterable<Uint8Array>) file.write(bytes);
    })();
  }

  static async open(path: string, schema: Schema): Promise<ParquetFileWriter> {
    const pw = await loadWasm();
    return new ParquetFileWriter(pw, new AtomicFile(path), schema);
  }

  async write(batch: RecordBatch): Promise<void> {
    // A batch of no rows carries nothing; and one read back from an Arrow file would reach
    // WebAssembly as no batch at all, ending the stream.
    if (batch.numRows === 0) return;
    this.wrote = true;
    await Promise.race([this.input.ready, this.drained]);
    await this.input.write(this.toWasm(batch));
  }

  async finish(): Promise<void> {
    try {
      // arrow-rs takes the file's schema from the first batch: a table with no rows sends an empty one.
      if (!this.wrote) await this.input.write(this.toWasm(emptyBatch(this.schema)));
      await this.input.close();
      await this.drained;
    } catch (err) {
      this.abort();
      throw err;
    }
    this.file.commit();
  }

  abort(): void {
    this.input.abort().catch(() => undefined);
    this.drained.catch(() => undefined);
    this.file.abort();
  }

  /** One Arrow JS batch into WebAssembly memory, through Arrow IPC. */
  private toWasm(batch: RecordBatch): WasmBatch {
    const wasmTable = this.pw.Table.fromIPCStream(tableToIPC(new ArrowTable([batch]), 'stream'));
    try {
      return wasmTable.recordBatch(0)!;
    } finally {
      // Freed now, not when V8 collects the handle: WebAssembly memory never shrinks.
      wasmTable.free();
    }
  }
}

const emptyBatch = (schema: Schema): RecordBatch =>
  new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children: schema.fields.map((f) => makeData({ type: f.type, length: 0 } as never)) }));
