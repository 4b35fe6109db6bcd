// Jinja templates evaluated with Python jinja2's semantics, as transformers'
// apply_chat_template renders them (ImmutableSandboxedEnvironment,
// trim_blocks, lstrip_blocks, loopcontrols, its own tojson, raise_exception,
// strftime_now).
//
// Lexing and parsing are @huggingface/jinja's (lexer.ts, parser.ts add the
// jinja2 forms it lacks). Evaluation is ours (interpreter.ts): that package's
// interpreter follows JavaScript, not Python, in many places that decide what
// a chat template prints or whether it raises (None prints "None", `x | trim`
// stringifies any value, a loop over an undefined value is empty, `"a" + 1`
// raises, attribute lookup falls back to item lookup, ...). A raise switches
// the reference to its plain-text fallback, so raising exactly where Python
// raises matters as much as the rendered text.
//
// Layers, each importing only those above it in this list: budget, errors, values,
// jsonLoads, strings, repr, compare, call, format, arith, methods, sandbox, access,
// jsonDumps, convert, filters, tests, registry, ast, lexer, parser, strftime,
// globals, interpreter, template.
export { PyError } from './errors.js';
export { DEFAULT_LIMITS, RenderBudgetExceeded, limitsForInput, type BudgetKind, type RenderLimits } from './budget.js';
export { DictView, LoopContext, Namespace, PyCallable, PyIterator, Undefined, toVal, tuple, type Dict, type Key, type Val } from './values.js';
export { pyStrip } from './strings.js';
export { floatRepr, pyRepr, pyStr, reprStr } from './repr.js';
export { iterate, pyEq, truthy } from './compare.js';
export { getAttr, getItem } from './access.js';
export { pyJsonDumps } from './jsonDumps.js';
export { pyJsonLoads } from './jsonLoads.js';
export { strftime } from './strftime.js';
export { defaultGlobals } from './globals.js';
export { PyTemplate } from './template.js';
