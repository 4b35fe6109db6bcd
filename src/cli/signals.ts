// Ctrl-C or SIGTERM mid-run: stop the workers, remove half-written outputs,
// say so in one line, exit 130. Outputs are only ever renamed into place at the
// end, so nothing partial is left behind.
import { removePendingWrites } from '../base/atomic.js';
import { killAllWorkers } from '../tokens/pool/pool.js';

export const EXIT_INTERRUPTED = 130;

export function exitCleanlyOnSignals(): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    killAllWorkers();
    removePendingWrites();
    process.stderr.write(`replay: interrupted by ${signal}; no output written\n`);
    process.exit(EXIT_INTERRUPTED);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
