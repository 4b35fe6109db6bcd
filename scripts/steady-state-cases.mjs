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
  seed: 11, streaming: true, charsPerChunk: 24, outputChars: 600, reasoningFrac: 0.2, toolCallFrac: 0.05,
  warmup: 32, errorFrac: 0.01, retryFrac: 0.01, concurrency: 64, damage: false,
};

const ev = (type, ts, uuid = '', data = null) => `{"event_type":"${type}","timestamp_ns":${ts},"sample_uuid":"${uuid}","data":${JSON.stringify(data)}}`;
const output = (...a) => ['TextModelOutput', ...a];

/**
 * Hand-written events for the parse's corners: warm-up and post-stop issues, a retry,
 * a uuid reused after completing, no first token, reasoning as a string or chunks,
 * PromptData on a complete, tool-call-only and failed outputs, a sample never
 * completed, a negative and a beyond-2^64 timestamp, blank and non-JSON lines.
 */
function oddities() {
  const big = 18446744073709551617n;
  return [
    ev('session.started', 0),
    ev('sample.issued', 10, 'W'),
    ev('session.start_performance_tracking', 900),
    ev('sample.issued', 1000, 'A'),
    ev('sample.recv_first', 1500, 'A'),
    ev('sample.issued', 2000, 'A'),
    ev('sample.recv_first', 2600, 'A'),
    ev('sample.complete', 4000, 'A', output(['Die ', 'Antwort ist 42.'])),
    ev('sample.issued', 1100, 'B'),
    ev('sample.complete', 3000, 'B', output(['never ', 'started'])),
    ev('sample.issued', 1200, 'C'),
    ev('sample.recv_first', 1300, 'C'),
    ev('sample.complete', 3900, 'C', output(['東京の', '天気は晴れ。'], 'thinking, as one string')),
    '',
    ev('sample.issued', 1250, 'D'),
    ev('sample.recv_first', 1400, 'D'),
    ev('sample.complete', 5000, 'D', ['PromptData', 'a prompt logged as output', [7]]),
    '   ',
    ev('sample.issued', 1300, 'E'),
    ev('sample.recv_first', 1450, 'E'),
    ev('sample.complete', 6100, 'E', output('', ['<think>', 'r1 ', 'r2 😀'])),
    'not json at all',
    ev('sample.issued', 5000, 'A'),
    ev('sample.recv_first', 5100, 'A'),
    ev('sample.complete', 9200, 'A', output(['def f(x):', '\n    return x * 2\n'])),
    ev('sample.issued', 5100, 'T'),
    ev('sample.recv_first', 5150, 'T'),
    ev('sample.complete', 5900, 'T', output('', null, [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }])),
    ev('sample.issued', 5200, 'X'),
    ev('sample.recv_first', 5300, 'X'),
    ev('error.generic', 5400, 'X', ['ErrorData', 'httpx.ReadTimeout', 'timed out']),
    ev('sample.complete', 5401, 'X'),
    ev('sample.issued', 6000, 'F'),
    ev('session.stop_performance_tracking', 6500),
    ev('sample.issued', 6600, 'G'),
    ev('sample.recv_first', 6700, 'G'),
    ev('sample.issued', 6800, 'F'),
    ev('sample.recv_first', 7000, 'F'),
    ev('sample.complete', 9000, 'F', output(['first ', 'then the rest of it'])),
    ev('session.start_performance_tracking', 9500),
    ev('sample.issued', 9600, 'H'),
    ev('sample.recv_first', 9700, 'H'),
    ev('sample.issued', -5, 'I'),
    ev('sample.recv_first', 40, 'I'),
    ev('sample.complete', 700, 'I', output(['neg ', 'ative clock'])),
    ev('sample.issued', 9800, 'J'),
    ev('sample.recv_first', 9900, 'J'),
    ev('sample.complete', 12000, 'J', output(['j ', 'k l m n o p'])),
    ev('sample.issued', big, 'K'),
    ev('sample.recv_first', big + 1000n, 'K'),
    ev('sample.complete', big + 91000n, 'K', output(['huge ', 'clock values, exactly'])),
    ev('sample.issued', 20000, 'L'),
    ev('sample.recv_first', 20100, 'L'),
    ev('sample.complete', 30100, 'L', output(['l ', 'a b c d e f g h'])),
    ev('session.ended', 40000),
    ev('sample.complete', 41000, 'H', output(['after ', 'the end'])),
  ];
}

/** Generator options per log (14 super-passes of 100 samples for the shaped ones), or its lines. */
export const LOGS = {
  ramp: { ...COMMON, samples: 1400, latencyProfile: 'ramp' },
  drift: { ...COMMON, samples: 1400, latencyProfile: 'drift', seed: 12 },
  shift: { ...COMMON, samples: 1400, latencyProfile: 'shift', seed: 13 },
  steady: { ...COMMON, samples: 1400, latencyProfile: 'steady', seed: 14 },
  // Too steep for any four super-passes to sit within a CoV bound: no plateau.
  steepDrift: { ...COMMON, samples: 1400, latencyProfile: (k, n) => ({ ttft: 1.2 ** ((14 * k) / n), tpot: 1.15 ** ((14 * k) / n) }), seed: 16 },
  nonstream: { ...COMMON, samples: 300, streaming: false, seed: 15 },
  oddities: { lines: oddities },
};

const flagRun = (gate) => ({
  name: `ramp-flags-${gate}`,
  log: 'ramp',
  args: ['--dataset-size', '100', '--superpass-size', '75', '--window-sizes', '6,3,0,6,-2', '--warmup', '2', '--cov-bounds', '0.02, 0.1,0.02', '--alpha', '0.1', '--trend-gate', gate],
});

/** The script's argv after `<events.jsonl> --tokenizer <dir>`. */
export const CASES = [
  { name: 'ramp', log: 'ramp', args: ['--dataset-size', '100'] },
  { name: 'drift', log: 'drift', args: ['--dataset-size', '100'] },
  { name: 'steep-drift', log: 'steepDrift', args: ['--dataset-size', '100'] },
  { name: 'shift', log: 'shift', args: ['--dataset-size', '100'] },
  { name: 'steady', log: 'steady', args: ['--dataset-size', '100'] },
  ...['mk_hamed_rao', 'mann_kendall', 'newey_west', 'theil_sen', 'slope_vs_scatter'].map(flagRun),
  { name: 'shift-small-batches', log: 'shift', args: ['--dataset-size', '50', '--superpass-size', '0', '--tokenize-batch-size', '7', '--window-sizes', '4'] },
  { name: 'drift-loose-bound', log: 'drift', args: ['--dataset-size', '200', '--cov-bounds', '0.5', '--warmup', '0'] },
  { name: 'steady-all-warmup', log: 'steady', args: ['--dataset-size', '500', '--warmup', '5'] },
  { name: 'nonstream', log: 'nonstream', args: ['--dataset-size', '50'] },
  // Small tokenizer batches: the script fails (KeyError) when a reused uuid's two outputs share one batch.
  { name: 'oddities', log: 'oddities', args: ['--dataset-size', '2', '--warmup', '0', '--window-sizes', '4,2', '--tokenize-batch-size', '1'] },
  { name: 'oddities-per-sample', log: 'oddities', args: ['--dataset-size', '1', '--warmup', '0', '--window-sizes', '4', '--cov-bounds', '10', '--tokenize-batch-size', '2'] },
];

/** Writes the log (once per directory) and returns its path. */
export async function caseLog(dir, log) {
  const out = join(dir, log, 'events.jsonl');
  if (existsSync(out)) return out;
  if (LOGS[log].lines) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${LOGS[log].lines().join('\n')}\n`);
  } else await generate({ ...LOGS[log], out });
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
