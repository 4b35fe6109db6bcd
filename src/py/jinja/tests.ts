// jinja2's tests (`x is name`), as Python evaluates them.
import { PyFloat } from '../../model/json.js';
import { typeError } from './errors.js';
import { arith } from './arith.js';
import { bind } from './call.js';
import { contains, pyCompare, pyEq, truthy } from './compare.js';
import { pyStr } from './repr.js';
import { pyIsLower, pyIsUpper } from './strings.js';
import { DictView, LoopContext, PyCallable, PyIterator, Undefined, isNumeric, type Val } from './values.js';

export type Test = (v: Val, args: Val[], kwargs: Map<string, Val>) => boolean;
/** The tests that need no filter registry (registry.ts adds `filter` and `test`). */
export const BASE_TESTS = new Map<string, Test>();
const defTest = (names: string[], t: Test): void => names.forEach((n) => BASE_TESTS.set(n, t));
const arg1 = (name: string, args: Val[], kwargs: Map<string, Val>): Val => {
  const [x] = bind(name, ['other'], args, kwargs);
  if (x === undefined) throw typeError(`${name}() missing 1 required positional argument`);
  return x;
};

defTest(['odd'], (v) => truthy(arith('%', v, 2)));
defTest(['even'], (v) => !truthy(arith('%', v, 2)));
defTest(['divisibleby'], (v, a, k) => !truthy(arith('%', v, arg1('divisibleby', a, k))));
defTest(['defined'], (v) => !(v instanceof Undefined));
defTest(['undefined'], (v) => v instanceof Undefined);
defTest(['none'], (v) => v === null);
defTest(['boolean'], (v) => typeof v === 'boolean');
defTest(['false'], (v) => v === false);
defTest(['true'], (v) => v === true);
defTest(['integer'], (v) => typeof v === 'number');
defTest(['float'], (v) => v instanceof PyFloat);
defTest(['number'], (v) => isNumeric(v));
defTest(['string'], (v) => typeof v === 'string');
defTest(['mapping'], (v) => v instanceof Map);
defTest(['lower'], (v) => pyIsLower(pyStr(v)));
defTest(['upper'], (v) => pyIsUpper(pyStr(v)));
defTest(['sequence'], (v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map || v instanceof Undefined);
defTest(['iterable'], (v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map || v instanceof Undefined || v instanceof DictView || v instanceof LoopContext || v instanceof PyIterator);
defTest(['callable'], (v) => v instanceof PyCallable || v instanceof Undefined || v instanceof LoopContext);
defTest(['sameas'], (v, a, k) => {
  const o = arg1('sameas', a, k);
  return v === o || (v === null && o === null) || (typeof v !== 'object' && v === o);
});
defTest(['escaped'], () => false);
defTest(['in'], (v, a, k) => contains(arg1('in', a, k), v));
defTest(['==', 'eq', 'equalto'], (v, a, k) => pyEq(v, arg1('eq', a, k)));
defTest(['!=', 'ne'], (v, a, k) => !pyEq(v, arg1('ne', a, k)));
defTest(['>', 'gt', 'greaterthan'], (v, a, k) => pyCompare(v, arg1('gt', a, k), '>') > 0);
defTest(['>=', 'ge'], (v, a, k) => pyCompare(v, arg1('ge', a, k), '>=') >= 0);
defTest(['<', 'lt', 'lessthan'], (v, a, k) => pyCompare(v, arg1('lt', a, k), '<') < 0);
defTest(['<=', 'le'], (v, a, k) => pyCompare(v, arg1('le', a, k), '<=') <= 0);
