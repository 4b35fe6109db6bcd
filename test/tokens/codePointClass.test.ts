// CodePointClass (src/tokens/bpe/unicodeCheck.ts): the test that sends a text to
// the native binding skips the code units below its class's lowest one, and must
// answer as the regex engine does over the whole text.
import { describe, expect, it } from 'vitest';
import { CodePointClass } from '../../src/tokens/bpe/unicodeCheck.js';
import { corpusTexts } from '../helpers/corpus.js';

/** The answer of the class's regex over the whole text. */
const whole = (source: string, text: string): boolean => new RegExp(source, 'u').test(text);

const CLASSES = [
  '[\\p{Cn}]',
  // A member below every unassigned code point, so the skip must stop earlier.
  '[\\u{e9}\\p{Cn}]',
  // Only astral members: every BMP code unit is skipped, surrogates are not.
  '[\\u{1f600}-\\u{1f64f}]',
  '[\\u{0}\\p{Cn}]',
];

describe('CodePointClass', () => {
  const corpus = corpusTexts().slice(0, 400);
  // Characters to plant after a long plain run: unassigned (BMP and astral), assigned astral, Latin-1, the class edges.
  const planted = ['\u0378', '\u{2fffe}', '\u{1f600}', '\u{1f650}', 'é', 'è', '\0', '\u{10ffff}', '\uffff', '\u{1f64f}'];

  for (const source of CLASSES) {
    it(`answers as the whole-text regex for ${source}`, () => {
      const cls = new CodePointClass(source);
      const texts = [...corpus, '', 'a', 'x'.repeat(5000)];
      for (const ch of planted) texts.push(ch, `${'plain text '.repeat(300)}${ch}`, `${ch}${'after '.repeat(50)}`, `é ü — “quoted” ${ch} tail`);
      let held = 0;
      for (const text of texts) {
        const expected = whole(source, text);
        expect(cls.test(text), JSON.stringify(text.slice(-40))).toBe(expected);
        if (expected) held++;
      }
      // The cases include texts the class holds and texts it does not.
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThan(texts.length);
    });
  }

  it('gives the same answer when called again (no state kept between texts)', () => {
    const cls = new CodePointClass('[\\p{Cn}]');
    const hit = `${'a'.repeat(100)}\u0378`;
    expect([cls.test(hit), cls.test(hit), cls.test('abc'), cls.test(hit), cls.test('\u0378')]).toEqual([true, true, false, true, true]);
  });
});
