// Runs for checking replay's steady-state port against the endpoints script
// (test/analyze/steadyStateDiff.test.ts; fixtures from scripts/steady-state-expected.mjs):
// generated logs of real text with a ramp-up then plateau, a slow drift, a level shift,
// a clean steady run and a non-streamed one, and the script's flags run over them.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './gen-log.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TOKENIZER = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
export const FIXTURES = join(ROOT, 'fixtures', 'steady-state');

const COMMON = {
  seed: 11, streaming: true, charsPerChunk: 24, outputChars: 900, reasoningFrac: 0.2, toolCallFrac: 0.05,
  warmup: 32, errorFrac: 0.01, retryFrac: 0.01, concurrency: 64, damage: false,
};

/** Generator options per log (14 super-passes of 200 samples for the shaped ones). */
export const LOGS = {
  ramp: { ...COMMON, samples: 2800, latencyProfile: 'ramp' },
  drift: { ...COMMON, samples: 2800, latencyProfile: 'drift', seed: 12 },
  shift: { ...COMMON, samples: 2800, latencyProfile: 'shift', seed: 13 },
  steady: { ...COMMON, samples: 2800, latencyProfile: 'steady', seed: 14 },
  // Too steep for any four super-passes to sit within a CoV bound: no plateau.
  steepDrift: { ...COMMON, samples: 2800, latencyProfile: (k, n) => ({ ttft: 1.2 ** ((14 * k) / n), tpot: 1.15 ** ((14 * k) / n) }), seed: 16 },
  nonstream: { ...COMMON, samples: 300, streaming: false, seed: 15 },
};

const flagRun = (gate) => ({
  name: `ramp-flags-${gate}`,
  log: 'ramp',
  args: ['--dataset-size', '200', '--superpass-size', '150', '--window-sizes', '6,3,0,6,-2', '--warmup', '2', '--cov-bounds', '0.02, 0.1,0.02', '--alpha', '0.1', '--trend-gate', gate],
});

/** The script's argv after `<events.jsonl> --tokenizer <dir>`. */
export const CASES = [
  { name: 'ramp', log: 'ramp', args: ['--dataset-size', '200'] },
  { name: 'drift', log: 'drift', args: ['--dataset-size', '200'] },
  { name: 'steep-drift', log: 'steepDrift', args: ['--dataset-size', '200'] },
  { name: 'shift', log: 'shift', args: ['--dataset-size', '200'] },
  { name: 'steady', log: 'steady', args: ['--dataset-size', '200'] },
  ...['mk_hamed_rao', 'mann_kendall', 'newey_west', 'theil_sen', 'slope_vs_scatter'].map(flagRun),
  { name: 'shift-small-batches', log: 'shift', args: ['--dataset-size', '100', '--superpass-size', '0', '--tokenize-batch-size', '7', '--window-sizes', '4'] },
  { name: 'drift-loose-bound', log: 'drift', args: ['--dataset-size', '400', '--cov-bounds', '0.5', '--warmup', '0'] },
  { name: 'steady-all-warmup', log: 'steady', args: ['--dataset-size', '1000', '--warmup', '5'] },
  { name: 'nonstream', log: 'nonstream', args: ['--dataset-size', '50'] },
];

/** Writes the log (once per directory) and returns its path. */
export async function caseLog(dir, log) {
  const out = join(dir, log, 'events.jsonl');
  if (!existsSync(out)) await generate({ ...LOGS[log], out });
  return out;
}

/** The reference script, from the endpoints mirror or $STEADY_STATE_SCRIPT; null when neither is here. */
export function referenceScript(dir) {
  if (process.env.STEADY_STATE_SCRIPT) return process.env.STEADY_STATE_SCRIPT;
  const repo = '/work/.mirror/mlcommons+endpoints/repo';
  if (!existsSync(repo)) return null;
  const r = spawnSync('git', ['-C', repo, 'show', 'doc/alicheng-steady-state-design:scripts/steady_state_diagnostics.py'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return null;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'steady_state_diagnostics.py');
  writeFileSync(path, r.stdout);
  return path;
}

/** Runs the reference script on `events` with replay's counter; resolves to its printed text (the --json file is written). */
export function runReference(script, events, args, { py312Sum = false, jsonOut }) {
  const argv = [join(ROOT, 'scripts', 'steady_state_reference.py'), '--script', script, ...(py312Sum ? ['--py312-sum'] : []), '--', events, '--tokenizer', TOKENIZER, ...args, '--json', jsonOut];
  return new Promise((resolve, reject) => {
    execFile('python3', argv, { encoding: 'utf8', maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`reference script failed: ${err.message}\n${stderr}`));
      else resolve({ text: stdout, stderr });
    });
  });
}
