// Hostile logs: 100k-level nesting in the structured chat fields, strings that
// look like internal markers, a 12 MB chat message through the integral-float
// path, CR-only line endings, and control bytes (ESC, OSC, BEL, C1) in ids,
// event types, model names and paths, which must never reach the terminal raw.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonKeepFloats, parsePyJson } from '../../src/py/json.js';
import { PyFloat } from '../../src/model/json.js';
import { replay, replayMeasured } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const MULTI = join(ROOT, 'fixtures', 'golden', 'multiturn-messages', 'events.jsonl');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'events.jsonl');
const LLAMA = join(ROOT, 'node_modules', '@lenml', 'tokenizer-llama3_1', 'models');
const GB2 = 2 * 1024 ** 3;
const peaks: Record<string, number> = {};
afterAll(() => {
  process.stdout.write(`peak RSS of the replay process tree per case:\n${Object.entries(peaks).map(([k, v]) => `  ${(v / 2 ** 20).toFixed(0).padStart(5)} MB  ${k}`).join('\n')}\n`);
});

/** The log's lines; PromptData lines of the multiturn fixture end with tools..tool_choice all null. */
const lines = (p: string): string[] => readFileSync(p, 'utf8').split('\n');
const PROMPT_TAIL = '],null,null,null,null]}';

function write(lines: string[]): string {
  const d = mkdtempSync(join(tmpdir(), 'log-'));
  const p = join(d, 'events.jsonl');
  writeFileSync(p, lines.join('\n'));
  return p;
}

/** Rewrites the first `n` PromptData lines with `edit` (index among them, line). */
function editPrompts(src: string[], n: number, edit: (k: number, line: string) => string): string[] {
  let k = 0;
  return src.map((l) => {
    if (k >= n || !l.includes('"PromptData"') || !l.endsWith(PROMPT_TAIL)) return l;
    const out = edit(k++, l);
    expect(out).not.toBe(l);
    return out;
  });
}

const manifestOf = (_log: string, out: string) => JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8')) as { tokenization: { jobs: number; counted: number; not_counted: number; tokens: number; notes: Record<string, number> } };

describe('deep nesting', () => {
  const D = 100_000;
  const deepObj = `${'{"a":'.repeat(D)}1${'}'.repeat(D)}`;
  const deepArr = `${'['.repeat(D)}${']'.repeat(D)}`;
  const hostile = editPrompts(lines(MULTI), 3, (k, l) => {
    if (k === 0) return l.replace(PROMPT_TAIL, `],[${deepObj}],null,null,null]}`); // tools
    if (k === 1) return l.replace(PROMPT_TAIL, `],null,${deepObj},null,null]}`); // chat_template_kwargs
    return l.replace('[{"role":', `[{"x":${deepArr},"role":`); // a message
  });

  /** The same log without the nesting, replayed once with the in-process counter: what the other samples count. */
  let cleanManifest: ReturnType<typeof manifestOf> | null = null;
  const clean = async (): Promise<ReturnType<typeof manifestOf>> => {
    if (cleanManifest) return cleanManifest;
    const log = write(lines(MULTI));
    const c = await replay(['recompute', log, `--tokenizer=${LLAMA}`, '--workers=0', `--out=${join(log, '..', 'o')}`, '--quiet']);
    expect(c.status, c.stderr).toBe(0);
    return (cleanManifest = manifestOf(log, join(log, '..', 'o')));
  };

  for (const workers of ['--workers=0', '--workers=2']) {
    it(`100k levels in tools, chat_template_kwargs and messages: a counted warning per sample, the rest counted (${workers})`, async () => {
      const log = write(hostile);
      const outH = join(log, '..', 'o');
      const h = await replayMeasured(['recompute', log, `--tokenizer=${LLAMA}`, workers, `--out=${outH}`, '--quiet']);
      peaks[`100k-level nesting (${workers})`] = h.peakRss;
      // Incomplete (3 inputs not counted), never an internal error.
      expect(h.status, h.stderr).toBe(3);
      expect(h.stderr).toContain('warning: 3 tokenization input(s): not counted: structured chat data nested more than 1600 levels deep');
      expect(h.stderr).not.toMatch(/internal error|RangeError|stack/);
      const mh = manifestOf(log, outH);
      const mc = await clean();
      expect(mh.tokenization.jobs).toBe(mc.tokenization.jobs);
      expect(mh.tokenization.not_counted).toBe(3);
      expect(mh.tokenization.counted).toBe(mc.tokenization.counted - 3);
      expect(Object.values(mh.tokenization.notes)).toEqual([3]);
      expect(h.peakRss).toBeLessThan(GB2);
    }, 300_000);
  }
});

describe('strings that look like markers stay the strings they are', () => {
  it('the JSON readers: a "\\u0000pyfloat:" or "\\u0000int:" string is a string, as JSON.parse reads it', () => {
    const text = '{"a":"\\u0000pyfloat:5","b":1.0,"c":["\\u0000int:7",2],"__proto__":{"polluted":true}}';
    const expected = JSON.parse(text) as Record<string, unknown>;
    const kept = parseJsonKeepFloats(text) as Record<string, unknown>;
    expect(kept['a']).toBe(expected['a']);
    expect(kept['b']).toEqual(new PyFloat(1));
    expect((kept['c'] as unknown[])[0]).toBe('\u0000int:7');
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.keys(kept)).toEqual(Object.keys(expected));
    const py = parsePyJson(text) as Record<string, unknown>;
    expect(py['a']).toBe('\u0000pyfloat:5');
    expect((py['c'] as unknown[])).toEqual(['\u0000int:7', 2n]);
  });

  it('a chat message holding a marker-like string counts the same whether or not the line has an integral float', async () => {
    const content = (l: string) => l.replace(/"content":"[^"]*"/, '"content":"\\u0000pyfloat:5 and \\u0000int:7"');
    // An unused template variable: 1.0 takes the integral-float reader, 1 the plain JSON.parse one; neither renders.
    const withFloat = write(editPrompts(lines(MULTI), 1, (_k, l) => content(l).replace(PROMPT_TAIL, '],null,{"unused_var":1.0},null,null]}')));
    const withInt = write(editPrompts(lines(MULTI), 1, (_k, l) => content(l).replace(PROMPT_TAIL, '],null,{"unused_var":1},null,null]}')));
    const runs = [];
    for (const log of [withFloat, withInt]) {
      const r = await replay(['recompute', log, `--tokenizer=${LLAMA}`, '--workers=0', '--quiet', `--out=${join(log, '..', 'o')}`]);
      expect(r.status, r.stderr).toBe(0);
      runs.push(manifestOf(log, join(log, '..', 'o')).tokenization.tokens);
    }
    expect(runs[0]).toBe(runs[1]);
  }, 300_000);

  it('an original summary field holding "\\u0000int:42" is written back as that string', async () => {
    const run = mkdtempSync(join(tmpdir(), 'marker-'));
    copyFileSync(TINY, join(run, 'events.jsonl'));
    mkdirSync(join(run, 'performance'));
    writeFileSync(join(run, 'performance', 'result_summary.json'), '{"version":"\\u0000int:42","git_sha":"\\u0000pyfloat:1","n_samples_issued":1}');
    const r = await replay(['recompute', run, '--no-tokenizer', '--quiet']);
    expect([0, 3]).toContain(r.status);
    const out = JSON.parse(readFileSync(join(run, 'replay', 'result_summary.json'), 'utf8'));
    expect(out.version).toBe('\u0000int:42');
    expect(out.git_sha).toBe('\u0000pyfloat:1');
  });
});

describe('a 12 MB chat message through the integral-float check', () => {
  it('is counted, as the same message without the float', async () => {
    const words = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/[^A-Za-z0-9 .,]/g, ' ');
    let big = '';
    while (big.length < 12 << 20) big += words;
    const edit = (kw: string) => (k: number, l: string) => l.replace(/"content":"[^"]*"/, `"content":"${big}"`).replace(PROMPT_TAIL, `],null,{"unused_var":${kw}},null,null]}`);
    const a = write(editPrompts(lines(MULTI), 1, edit('1.0')));
    const b = write(editPrompts(lines(MULTI), 1, edit('1')));
    const tokens = [];
    for (const log of [a, b]) {
      const r = await replayMeasured(['recompute', log, `--tokenizer=${LLAMA}`, '--workers=0', '--quiet', `--out=${join(log, '..', 'o')}`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      peaks[`12 MB chat message, unused_var ${log === a ? '1.0' : '1'}`] = r.peakRss;
      expect(r.peakRss).toBeLessThan(GB2);
      const m = manifestOf(log, join(log, '..', 'o'));
      expect(m.tokenization.not_counted).toBe(0);
      tokens.push(m.tokenization.tokens);
    }
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[0]).toBeGreaterThan(1_000_000);
  }, 300_000);
});

describe('a prompt of 4M token ids', () => {
  it('is read as its length, without a regular expression overflowing', async () => {
    const N = 4_000_000;
    const ids = Array.from({ length: N }, (_, i) => i % 50_000).join(',');
    let done = false;
    const log = write(
      lines(TINY).map((l) => {
        if (done || !l.includes('"sample.issued"')) return l;
        done = true;
        return l.replace(/"data":\["PromptData",.*\]\}$/, `"data":["PromptData",null,[${ids}],null,null,null,null,null]}`);
      }),
    );
    const r = await replay(['recompute', log, '--no-tokenizer', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(log, '..', 'replay', 'result_summary.json'), 'utf8'));
    expect(summary.input_sequence_lengths.max).toBe(N);
  });
});

describe('CR-only line endings', () => {
  it('are said in one line naming the file, or standard input', async () => {
    const d = mkdtempSync(join(tmpdir(), 'cr-'));
    const p = join(d, 'events.jsonl');
    writeFileSync(p, readFileSync(TINY, 'utf8').replace(/\n/g, '\r'));
    const r = await replay(['recompute', p, '--no-tokenizer']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`replay: ${p}: lines end in CR only (classic Mac line endings); replay reads LF or CRLF line endings`);
    const s = await replay(['recompute', '-', '--no-tokenizer', `--out=${join(d, 'o')}`], { input: readFileSync(p, 'utf8') });
    expect(s.status).toBe(2);
    expect(s.stderr.split('\n')[0]).toMatch(/^replay: standard input: .*lines end in CR only/);
    expect(s.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});

describe('control bytes never reach the terminal raw', () => {
  // ESC [ (CSI), an OSC retitling the window ended by BEL, a C1 CSI (U+009B), DEL.
  const NASTY = '\u001b[31mRED\u001b]0;pwned\u0007\u009b2J\u007f';
  /** Any control character but the line breaks of the output itself. */
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it('in a sample id, an event type, an error message, a model name and a path', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ctl-'));
    const run = join(base, `run${NASTY}`);
    mkdirSync(run);
    const j = JSON.stringify(NASTY).slice(1, -1);
    const src = lines(TINY);
    const hostile = src.map((l, i) => (i === 3 ? l.replace(/"sample_uuid":"[^"]*"/, `"sample_uuid":"${j}"`) : l));
    hostile.splice(5, 0, `{"event_type":"${j}","timestamp_ns":1,"sample_uuid":"${j}","data":null}`, `{"event_type":"error.generic","timestamp_ns":${'9'.repeat(3)},"data":["ErrorData","${j}","${j}"]}`);
    writeFileSync(join(run, 'events.jsonl'), hostile.join('\n'));
    writeFileSync(join(run, 'config.yaml'), `model_params:\n  name: "org/model${j}"\n  streaming: 'on'\n`);
    const outs: Array<{ stdout: string; stderr: string }> = [];
    // The model name from config.yaml is looked for and not found: the error names it.
    const notFound = await replay(['recompute', run]);
    expect(notFound.status).toBe(2);
    expect(notFound.stderr).toContain('\\x1b[31mRED\\x1b]0;pwned\\x07\\x9b2J\\x7f');
    outs.push(notFound);
    const ok = await replay(['recompute', run, '--no-tokenizer']);
    expect([0, 3]).toContain(ok.status);
    expect(ok.stderr).toMatch(/warning: .*line\(s\) skipped as undecodable/);
    outs.push(ok);
    const rep = await replay(['report', run]);
    outs.push(rep);
    const other = join(base, 'other');
    mkdirSync(other);
    copyFileSync(TINY, join(other, 'events.jsonl'));
    writeFileSync(join(other, 'config.yaml'), `model_params:\n  name: "org/model${j}"\n  streaming: 'on'\n`);
    expect((await replay(['recompute', other, '--no-tokenizer', '--quiet'])).status).toBe(0);
    const cmp = await replay(['compare', run, other]);
    expect(cmp.status, cmp.stderr).toBe(0);
    outs.push(cmp);
    for (const o of outs) {
      expect(o.stdout).not.toMatch(RAW_CONTROL);
      expect(o.stderr).not.toMatch(RAW_CONTROL);
    }
    // The escaped form is what shows: in the path of the output directory and in the compare labels.
    expect(ok.stdout).toContain('run\\x1b[31mRED');
    expect(cmp.stdout).toContain('\\x1b[31mRED');
  });
});
