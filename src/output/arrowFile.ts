// Arrow IPC files written batch by batch straight to disk (never one buffer
// for the whole table), appearing at their path only when complete.
import { AsyncByteQueue, RecordBatchFileWriter, type RecordBatch, type Schema } from '../vendor/arrow.js';
import { AtomicFile } from '../base/atomic.js';

/** An Arrow byte sink that writes to the file instead of queueing in memory. */
class FileSink extends AsyncByteQueue {
  constructor(private readonly file: AtomicFile) {
    super();
  }

  override write(value: ArrayBufferView | ArrayBuffer | string): void {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
    if (bytes.byteLength > 0) this.file.write(bytes);
  }
}

/** An Arrow IPC file (the "file" format, with footer) being written batch by batch. */
export class ArrowFileWriter {
  private readonly file: AtomicFile;
  private readonly writer = new RecordBatchFileWriter();

  constructor(path: string, schema: Schema) {
    this.file = new AtomicFile(path);
    this.writer.reset(new FileSink(this.file), schema);
  }

  write(batch: RecordBatch): void {
    this.writer.write(batch);
  }

  /** Write the footer, then move the file into place. */
  finish(): void {
    this.writer.finish();
    this.file.commit();
  }

  /** Drop the partial file (on error or interrupt). */
  abort(): void {
    this.file.abort();
  }
}

export function writeArrowFile(path: string, schema: Schema, batches: Iterable<RecordBatch>): void {
  const out = new ArrowFileWriter(path, schema);
  try {
    for (const b of batches) out.write(b);
    out.finish();
  } catch (err) {
    out.abort();
    throw err;
  }
}
