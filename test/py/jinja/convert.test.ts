// The float and int filters against Python's float() / int() as jinja2 calls
// them, on the grammar's corners and on long strings: the float filter's
// scanner is linear (a 100k-character string used to backtrack for minutes).
import { describe, expect, it } from 'vitest';
import { parsePyFloat } from '../../../src/py/jinja/convert.js';
import { expectParity, pyRender } from './oracle.js';

const FLOATS = ['3.5', 'x', ' 1_000.5e3 ', 'inf', '-nan', '+Infinity', 'iNf', '1e5', '.5', '5.', '.', '1e', '1e+', '+.5E-2', '1__0', '_1', '1_', '1_0e1_0', '0x10', '١٢٣.٥', '１２', '\u00a01.5\u2003', '1.5\u200b', '--1', '1e400', '-0', '0.1e-400', 'nan(1)', '𝟏𝟐'];

describe('float filter', () => {
  it('reads strings as Python float() does, else gives the default', () => {
    expectParity(FLOATS.map((_, i) => `{{ vals[${i}] | float }}|{{ vals[${i}] | float(-1) }}`), { vals: FLOATS });
  });

  it('is linear on long strings, digits or not', () => {
    const long = ['1'.repeat(100_000) + 'x', '1'.repeat(100_000), '1'.repeat(50_000) + '.' + '2'.repeat(50_000) + 'e' + '3'.repeat(10), '_'.repeat(100_000), '1_'.repeat(50_000) + '1'];
    const py = pyRender(long.map((_, i) => `{{ vals[${i}] | float }}`), { vals: long });
    expect(long.map((s) => parsePyFloat(s))).toEqual(py.map((o) => ('text' in o ? (o.text === '0.0' ? null : o.text === 'inf' ? Infinity : Number(o.text)) : 'error')));
  });
});

const INTS = ['42', ' -7 ', '0x1A', '1_000', '3.9', 'z', '1e3', 'inf', 'nan', '0b101', '0o17', '1'.repeat(4300), '1'.repeat(4301), '١٢'];

describe('int filter', () => {
  it('reads strings and numbers as jinja2 do_int does (int(), then int(float()), else the default)', () => {
    expectParity(INTS.map((_, i) => `{{ vals[${i}] | int }}|{{ vals[${i}] | int(-1) }}`).filter((_, i) => INTS[i]!.length < 20), { vals: INTS });
    expectParity(['{{ "0x1A" | int(0, 16) }}|{{ "0x1A" | int(base=0) }}|{{ "777" | int(base=8) }}|{{ "zz" | int(base=36) }}|{{ 3.9 | int }}|{{ -3.9 | int }}|{{ true | int }}|{{ none | int(5) }}']);
  });

  it('refuses more than 4300 digits as Python 3.11 does, and gives the default for inf', () => {
    // int('1' * 4301) raises ValueError; float() of it is inf, int(inf) OverflowError, which do_int turns into its default.
    expectParity(['{{ vals[0] | int(7) }}', '{{ vals[1] | int(7) }}', '{{ vals[2] | int(7) }}'], { vals: ['1'.repeat(4301), '1e400', '-inf'] });
  });
});
