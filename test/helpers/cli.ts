// Child processes for the tests, run asynchronously: a synchronous child
// (spawnSync) blocks the test worker's event loop for its whole run, and a file
// of such runs can starve vitest's worker RPC past its timeout on a busy machine.
import { execFile, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

export const REPLAY_BIN = join(__dirname, '..', '..', 'bin', 'replay.js');

/** Runs `cmd args`; `input` is written to its standard input. Never rejects: a failure is its exit status. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; stdin?: NodeJS.ReadableStream; onSpawn?: (child: ChildProcess) => void } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ status: code, stdout, stderr });
    });
    opts.onSpawn?.(child);
    if (opts.stdin) {
      // The child may stop reading early (that is what some tests check): a broken pipe is not an error here.
      child.stdin!.on('error', () => undefined);
      opts.stdin.pipe(child.stdin!);
      child.on('exit', () => (opts.stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.());
    } else if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin?.end();
  });
}

/** The replay CLI: `replay(['recompute', ...])`. */
export const replay = (args: string[], opts?: Parameters<typeof run>[2]): Promise<Ran> => run(process.execPath, [REPLAY_BIN, ...args], opts);

/** The replay CLI, with the peak resident memory of its whole process tree (bytes, sampled from /proc). */
export async function replayMeasured(args: string[], opts: Parameters<typeof run>[2] = {}): Promise<Ran & { peakRss: number }> {
  const { watchTreeRss } = await import('./procTree.js');
  let watch: { stop: () => number } | null = null;
  const ran = await run(process.execPath, [REPLAY_BIN, ...args], { ...opts, onSpawn: (c) => (watch = watchTreeRss(c.pid!)) });
  return { ...ran, peakRss: watch ? (watch as { stop: () => number }).stop() : 0 };
}
