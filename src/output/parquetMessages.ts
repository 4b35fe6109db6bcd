// The parquet thread's protocol (parquetThread.ts, parquetFile.ts): warm, then per file
// (`id`): open, its batches as Arrow IPC streams, then finish or abort. The
// thread answers each batch once it is taken into the encoder (the writer's
// backpressure), sends the encoded file's bytes in order, then done — or error.

export type ToParquetThread =
  /** Load parquet-wasm ahead of the first file. */
  | { kind: 'warm' }
  | { kind: 'open'; id: number; createdBy: string; rowGroupRows: number }
  | { kind: 'batch'; id: number; ipc: Uint8Array }
  | { kind: 'finish'; id: number }
  | { kind: 'abort'; id: number };

export type FromParquetThread =
  | { kind: 'taken'; id: number }
  | { kind: 'bytes'; id: number; bytes: Uint8Array }
  | { kind: 'done'; id: number }
  | { kind: 'error'; id: number; message: string };
