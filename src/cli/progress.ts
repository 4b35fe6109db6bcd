// A one-line progress display on stderr, only when stderr is a terminal (quiet
// in pipes and CI): lines read, texts counted, tokens/s, ETA from bytes read.
import { statSync } from 'node:fs';
import type { ReplayProgress } from '../pipeline/replay.js';

export interface Progress {
  update: (p: ReplayProgress) => void;
  done: () => void;
}

/** `input` sizes the ETA when it is a plain (uncompressed) file. */
export function progressReporter(input: string, stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY || process.env['CI']) return undefined;
  let total = 0;
  try {
    if (!/\.(gz|zst)$/.test(input) && input !== '-') total = statSync(input).isFile() ? statSync(input).size : 0;
  } catch {
    total = 0;
  }
  const start = Date.now();
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const secs = (now - start) / 1000;
      const tps = p.tokensCounted / Math.max(secs, 1e-3);
      const eta = total > 0 && p.bytesRead > 0 ? `  ETA ${Math.max(0, (secs * (total - p.bytesRead)) / p.bytesRead).toFixed(0)}s` : '';
      stream.write(`\r${p.linesRead.toLocaleString()} lines  ${(p.bytesRead / 1e6).toFixed(0)} MB  ${p.jobsCounted.toLocaleString()} texts counted  ${(tps / 1e6).toFixed(2)} M tokens/s  ${secs.toFixed(0)}s${eta}\x1b[K`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
