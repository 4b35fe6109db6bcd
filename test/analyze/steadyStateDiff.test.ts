// Replay's steady-state port against the endpoints script itself, on generated
// runs of real text (scripts/steady-state-cases.mjs: ramp-up then plateau, slow
// and steep drift, level shift, clean steady run, non-streamed run; the script's
// flags over them). Both sides count tokens with replay's counter (the script
// through scripts/steady_state_reference.py). Compared: the printed text exactly;
// the JSON's keys, key order, JSON types, integers, strings and verdicts exactly,
// floats within 1e-9 relative.
// Against the script's answers stored in fixtures/steady-state/ (made by
// scripts/steady-state-expected.mjs from the same logs, whose SHA-256 is checked).
// The live comparison with the script itself, `replay steady-state` end to end:
// scripts/steady-state-compare.mjs.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFloatList, parseIntList, parsePyFloat, parsePyInt, runSteadyState, steadyStateWith, type SteadyStateOptions } from '../../src/commands/steadyState.js';
import { tokenizerFromPath } from '../../src/tokens/resolve.js';
import { loadTokenizer } from '../../src/tokens/tokenizer.js';
import type { PyJson } from '../../src/model/json.js';
import { parsePyJson } from '../../src/py/json.js';
import { CASES, FIXTURES, TOKENIZER, caseLog, type SteadyCase } from '../../scripts/steady-state-cases.mjs';

const WORK = mkdtempSync(join(tmpdir(), 'steady-diff-'));

/** The script's argparse flags as runSteadyState options. */
function optionsFor(input: string, args: readonly string[]): SteadyStateOptions {
  const o: SteadyStateOptions = { input, tokenizer: TOKENIZER, datasetSize: NaN };
  for (let i = 0; i < args.length; i += 2) {
    const v = args[i + 1]!;
    switch (args[i]) {
      case '--dataset-size': o.datasetSize = parsePyInt(v); break;
      case '--superpass-size': o.superpassSize = parsePyInt(v); break;
      case '--window-sizes': o.windowSizes = parseIntList(v); break;
      case '--warmup': o.warmup = parsePyInt(v); break;
      case '--cov-bounds': o.covBounds = parseFloatList(v); break;
      case '--alpha': o.alpha = parsePyFloat(v); break;
      case '--trend-gate': o.trendGate = v; break;
      case '--tokenize-batch-size': o.tokenizeBatchSize = parsePyInt(v); break;
      default: throw new Error(`flag ${args[i]} not mapped`);
    }
  }
  return o;
}

interface Diff {
  problems: string[];
  maxRel: number;
}

const kind = (v: PyJson): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : typeof v);

/** Structural comparison; `exactFloats(path)` says which floats must match bit for bit. */
function compare(expected: PyJson, actual: PyJson, exactFloats: (path: string) => boolean, path = '$', diff: Diff = { problems: [], maxRel: 0 }): Diff {
  const k = kind(expected);
  if (k !== kind(actual)) diff.problems.push(`${path}: ${k} vs ${kind(actual)}`);
  else if (k === 'float') {
    const [a, b] = [expected as number, actual as number];
    const rel = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    diff.maxRel = Math.max(diff.maxRel, rel);
    if (rel > 1e-9 || (rel > 0 && exactFloats(path))) diff.problems.push(`${path}: ${a} vs ${b} (rel ${rel})`);
  } else if (k === 'array') {
    const [a, b] = [expected as PyJson[], actual as PyJson[]];
    if (a.length !== b.length) diff.problems.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((x, i) => compare(x, b[i]!, exactFloats, `${path}[${i}]`, diff));
  } else if (k === 'object') {
    const [a, b] = [expected as Record<string, PyJson>, actual as Record<string, PyJson>];
    if (Object.keys(a).join('\n') !== Object.keys(b).join('\n')) diff.problems.push(`${path}: keys ${Object.keys(a).join(',')} vs ${Object.keys(b).join(',')}`);
    else for (const key of Object.keys(a)) compare(a[key]!, b[key]!, exactFloats, `${path}.${key}`, diff);
  } else if (expected !== actual) diff.problems.push(`${path}: ${String(expected)} vs ${String(actual)}`);
  return diff;
}

/**
 * Key order matters and JS objects put integer-like keys ("4", "5") first, so
 * the window-size level of "cov"/"drift" is checked on the raw text as well.
 */
function windowKeyOrder(json: string): string[] {
  return [...json.matchAll(/^ {4}"(-?\d+)": \{$/gm)].map((m) => m[1]!);
}

const loose = (): boolean => false;

interface Ours {
  json: string;
  text: string;
}

const ours = new Map<string, Ours>();
const logs = new Map<string, string>();

/** Through runSteadyState (which loads the tokenizer itself); the rest share one loaded tokenizer. */
const THROUGH_COMMAND = new Set(['ramp', 'oddities']);

beforeAll(async () => {
  const files = tokenizerFromPath(TOKENIZER);
  const tokenizer = await loadTokenizer('auto', files.tokenizerJson, files.tokenizerConfig);
  for (const c of CASES) {
    if (!logs.has(c.log)) logs.set(c.log, await caseLog(WORK, c.log));
    const options = optionsFor(logs.get(c.log)!, c.args);
    const r = THROUGH_COMMAND.has(c.name) ? await runSteadyState(options) : await steadyStateWith(options, (texts) => tokenizer.text.countTexts(texts));
    ours.set(c.name, { json: r.json, text: `${r.text}\n` });
  }
}, 600_000);

function expectSame(name: string, expected: { json: string; text: string }, exactFloats: (path: string) => boolean): number {
  const mine = ours.get(name)!;
  expect(mine.text).toBe(expected.text);
  expect(windowKeyOrder(mine.json)).toEqual(windowKeyOrder(expected.json));
  const diff = compare(parsePyJson(expected.json), parsePyJson(mine.json), exactFloats);
  expect(diff.problems.slice(0, 10)).toEqual([]);
  return diff.maxRel;
}

describe('steady-state port vs the stored answers of the endpoints script', () => {
  it.each(CASES.map((c) => [c.name, c] as [string, SteadyCase]))('%s', (name, c) => {
    const stored = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, `${name}.json.gz`))).toString('utf8')) as { log_sha256: string; json: string; text: string };
    const sha = createHash('sha256').update(readFileSync(logs.get(c.log)!)).digest('hex');
    expect(sha, 'the generated log changed: regenerate with node scripts/steady-state-expected.mjs').toBe(stored.log_sha256);
    expectSame(name, stored, loose);
  });

  it('the cases reach every outcome', () => {
    const outcome = (name: string): { found: boolean; anomaly: boolean; driftingUp: number; nPost: number } => {
      const r = JSON.parse(ours.get(name)!.json) as { n_post_warmup: number; steady_state: { found: boolean; anomaly: { detected: boolean }; drifting_up: string[] } };
      return { found: r.steady_state.found, anomaly: r.steady_state.anomaly.detected, driftingUp: r.steady_state.drifting_up.length, nPost: r.n_post_warmup };
    };
    expect(outcome('steady')).toMatchObject({ found: true, anomaly: false, driftingUp: 0 });
    expect(outcome('ramp')).toMatchObject({ found: true, anomaly: false });
    expect(outcome('shift')).toMatchObject({ found: true, anomaly: true });
    expect(outcome('steep-drift')).toMatchObject({ found: false });
    expect(outcome('steep-drift').driftingUp).toBeGreaterThan(0);
    expect(outcome('drift').driftingUp).toBeGreaterThan(0);
    expect(outcome('steady-all-warmup')).toMatchObject({ found: false, nPost: 0 });
    expect(outcome('nonstream')).toMatchObject({ found: false });
  });
});
