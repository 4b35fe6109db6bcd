// CSV cells: the quoting and formula-guard rules of docs/outputs.md, and floats
// that read back to the same double, against values written out by hand.
import { describe, expect, it } from 'vitest';
import { csvFloat, csvText } from '../../src/output/csvFile.js';

describe('csvText', () => {
  it('leaves plain text bare and quotes what RFC 4180 needs quoted', () => {
    expect(csvText('stop')).toBe('stop');
    expect(csvText('')).toBe('""');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('cr\rhere')).toBe('"cr\rhere"');
    expect(csvText(' padded ')).toBe('" padded "');
    expect(csvText('日本語 🚀')).toBe('日本語 🚀');
  });

  it('guards formula starts with a quote, and the quote itself, so one dropped quote undoes it', () => {
    expect(csvText('=1+1')).toBe(`"'=1+1"`);
    expect(csvText('+1')).toBe(`"'+1"`);
    expect(csvText('-1')).toBe(`"'-1"`);
    expect(csvText('@x')).toBe(`"'@x"`);
    expect(csvText('\tx')).toBe(`"'\tx"`);
    expect(csvText('\rx')).toBe(`"'\rx"`);
    expect(csvText("'x")).toBe(`"''x"`);
    expect(csvText('=HYPERLINK("u","t")')).toBe(`"'=HYPERLINK(""u"",""t"")"`);
    expect(csvText('a=b')).toBe('a=b');
  });
});

describe('csvFloat', () => {
  it('writes integral values with .0 and keeps every digit needed', () => {
    expect(csvFloat(88)).toBe('88.0');
    expect(csvFloat(0.1)).toBe('0.1');
    expect(csvFloat(-0)).toBe('-0.0');
    expect(csvFloat(2 ** 53 + 2)).toBe('9007199254740994.0');
    expect(csvFloat(1e21)).toBe('1e+21');
    expect(csvFloat(1.5e-7)).toBe('1.5e-7');
    expect(csvFloat(15346723.273684211)).toBe('15346723.273684211');
    expect([csvFloat(Infinity), csvFloat(-Infinity), csvFloat(NaN)]).toEqual(['inf', '-inf', 'nan']);
  });

  it('reads back to the same double, over random bit patterns', () => {
    const bits = new BigUint64Array(1);
    const asFloat = new Float64Array(bits.buffer);
    let seed = 12345n;
    for (let i = 0; i < 20000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      bits[0] = seed;
      const x = asFloat[0]!;
      if (!Number.isFinite(x)) continue;
      const s = csvFloat(x);
      expect(s).toMatch(/[.e]/);
      expect(Object.is(Number(s), x)).toBe(true);
    }
  });
});
