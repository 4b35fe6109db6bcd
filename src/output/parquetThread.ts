// The parquet thread (a worker_threads entry, started by parquetFile.ts): runs
// parquet-wasm (Apache arrow-rs's Parquet writer compiled to WebAssembly) beside
// the main thread. Zstd-compressing every column is the largest part of writing
// the tables, and it needs nothing but the batches, which arrive as Arrow IPC.
import { parentPort } from 'node:worker_threads';
import type { RecordBatch as WasmBatch } from 'parquet-wasm';
import type { FromParquetThread, ToParquetThread } from './parquetMessages.js';

type ParquetWasm = typeof import('parquet-wasm');

let wasm: Promise<ParquetWasm> | null = null;

interface Encoding {
  input: WritableStreamDefaultWriter<WasmBatch>;
  /** Resolves once the encoder's last bytes were sent. */
  drained: Promise<void>;
}

/** Per file: its encoder once open, and its messages, handled one after another. */
const files = new Map<number, { encoding: Promise<Encoding>; queue: Promise<void> }>();
const post = (m: FromParquetThread): void => parentPort!.postMessage(m);

async function open(m: Extract<ToParquetThread, { kind: 'open' }>): Promise<Encoding> {
  const pw = await (wasm ??= import('parquet-wasm'));
  // Backpressure: a batch is taken once the encoder has room for it.
  const { readable, writable } = new TransformStream<WasmBatch, WasmBatch>(undefined, { highWaterMark: 1 }, { highWaterMark: 0 });
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setMaxRowGroupSize(m.rowGroupRows).setCreatedBy(m.createdBy).build();
  const drained = (async () => {
    const out = await pw.transformParquetStream(readable as unknown as ReadableStream, props);
    for await (const bytes of out as AsyncIterable<Uint8Array>) post({ kind: 'bytes', id: m.id, bytes });
  })();
  drained.catch(() => undefined);
  return { input: writable.getWriter(), drained };
}

async function batch(e: Encoding, ipc: Uint8Array): Promise<void> {
  const pw = await wasm!;
  const table = pw.Table.fromIPCStream(ipc);
  let b: WasmBatch;
  try {
    b = table.recordBatch(0)!;
  } finally {
    // Freed now, not when V8 collects the handle: WebAssembly memory never shrinks.
    table.free();
  }
  await Promise.race([e.input.ready, e.drained]);
  await e.input.write(b);
}

async function step(e: Encoding, m: Exclude<ToParquetThread, { kind: 'open' | 'warm' }>): Promise<void> {
  switch (m.kind) {
    case 'batch':
      await batch(e, m.ipc);
      post({ kind: 'taken', id: m.id });
      return;
    case 'finish':
      await e.input.close();
      await e.drained;
      files.delete(m.id);
      post({ kind: 'done', id: m.id });
      return;
    case 'abort':
      files.delete(m.id);
      await e.input.abort().catch(() => undefined);
      return;
  }
}

parentPort!.on('message', (m: ToParquetThread) => {
  if (m.kind === 'warm') {
    (wasm ??= import('parquet-wasm')).catch(() => undefined);
    return;
  }
  if (m.kind === 'open') {
    const encoding = open(m);
    files.set(m.id, { encoding, queue: encoding.then(() => undefined) });
    return;
  }
  const f = files.get(m.id);
  if (!f) return;
  f.queue = f.queue
    .then(async () => step(await f.encoding, m))
    .catch((err: Error) => {
      if (files.delete(m.id)) post({ kind: 'error', id: m.id, message: err.message });
    });
});
