// Arithmetic operators on template values (+ - * / // % **), as Python has them.
import { PyFloat } from '../../model/json.js';
import { growChars, growItems } from './budget.js';
import { PyError, typeError } from './errors.js';
import { pyPercent } from './format.js';
import { TUPLES, Undefined, isNumeric, numOf, tuple, typeName, type Val } from './values.js';

export function arith(op: string, a: Val, b: Val): Val {
  if (a instanceof Undefined) throw a.fail();
  if (b instanceof Undefined) throw b.fail();
  if (isNumeric(a) && isNumeric(b)) {
    const x = numOf(a);
    const y = numOf(b);
    const float = a instanceof PyFloat || b instanceof PyFloat;
    const wrap = (r: number): Val => (float ? new PyFloat(r) : r);
    switch (op) {
      case '+':
        return wrap(x + y);
      case '-':
        return wrap(x - y);
      case '*':
        return wrap(x * y);
      case '/':
        if (y === 0) throw new PyError('ZeroDivisionError', 'division by zero');
        return new PyFloat(x / y);
      case '//':
        if (y === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
        return wrap(Math.floor(x / y));
      case '%': {
        if (y === 0) throw new PyError('ZeroDivisionError', 'integer modulo by zero');
        const r = x % y;
        return wrap(r !== 0 && r < 0 !== y < 0 ? r + y : r);
      }
      case '**':
        if (x === 0 && y < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
        return float || y < 0 ? new PyFloat(x ** y) : x ** y;
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') {
      growChars(a.length + b.length, b.length);
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b) && TUPLES.has(a) === TUPLES.has(b)) {
      growItems(a.length + b.length);
      const out = a.concat(b);
      return TUPLES.has(a) ? tuple(out) : out;
    }
  }
  if (op === '*') {
    const rep = (seq: Val, n: Val): Val | null => {
      if (!(typeof n === 'number' || typeof n === 'boolean')) return null;
      const k = Math.max(0, Number(n));
      if (typeof seq === 'string') {
        growChars(seq.length * k);
        return seq.repeat(k);
      }
      if (Array.isArray(seq)) {
        growItems(seq.length * k);
        const out: Val[] = [];
        for (let i = 0; i < k; i++) for (const x of seq) out.push(x);
        return TUPLES.has(seq) ? tuple(out) : out;
      }
      return null;
    };
    const r = rep(a, b) ?? rep(b, a);
    if (r !== null) return r;
  }
  if (op === '%' && typeof a === 'string') return pyPercent(a, b);
  throw typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}
