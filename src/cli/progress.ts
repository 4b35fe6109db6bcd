// A one-line progress display on stderr, only when stderr is a terminal.
import type { ReplayProgress } from '../pipeline.js';

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { update: (p: ReplayProgress) => void; done: () => void } | undefined {
  if (!stream.isTTY || process.env['CI']) return undefined;
  const start = Date.now();
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const secs = (now - start) / 1000;
      const tps = p.tokensCounted / Math.max(secs, 1e-3);
      stream.write(`\r${p.linesRead.toLocaleString()} lines  ${(p.bytesRead / 1e6).toFixed(0)} MB  ${p.jobsCounted.toLocaleString()} texts counted  ${(tps / 1e6).toFixed(2)} M tokens/s  ${secs.toFixed(0)}s\x1b[K`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
