// A compiled template: lexed and parsed once, rendered with Python jinja2's semantics.
import { DEFAULT_LIMITS, asBudgetError, withBudget, type RenderLimits } from './budget.js';
import { BREAK, CONTINUE, PyError } from './errors.js';
import type { Node } from './ast.js';
import { defaultGlobals } from './globals.js';
import { Interpreter } from './interpreter.js';
import { lex } from './lexer.js';
import { checkNames, parseTokens } from './parser.js';
import type { Val } from './values.js';

/** A template compiled once and rendered with Python jinja2 semantics, under a render budget. */
export class PyTemplate {
  private readonly program: Node;
  constructor(source: string) {
    let program: Node;
    try {
      program = parseTokens(lex(source));
    } catch (err) {
      throw new PyError('TemplateSyntaxError', err instanceof Error ? err.message : String(err));
    }
    checkNames(program);
    this.program = program;
  }

  /**
   * Render with `vars`. Throws PyError where Python raises, and
   * RenderBudgetExceeded when the render goes over `limits` (budget.ts).
   */
  render(vars: Map<string, Val>, globals: Map<string, Val> = defaultGlobals(), limits: Readonly<RenderLimits> = DEFAULT_LIMITS): string {
    try {
      return withBudget(limits, () => new Interpreter(globals).render(this.program, vars));
    } catch (err) {
      if (err === BREAK || err === CONTINUE) throw new PyError('TemplateSyntaxError', 'break/continue outside of a loop');
      const budget = asBudgetError(err);
      if (budget) throw budget;
      if (err instanceof RangeError) throw new PyError('RecursionError', err.message);
      throw err;
    }
  }
}
