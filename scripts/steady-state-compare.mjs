#!/usr/bin/env node
// Live comparison of `replay steady-state` with the endpoints steady-state script
// itself, on the generated runs of scripts/steady-state-cases.mjs (ramp, drift,
// steep drift, level shift, steady, non-streamed, the parse's oddities) and the
// script's flags over them; any other events.jsonl with --log. The script counts
// tokens with replay's counter (scripts/steady_state_reference.py). Compared: the
// printed text exactly; the JSON's keys, key order, JSON types, integers, strings
// and verdicts exactly, floats within 1e-9 relative. Run twice: as python3 runs the
// script, and with CPython 3.12's float sum() (the script's declared Python), where
// every float but the log-spaced histogram edges (pow() in V8 vs glibc) must be equal.
// npm test compares with the stored answers instead (fixtures/steady-state/).
//
//   npm run build && node scripts/steady-state-compare.mjs [--work DIR] [--case NAME]... [--log events.jsonl --args "--dataset-size 100 ..."]
// The script comes from the endpoints mirror (branch doc/alicheng-steady-state-design)
// or $STEADY_STATE_SCRIPT. Exit 0: all equal; 1: a difference (listed); 2: no script.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CASES, TOKENIZER, caseLog, referenceScript, runReference } from './steady-state-cases.mjs';

const ROOT = join(import.meta.dirname, '..');
const { parsePyJson } = await import(pathToFileURL(join(ROOT, 'dist', 'py', 'json.js')).href);

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const work = opt('--work') ?? join(tmpdir(), 'steady-state-compare');
mkdirSync(work, { recursive: true });
const script = referenceScript(work);
if (!script) {
  process.stderr.write('steady-state-compare: the reference script is not here; set STEADY_STATE_SCRIPT=path/to/steady_state_diagnostics.py\n');
  process.exit(2);
}
const only = argv.flatMap((a, i) => (a === '--case' ? [argv[i + 1]] : []));
const cases = opt('--log')
  ? [{ name: 'log', events: opt('--log'), args: (opt('--args') ?? '').split(/\s+/).filter(Boolean) }]
  : await Promise.all(CASES.filter((c) => only.length === 0 || only.includes(c.name)).map(async (c) => ({ ...c, events: await caseLog(work, c.log) })));

const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : typeof v);

function compare(expected, actual, exactFloats, path = '$', diff = { problems: [], maxRel: 0 }) {
  const k = kind(expected);
  if (k !== kind(actual)) diff.problems.push(`${path}: ${k} vs ${kind(actual)}`);
  else if (k === 'float') {
    const rel = expected === actual ? 0 : Math.abs(expected - actual) / Math.max(Math.abs(expected), Math.abs(actual));
    diff.maxRel = Math.max(diff.maxRel, rel);
    if (rel > 1e-9 || (rel > 0 && exactFloats(path))) diff.problems.push(`${path}: ${expected} vs ${actual} (rel ${rel})`);
  } else if (k === 'array') {
    if (expected.length !== actual.length) diff.problems.push(`${path}: length ${expected.length} vs ${actual.length}`);
    else expected.forEach((x, i) => compare(x, actual[i], exactFloats, `${path}[${i}]`, diff));
  } else if (k === 'object') {
    const [a, b] = [Object.keys(expected), Object.keys(actual)];
    if (a.join('\n') !== b.join('\n')) diff.problems.push(`${path}: keys ${a.join(',')} vs ${b.join(',')}`);
    else for (const key of a) compare(expected[key], actual[key], exactFloats, `${path}.${key}`, diff);
  } else if (expected !== actual) diff.problems.push(`${path}: ${String(expected)} vs ${String(actual)}`);
  return diff;
}

/** JS objects put integer-like keys first: the window-size keys' order is read off the text. */
const windowKeyOrder = (json) => [...json.matchAll(/^ {4}"(-?\d+)": \{$/gm)].map((m) => m[1]).join(',');
const loose = () => false;
const exceptHistogramEdges = (path) => !/\.histogram\[\d+\]\.(lo|hi)$/.test(path);

function replaySteadyState(events, args, jsonOut) {
  const cli = [join(ROOT, 'bin', 'replay.js'), 'steady-state', events, '--tokenizer', TOKENIZER, ...args, '--json', jsonOut];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, cli, { encoding: 'utf8', maxBuffer: 1 << 28 }, (err, stdout, stderr) => (err ? reject(new Error(`replay steady-state failed: ${stderr}`)) : resolve(stdout)));
  });
}

let failed = 0;
for (const c of cases) {
  const mineJson = join(work, `${c.name}.replay.json`);
  const mineText = await replaySteadyState(c.events, c.args, mineJson);
  const mine = readFileSync(mineJson, 'utf8');
  for (const [label, py312Sum, exact] of [['python3', false, loose], ['3.12 sum', true, exceptHistogramEdges]]) {
    const refJson = join(work, `${c.name}.${py312Sum ? 'py312' : 'py'}.json`);
    const { text } = await runReference(script, c.events, c.args, { py312Sum, jsonOut: refJson });
    const ref = readFileSync(refJson, 'utf8');
    const problems = [];
    if (text !== mineText) problems.push('printed text differs');
    if (windowKeyOrder(ref) !== windowKeyOrder(mine)) problems.push(`window-size key order ${windowKeyOrder(ref)} vs ${windowKeyOrder(mine)}`);
    const diff = compare(parsePyJson(ref), parsePyJson(mine), exact);
    problems.push(...diff.problems.slice(0, 10));
    process.stdout.write(`${problems.length === 0 ? 'equal' : 'DIFF '} ${c.name} (${label}; max float rel ${diff.maxRel.toExponential(1)})\n`);
    for (const p of problems) process.stdout.write(`  ${p}\n`);
    if (problems.length > 0) failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
