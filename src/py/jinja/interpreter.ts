// The interpreter: evaluates a parsed template with Python jinja2's semantics.
import { PyFloat } from '../../model/json.js';
import { BREAK, CONTINUE, PyError, typeError, valueError } from './errors.js';
import { getAttr, getItem, pySlice } from './access.js';
import { arith } from './arith.js';
import { MACRO_FRAMES, deeper, growChars, growOutput, work } from './budget.js';
import { referencedNames, type Node } from './ast.js';
import { contains, dictSet, iterate, pyCompare, pyEq, truthy } from './compare.js';
import { pyStr } from './repr.js';
import { FILTERS, TESTS } from './registry.js';
import { DictView, LoopContext, NOT_FOUND, Namespace, PyCallable, Undefined, isNumeric, tuple, typeName, type Dict, type Val } from './values.js';

export class Scope {
  readonly vars = new Map<string, Val>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Val | typeof NOT_FOUND {
    for (let s: Scope | null = this; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name)!;
    return NOT_FOUND;
  }
}

export const CONSTANTS = new Map<string, Val>([
  ['true', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['none', null],
  ['None', null],
]);

export class Interpreter {
  constructor(readonly globals: Map<string, Val>) {}

  render(program: Node, vars: Map<string, Val>): string {
    const root = new Scope(null);
    for (const [k, v] of vars) root.vars.set(k, v);
    let out = '';
    for (const n of program['body'] as Node[]) {
      out = emit(out, this.statement(n, root));
    }
    return out;
  }

  block(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const n of nodes) out = emit(out, this.statement(n, scope));
    return out;
  }

  statement(n: Node, scope: Scope): string {
    work();
    switch (n.type) {
      case 'Comment':
        return '';
      case 'Set':
        this.set(n, scope);
        return '';
      case 'If':
        return truthy(this.eval(n['test'] as Node, scope)) ? this.block(n['body'] as Node[], scope) : this.block(n['alternate'] as Node[], scope);
      case 'For':
        return this.forLoop(n, scope);
      case 'Macro': {
        const name = (n['name'] as Node)['value'] as string;
        scope.vars.set(name, this.macro(name, n['args'] as Node[], n['body'] as Node[], scope));
        return '';
      }
      case 'CallStatement':
        return this.callBlock(n, scope);
      case 'FilterStatement': {
        const body = this.block(n['body'] as Node[], new Scope(scope));
        return pyStr(this.applyFilter(body, n['filter'] as Node, scope));
      }
      case 'Break':
        throw BREAK;
      case 'Continue':
        throw CONTINUE;
      default:
        return pyStr(this.eval(n, scope));
    }
  }

  private assign(target: Node, value: Val, scope: Scope): void {
    if (target.type === 'Identifier') {
      scope.vars.set(target['value'] as string, value);
      return;
    }
    if (target.type === 'TupleLiteral') {
      const names = target['value'] as Node[];
      if (!(Array.isArray(value) || typeof value === 'string' || value instanceof Map || value instanceof Undefined || value instanceof DictView)) {
        throw typeError(`cannot unpack non-iterable ${typeName(value)} object`);
      }
      const items = iterate(value);
      if (items.length !== names.length) {
        throw valueError(items.length > names.length ? `too many values to unpack (expected ${names.length})` : `not enough values to unpack (expected ${names.length}, got ${items.length})`);
      }
      names.forEach((t, i) => this.assign(t, items[i]!, scope));
      return;
    }
    throw new PyError('TemplateSyntaxError', `cannot assign to ${target.type}`);
  }

  private set(n: Node, scope: Scope): void {
    const target = n['assignee'] as Node;
    const value = n['value'] ? this.eval(n['value'] as Node, scope) : this.block(n['body'] as Node[], new Scope(scope));
    if (target.type === 'MemberExpression' && !target['computed']) {
      const obj = this.eval(target['object'] as Node, scope);
      if (!(obj instanceof Namespace)) throw new PyError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
      obj.attrs.set((target['property'] as Node)['value'] as string, value);
      return;
    }
    this.assign(target, value, scope);
  }

  private forLoop(n: Node, scope: Scope): string {
    let iterNode = n['iterable'] as Node;
    let test: Node | null = null;
    if (iterNode.type === 'SelectExpression') {
      test = iterNode['test'] as Node;
      iterNode = iterNode['lhs'] as Node;
    }
    let items = iterate(this.eval(iterNode, scope));
    const loopvar = n['loopvar'] as Node;
    if (test) {
      const t = test;
      items = items.filter((item) => {
        const s = new Scope(scope);
        this.assign(loopvar, item, s);
        return truthy(this.eval(t, s));
      });
    }
    if (items.length === 0) return this.block((n['defaultBlock'] as Node[]) ?? [], new Scope(scope));
    let out = '';
    const changed = { last: undefined };
    for (let i = 0; i < items.length; i++) {
      const s = new Scope(scope);
      s.vars.set('loop', new LoopContext(items, i, changed));
      this.assign(loopvar, items[i]!, s);
      const body = n['body'] as Node[];
      let chunk = '';
      try {
        work();
        for (const st of body) chunk = emit(chunk, this.statement(st, s));
      } catch (e) {
        if (e === CONTINUE) {
          out = emit(out, chunk);
          continue;
        }
        if (e === BREAK) {
          out = emit(out, chunk);
          break;
        }
        throw e;
      }
      out = emit(out, chunk);
    }
    return out;
  }

  private macro(name: string, params: Node[], body: Node[], defScope: Scope, callerName = name): PyCallable {
    const refs = referencedNames(body);
    const names = params.map((p) => (p.type === 'Identifier' ? (p['value'] as string) : ((p['key'] as Node)['value'] as string)));
    const defaults = params.map((p) => (p.type === 'KeywordArgumentExpression' ? (p['value'] as Node) : null));
    return new PyCallable(
      name,
      (args, kwargs) => deeper(MACRO_FRAMES, () => {
        work();
        const s = new Scope(defScope);
        const kw = new Map(kwargs);
        names.forEach((pname, i) => {
          if (i < args.length) {
            if (kw.has(pname)) throw typeError(`macro '${callerName}' got multiple values for argument '${pname}'`);
            s.vars.set(pname, args[i]!);
          } else if (kw.has(pname)) {
            s.vars.set(pname, kw.get(pname)!);
            kw.delete(pname);
          } else if (defaults[i]) {
            s.vars.set(pname, this.eval(defaults[i]!, s));
          } else {
            s.vars.set(pname, new Undefined(`parameter '${pname}' was not provided`));
          }
        });
        if (refs.has('caller') && !names.includes('caller')) {
          s.vars.set('caller', kw.has('caller') ? kw.get('caller')! : new Undefined("No caller defined"));
          kw.delete('caller');
        }
        if (refs.has('varargs')) s.vars.set('varargs', tuple(args.slice(names.length)));
        else if (args.length > names.length) throw typeError(`macro '${callerName}' takes not more than ${names.length} argument(s)`);
        if (refs.has('kwargs')) s.vars.set('kwargs', new Map(kw));
        else if (kw.size > 0) throw typeError(`macro '${callerName}' takes no keyword argument '${kw.keys().next().value}'`);
        return this.block(body, s);
      }),
      'macro',
    );
  }

  private callBlock(n: Node, scope: Scope): string {
    const call = n['call'] as Node;
    const caller = this.macro('caller', (n['callerArgs'] as Node[] | null) ?? [], n['body'] as Node[], scope);
    const fn = this.eval(call['callee'] as Node, scope);
    const [args, kwargs] = this.args(call['args'] as Node[], scope);
    kwargs.set('caller', caller);
    return pyStr(this.call(fn, args, kwargs));
  }

  private args(nodes: Node[], scope: Scope): [Val[], Map<string, Val>] {
    const args: Val[] = [];
    const kwargs = new Map<string, Val>();
    for (const a of nodes) {
      if (a.type === 'KeywordArgumentExpression') kwargs.set((a['key'] as Node)['value'] as string, this.eval(a['value'] as Node, scope));
      else if (a.type === 'SpreadExpression') args.push(...iterate(this.eval(a['argument'] as Node, scope)));
      else if (a.type === 'KeywordSpreadExpression') {
        const m = this.eval(a['argument'] as Node, scope);
        if (!(m instanceof Map)) throw typeError(`argument after ** must be a mapping, not ${typeName(m)}`);
        for (const [k, v] of m) kwargs.set(String(k), v);
      } else args.push(this.eval(a, scope));
    }
    return [args, kwargs];
  }

  call(fn: Val, args: Val[], kwargs: Map<string, Val>): Val {
    if (fn instanceof Undefined) throw fn.fail();
    if (fn instanceof PyCallable) return fn.call(args, kwargs);
    throw typeError(`'${typeName(fn)}' object is not callable`);
  }

  applyFilter(value: Val, f: Node, scope: Scope): Val {
    let name: string;
    let args: Val[] = [];
    let kwargs = new Map<string, Val>();
    if (f.type === 'Identifier') name = f['value'] as string;
    else {
      name = (f['callee'] as Node)['value'] as string;
      [args, kwargs] = this.args(f['args'] as Node[], scope);
    }
    const filter = FILTERS.get(name);
    if (!filter) throw new PyError('TemplateAssertionError', `No filter named '${name}'.`);
    return filter(value, args, kwargs);
  }

  eval(n: Node, scope: Scope): Val {
    work();
    switch (n.type) {
      case 'StringLiteral':
        return n['value'] as string;
      case 'IntegerLiteral':
        return n['value'] as number;
      case 'FloatLiteral':
        return new PyFloat(n['value'] as number);
      case 'ArrayLiteral':
        return (n['value'] as Node[]).map((x) => this.eval(x, scope));
      case 'TupleLiteral':
        return tuple((n['value'] as Node[]).map((x) => this.eval(x, scope)));
      case 'ObjectLiteral': {
        const m: Dict = new Map();
        for (const [k, v] of n['value'] as Map<Node, Node>) dictSet(m, this.eval(k, scope), this.eval(v, scope));
        return m;
      }
      case 'Identifier': {
        const name = n['value'] as string;
        if (CONSTANTS.has(name)) return CONSTANTS.get(name)!;
        const v = scope.lookup(name);
        if (v !== NOT_FOUND) return v;
        return this.globals.get(name) ?? new Undefined(`'${name}' is undefined`);
      }
      case 'MemberExpression': {
        const obj = this.eval(n['object'] as Node, scope);
        const prop = n['property'] as Node;
        if (!n['computed']) {
          if (prop.type === 'Identifier') return getAttr(obj, prop['value'] as string);
          return getItem(obj, prop['value'] as number);
        }
        if (prop.type === 'SliceExpression') {
          const part = (k: string): Val => (prop[k] ? this.eval(prop[k] as Node, scope) : null);
          return pySlice(obj, part('start'), part('stop'), part('step'));
        }
        return getItem(obj, this.eval(prop, scope));
      }
      case 'CallExpression': {
        const fn = this.eval(n['callee'] as Node, scope);
        const [args, kwargs] = this.args(n['args'] as Node[], scope);
        return this.call(fn, args, kwargs);
      }
      case 'UnaryExpression': {
        const op = (n['operator'] as { value: string }).value;
        const v = this.eval(n['argument'] as Node, scope);
        if (op === 'not') return !truthy(v);
        if (v instanceof Undefined) throw v.fail();
        if (!isNumeric(v)) throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
        if (op === '+') return v instanceof PyFloat ? v : Number(v);
        return v instanceof PyFloat ? new PyFloat(-v.value) : -Number(v) || 0;
      }
      case 'BinaryExpression':
        return this.binary(n, scope);
      case 'FilterExpression':
        return this.applyFilter(this.eval(n['operand'] as Node, scope), n['filter'] as Node, scope);
      case 'TestExpression': {
        const v = this.eval(n['operand'] as Node, scope);
        const name = (n['test'] as Node)['value'] as string;
        const t = TESTS.get(name);
        if (!t) throw new PyError('TemplateAssertionError', `No test named '${name}'.`);
        const [args, kwargs] = this.args((n['args'] as Node[] | undefined) ?? [], scope);
        const r = t(v, args, kwargs);
        return n['negate'] ? !r : r;
      }
      case 'SelectExpression':
        return truthy(this.eval(n['test'] as Node, scope)) ? this.eval(n['lhs'] as Node, scope) : new Undefined('the inline if-expression evaluated to false and no else section was defined.');
      case 'Ternary':
        return truthy(this.eval(n['condition'] as Node, scope)) ? this.eval(n['trueExpr'] as Node, scope) : this.eval(n['falseExpr'] as Node, scope);
      default:
        throw new PyError('TemplateSyntaxError', `unsupported expression: ${n.type}`);
    }
  }

  private binary(n: Node, scope: Scope): Val {
    const op = (n['operator'] as { value: string }).value;
    const left = this.eval(n['left'] as Node, scope);
    if (op === 'and') return truthy(left) ? this.eval(n['right'] as Node, scope) : left;
    if (op === 'or') return truthy(left) ? left : this.eval(n['right'] as Node, scope);
    const right = this.eval(n['right'] as Node, scope);
    switch (op) {
      case '==':
        return pyEq(left, right);
      case '!=':
        return !pyEq(left, right);
      case '<':
        return pyCompare(left, right, op) < 0;
      case '>':
        return pyCompare(left, right, op) > 0;
      case '<=':
        return pyCompare(left, right, op) <= 0;
      case '>=':
        return pyCompare(left, right, op) >= 0;
      case 'in':
        return contains(right, left);
      case 'not in':
        return !contains(right, left);
      case '~':
        return append(pyStr(left), pyStr(right));
      default:
        return arith(op, left, right);
    }
  }
}

/** a + b, within the growth budget (b is the new part). */
function append(a: string, b: string): string {
  if (b.length === 0) return a;
  growChars(a.length + b.length, b.length);
  return a + b;
}

/** Emitted text a + b, within the output budget. */
function emit(a: string, b: string): string {
  if (b.length === 0) return a;
  growOutput(a.length + b.length, b.length);
  return a + b;
}
