// Parquet tables from Arrow record batches, through parquet-wasm (Apache
// arrow-rs's Parquet writer compiled to WebAssembly), run on the parquet thread
// (parquetThread.ts): the Arrow schema maps to Parquet types as arrow-rs maps it
// (int32/int64/double/boolean, utf8 as a STRING byte array, nullable columns
// OPTIONAL) and is stored in the file's ARROW:schema metadata. Batches go to the
// thread as Arrow IPC, at most two waiting; the encoded bytes come back in
// order and are written here, so the file appears at its path only on finish().
import { Worker } from 'node:worker_threads';
import { RecordBatch, Struct, Table as ArrowTable, makeData, tableToIPC, type Schema } from '../vendor/arrow.js';
import { AtomicFile } from '../base/atomic.js';
import { builtSibling } from '../base/distPath.js';
import { REPLAY_VERSION } from '../base/version.js';
import type { FromParquetThread, ToParquetThread } from './parquetMessages.js';
import type { TableWriter } from './tableFormats.js';

/** Rows per row group: 8 of samples.arrow's batches; a few MB to hold while encoding, and readers skip by group. */
export const ROW_GROUP_ROWS = 1 << 17;

/** Batches sent to the thread and not yet taken by its encoder. */
const MAX_WAITING = 2;

/** The thread, shared by every file being written; it keeps the process alive only while one is open. */
let thread: { worker: Worker; files: Map<number, ParquetFileWriter>; next: number } | null = null;

function parquetThread(): NonNullable<typeof thread> {
  if (thread) return thread;
  const worker = new Worker(builtSibling(import.meta.url, 'parquetThread.js'));
  const t = { worker, files: new Map<number, ParquetFileWriter>(), next: 1 };
  worker.on('message', (m: FromParquetThread) => t.files.get(m.id)?.hear(m));
  const fail = (why: string): void => {
    if (thread === t) thread = null;
    for (const f of t.files.values()) f.hear({ kind: 'error', id: 0, message: why });
  };
  worker.on('error', (err) => fail(`the parquet thread failed: ${err.message}`));
  worker.on('exit', (code) => fail(`the parquet thread exited (code ${code})`));
  worker.unref();
  thread = t;
  return t;
}

/** Starts the thread and its load of parquet-wasm (the notebook thread calls it while the last shards are counted). */
export function warmParquet(): void {
  parquetThread().worker.postMessage({ kind: 'warm' } satisfies ToParquetThread);
}

/** A Parquet file being written batch by batch; open it with `await ParquetFileWriter.open(...)`. */
export class ParquetFileWriter implements TableWriter {
  private readonly id: number;
  private wrote = false;
  private waiting = 0;
  private failed: Error | null = null;
  /** Woken when a batch is taken, the file is done, or the thread fails. */
  private wake: (() => void) | null = null;
  private done = false;

  private constructor(
    private readonly file: AtomicFile,
    private readonly schema: Schema,
  ) {
    const t = parquetThread();
    this.id = t.next++;
    t.files.set(this.id, this);
    if (t.files.size === 1) t.worker.ref();
    this.send({ kind: 'open', id: this.id, createdBy: `replay ${REPLAY_VERSION}`, rowGroupRows: ROW_GROUP_ROWS });
  }

  static async open(path: string, schema: Schema): Promise<ParquetFileWriter> {
    return new ParquetFileWriter(new AtomicFile(path), schema);
  }

  async write(batch: RecordBatch): Promise<void> {
    // A batch of no rows carries nothing; and one read back from an Arrow file would reach
    // WebAssembly as no batch at all, ending the stream.
    if (batch.numRows === 0) return;
    this.wrote = true;
    while (this.waiting >= MAX_WAITING && !this.failed) await this.next();
    this.check();
    this.sendBatch(batch);
  }

  async finish(): Promise<void> {
    try {
      this.check();
      // arrow-rs takes the file's schema from the first batch: a table with no rows sends an empty one.
      if (!this.wrote) this.sendBatch(emptyBatch(this.schema));
      this.send({ kind: 'finish', id: this.id });
      while (!this.done && !this.failed) await this.next();
      this.check();
    } catch (err) {
      this.abort();
      throw err;
    }
    this.release();
    this.file.commit();
  }

  abort(): void {
    if (!this.done && !this.failed && thread?.files.has(this.id)) this.send({ kind: 'abort', id: this.id });
    this.failed ??= new Error(`${this.file.path}: aborted`);
    this.release();
    this.file.abort();
  }

  /** A message of the thread about this file. */
  hear(m: FromParquetThread): void {
    if (m.kind === 'bytes') {
      try {
        this.file.write(m.bytes);
      } catch (err) {
        this.failed ??= err as Error;
      }
    } else if (m.kind === 'taken') this.waiting--;
    else if (m.kind === 'done') this.done = true;
    else this.failed ??= new Error(`writing ${this.file.path}: ${m.message}`);
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private check(): void {
    if (this.failed) throw this.failed;
  }

  private sendBatch(batch: RecordBatch): void {
    const ipc = tableToIPC(new ArrowTable([batch]), 'stream');
    this.waiting++;
    // The IPC bytes are this writer's own: moved to the thread, not copied, when they fill their buffer.
    const whole = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength;
    this.send({ kind: 'batch', id: this.id, ipc }, whole ? [ipc.buffer as ArrayBuffer] : []);
  }

  private send(m: ToParquetThread, transfer: ArrayBuffer[] = []): void {
    parquetThread().worker.postMessage(m, transfer);
  }

  private release(): void {
    const t = thread;
    if (t?.files.delete(this.id) && t.files.size === 0) t.worker.unref();
  }
}

const emptyBatch = (schema: Schema): RecordBatch =>
  new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children: schema.fields.map((f) => makeData({ type: f.type, length: 0 } as never)) }));
