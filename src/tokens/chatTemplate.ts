// Chat-template token counting, as the reference does it through
// transformers' apply_chat_template(tokenize=True): render the tokenizer's
// Jinja template, then count the rendered text with add_special_tokens=false.
// Rendering uses @huggingface/jinja, patched where it differs from Python's
// jinja2 in ways that change what renders or whether rendering fails (a
// failure switches the reference to its plain-text fallback, so it must fail
// exactly when Python fails).
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import type { Json, JsonObject, MessageInput, PromptInput } from './inputs.js';
import { PyFloat, parseJsonKeepFloats } from '../decode/pyFloat.js';
import { pyFloat } from '../output/pyjson.js';
import { pyCompactJson } from './pyCompactJson.js';

/** What to count for one structured input, and how to turn the count into the metric. */
export type CountPlan =
  | { text: string; subtract: number }
  | { text: string; subtract: 0; fallback: string };

interface RuntimeValue {
  type: string;
  value: unknown;
}

// --- Python jinja2 semantics the JS runtime lacks -------------------------

type Proto = {
  evaluate(node: unknown, env: unknown): RuntimeValue;
  evaluateBinaryExpression(node: { operator: { value: string }; left: unknown; right: unknown }, env: unknown): RuntimeValue;
  applyFilter(operand: RuntimeValue, filterNode: { type: string; value?: string; callee?: { value?: string }; args?: unknown[] }, env: unknown): RuntimeValue;
  evaluateArguments(args: unknown[], env: unknown): [RuntimeValue[], Map<string, RuntimeValue>];
};

type Ctor = new (v: unknown) => RuntimeValue;
interface Runtime {
  StringValue: Ctor;
  IntegerValue: Ctor;
  FloatValue: Ctor;
  BooleanValue: Ctor;
  NullValue: Ctor;
  ArrayValue: Ctor;
  ObjectValue: Ctor;
  base: abstract new (...args: never[]) => unknown;
}

let runtime: Runtime | null = null;

/** The runtime value classes (not exported by the package): read off a converted probe value. */
function probeRuntime(): Runtime {
  const env = new Environment() as unknown as { set(k: string, v: unknown): void; variables: Map<string, RuntimeValue> };
  env.set('p', { s: '', i: 1, f: 1.5, b: true, n: null, a: [] });
  const obj = env.variables.get('p')!;
  const m = obj.value as Map<string, RuntimeValue>;
  const c = (k: string): Ctor => m.get(k)!.constructor as Ctor;
  return {
    StringValue: c('s'),
    IntegerValue: c('i'),
    FloatValue: c('f'),
    BooleanValue: c('b'),
    NullValue: c('n'),
    ArrayValue: c('a'),
    ObjectValue: obj.constructor as Ctor,
    base: Object.getPrototypeOf(c('s').prototype).constructor,
  };
}

/** JS data to runtime values, keeping PyFloat a float. */
function toRuntime(v: unknown): RuntimeValue {
  const r = runtime!;
  if (v instanceof PyFloat) return new r.FloatValue(v.value);
  if (v === null || v === undefined) return new r.NullValue(null);
  if (typeof v === 'number') return Number.isInteger(v) ? new r.IntegerValue(v) : new r.FloatValue(v);
  if (typeof v === 'string') return new r.StringValue(v);
  if (typeof v === 'boolean') return new r.BooleanValue(v);
  if (Array.isArray(v)) return new r.ArrayValue(v.map(toRuntime));
  return new r.ObjectValue(new Map(Object.entries(v as object).map(([k, x]) => [k, toRuntime(x)])));
}

interface DumpOptions {
  indent: string | null;
  itemSep: string;
  keySep: string;
  sortKeys: boolean;
  ensureAscii: boolean;
}

/** Python's json.dumps over runtime values (transformers' tojson filter: ensure_ascii=False by default). */
function pyDumps(v: RuntimeValue, o: DumpOptions, depth = 0): string {
  switch (v.type) {
    case 'NullValue':
      return 'null';
    case 'BooleanValue':
      return v.value ? 'true' : 'false';
    case 'IntegerValue':
      return String(v.value);
    case 'FloatValue': {
      const x = v.value as number;
      return Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : pyFloat(x);
    }
    case 'StringValue': {
      const s = JSON.stringify(v.value);
      return o.ensureAscii ? s.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
    }
    case 'ArrayValue':
    case 'TupleValue':
    case 'ObjectValue': {
      const isObj = v.type === 'ObjectValue';
      let items: string[];
      if (isObj) {
        let entries = [...(v.value as Map<string, RuntimeValue>).entries()];
        if (o.sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        items = entries.map(([k, x]) => `${pyDumps({ type: 'StringValue', value: k }, o)}${o.keySep}${pyDumps(x, o, depth + 1)}`);
      } else {
        items = (v.value as RuntimeValue[]).map((x) => pyDumps(x, o, depth + 1));
      }
      const [open, close] = isObj ? ['{', '}'] : ['[', ']'];
      if (items.length === 0) return open + close;
      if (o.indent === null) return open + items.join(o.itemSep) + close;
      const pad = `\n${o.indent.repeat(depth + 1)}`;
      return `${open}${pad}${items.join(o.itemSep + pad)}\n${o.indent.repeat(depth)}${close}`;
    }
    default:
      // Undefined and callables are not JSON serializable in Python either.
      throw new TypeError(`Object of type ${v.type} is not JSON serializable`);
  }
}

// str.isspace() characters: JS's \s differs (it has U+FEFF, lacks U+001C-U+001F and U+0085).
const PY_SPACE = new Set([...'\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000']);

/** Python's str.strip / lstrip / rstrip: `chars` None strips whitespace, else exactly those characters. */
export function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars === null ? PY_SPACE : new Set([...chars]);
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a]!)) a++;
  if (right) while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

let patched = false;
function patchRuntime(): void {
  if (patched) return;
  patched = true;
  runtime = probeRuntime();
  const rt = runtime;
  const proto = Interpreter.prototype as unknown as Proto;
  const StringValue = rt.StringValue;

  // strip/lstrip/rstrip(chars): the JS runtime ignores `chars` and trims all whitespace.
  const strProto = rt.StringValue.prototype as unknown as object;
  const builtinsGetter = Object.getOwnPropertyDescriptor(strProto, 'builtins')!.get!;
  Object.defineProperty(strProto, 'builtins', {
    get(this: RuntimeValue) {
      const map = builtinsGetter.call(this) as Map<string, RuntimeValue>;
      if (!map.has('__py_strip')) {
        const FunctionValue = map.get('strip')!.constructor as Ctor;
        const value = this.value as string;
        const make = (left: boolean, right: boolean): RuntimeValue =>
          new FunctionValue((args: RuntimeValue[]) => {
            const c = args[0];
            return new rt.StringValue(pyStrip(value, !c || c.type === 'NullValue' || c.type === 'UndefinedValue' ? null : (c.value as string), left, right));
          });
        map.set('strip', make(true, true));
        map.set('lstrip', make(true, false));
        map.set('rstrip', make(false, true));
        map.set('__py_strip', make(true, true));
      }
      return map;
    },
  });

  // Context values we convert ourselves (to keep Python floats) pass through.
  const envProto = Environment.prototype as unknown as { set(k: string, v: unknown): unknown; declareVariable(k: string, v: unknown): unknown };
  const set = envProto.set;
  envProto.set = function (k, v) {
    return v instanceof rt.base ? this.declareVariable(k, v) : set.call(this, k, v);
  };
  const NUMERIC = new Set(['IntegerValue', 'FloatValue']);
  const SEQUENCE = new Set(['ArrayValue', 'TupleValue']);

  // `+` in Python: str+str, number+number, list+list; anything else is a TypeError
  // (the JS runtime would stringify: "a" + {..} gives "a[object Map]").
  const binary = proto.evaluateBinaryExpression;
  proto.evaluateBinaryExpression = function (node, env) {
    if (node.operator.value !== '+') return binary.call(this, node, env);
    const left = this.evaluate(node.left, env);
    const right = this.evaluate(node.right, env);
    const ok =
      (left.type === 'StringValue' && right.type === 'StringValue') ||
      (NUMERIC.has(left.type) && NUMERIC.has(right.type)) ||
      (SEQUENCE.has(left.type) && SEQUENCE.has(right.type));
    if (!ok) throw new TypeError(`unsupported operand type(s) for +: ${left.type} and ${right.type}`);
    const literal = (v: RuntimeValue): unknown => v;
    // Re-run the stock operator on the already evaluated operands.
    return binary.call(this, { operator: node.operator, left: { type: '__value', v: literal(left) }, right: { type: '__value', v: literal(right) } }, env);
  };
  const evaluate = proto.evaluate;
  proto.evaluate = function (node, env) {
    const n = node as { type: string; v?: RuntimeValue } | undefined;
    if (n?.type === '__value') return n.v!;
    return evaluate.call(this, node, env);
  };

  // String filters in jinja2 coerce with str(): None | trim gives "None".
  const STRING_FILTERS = new Set(['trim', 'upper', 'lower', 'title', 'capitalize', 'string']);
  const applyFilter = proto.applyFilter;
  proto.applyFilter = function (operand, filterNode, env) {
    const name = filterNode.type === 'Identifier' ? filterNode.value : filterNode.callee?.value;
    if (name === 'tojson') {
      const [pos, kw] = filterNode.type === 'Identifier' ? [[], new Map()] : this.evaluateArguments(filterNode.args ?? [], env);
      const arg = (key: string, i: number): RuntimeValue | undefined => kw.get(key) ?? pos[i];
      const indentV = arg('indent', 0);
      const indent = !indentV || indentV.type === 'NullValue' ? null : indentV.type === 'StringValue' ? (indentV.value as string) : ' '.repeat(indentV.value as number);
      const sepV = arg('separators', 2);
      const seps = sepV && sepV.type !== 'NullValue' ? (sepV.value as RuntimeValue[]).map((x) => x.value as string) : null;
      const dumped = pyDumps(operand, {
        indent,
        itemSep: seps ? seps[0]! : indent === null ? ', ' : ',',
        keySep: seps ? seps[1]! : ': ',
        sortKeys: !!arg('sort_keys', 3)?.value,
        ensureAscii: !!arg('ensure_ascii', 1)?.value,
      });
      return new StringValue(dumped);
    }
    if (operand.type === 'NullValue' && name && STRING_FILTERS.has(name)) operand = new StringValue('None');
    if (name === 'trim' && operand.type === 'StringValue') {
      // jinja2's trim is str.strip(chars): Python's whitespace, not JS's.
      const [pos, kw] = filterNode.type === 'Identifier' ? [[], new Map<string, RuntimeValue>()] : this.evaluateArguments(filterNode.args ?? [], env);
      const chars = kw.get('chars') ?? pos[0];
      return new StringValue(pyStrip(operand.value as string, chars && chars.type === 'StringValue' ? (chars.value as string) : null, true, true));
    }
    return applyFilter.call(this, operand, filterNode, env);
  };
}

class NoChatTemplate extends Error {}

// --- the template ---------------------------------------------------------

const PREFIX_USER: JsonObject = { role: 'user', content: '' };

export interface ChatTemplateSource {
  chat_template?: string | Array<{ name: string; template: string }>;
  [key: string]: unknown;
}

/** Special-token variables transformers passes to every template (special_tokens_map). */
function specialTokens(config: ChatTemplateSource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const text = (v: unknown): string | null =>
    typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string' ? (v as { content: string }).content : null;
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token']) {
    const v = text(config[key]);
    if (v !== null) out[key] = v;
  }
  const extra = config['additional_special_tokens'];
  if (Array.isArray(extra)) out['additional_special_tokens'] = extra.map(text).filter((x) => x !== null);
  return out;
}

export class ChatTemplate {
  private readonly compiled = new Map<string, Template | Error>();
  private readonly specials: Record<string, unknown>;
  private readonly named: Map<string, string>;
  private readonly defaultSource: string | null;
  /** Tokens of a lone empty user message, and of the empty assistant turn after it. */
  prefixLen = 0;
  baseline = 0;

  private constructor(config: ChatTemplateSource) {
    patchRuntime();
    this.specials = specialTokens(config);
    const t = config.chat_template;
    this.named = new Map(Array.isArray(t) ? t.map((x) => [x.name, x.template] as [string, string]) : []);
    this.defaultSource = typeof t === 'string' ? t : (this.named.get('default') ?? null);
  }

  /**
   * Build from tokenizer_config.json and compute the framing the reference
   * subtracts from assistant messages. `count` counts rendered texts.
   */
  static async create(config: ChatTemplateSource, count: (texts: string[]) => Promise<number[]>): Promise<ChatTemplate> {
    const ct = new ChatTemplate(config);
    try {
      const prefix = ct.render([PREFIX_USER], { add_generation_prompt: false }, null);
      const withAssistant = ct.render([PREFIX_USER, { role: 'assistant', content: '' }], { add_generation_prompt: false }, null);
      const [p, w] = await count([prefix, withAssistant]);
      ct.prefixLen = p!;
      ct.baseline = w! - p!;
    } catch {
      ct.prefixLen = 0;
      ct.baseline = 0;
    }
    return ct;
  }

  /** What to count for an assistant output (OSL, TPOT). */
  planMessage(input: MessageInput): CountPlan {
    const msg: JsonObject = { role: 'assistant', content: input.content || '' };
    if (input.reasoning) msg['reasoning_content'] = input.reasoning;
    if (input.toolCalls && input.toolCalls.length > 0) msg['tool_calls'] = normalizeToolCalls(input.toolCalls);
    try {
      const text = this.render([PREFIX_USER, msg], { add_generation_prompt: false }, null);
      return { text, subtract: this.prefixLen + this.baseline };
    } catch (err) {
      const callsJson = input.toolCalls && input.toolCalls.length > 0 ? pyCompactJson(input.toolCalls) : null;
      const parts = [input.content || null, input.reasoning || null, callsJson].filter((p): p is string => !!p);
      return { text: parts.join('\n'), subtract: 0, fallback: failureKind(err) };
    }
  }

  /** What to count for a chat prompt (ISL): the whole history plus the generation prompt. */
  planPrompt(input: PromptInput): CountPlan {
    const messages = normalizePromptMessages(input.messages);
    const kwargs: Record<string, unknown> = { ...(input.chatTemplateKwargs ?? {}), add_generation_prompt: true };
    if (input.tools !== null) kwargs['tools'] = input.tools;
    if (input.toolChoice !== null) kwargs['tool_choice'] = input.toolChoice;
    try {
      const text = this.render(messages, kwargs, input.chatTemplate);
      return { text, subtract: 0 };
    } catch (err) {
      const prompt: JsonObject = { messages };
      if (input.tools !== null) prompt['tools'] = input.tools;
      return { text: pyCompactJson(prompt), subtract: 0, fallback: failureKind(err) };
    }
  }

  /** Render like apply_chat_template: special tokens, then the caller's kwargs, then messages. */
  render(messages: Json[], kwargs: Record<string, unknown>, chatTemplate: string | null): string {
    const source = chatTemplate === null ? this.defaultSource : (this.named.get(chatTemplate) ?? chatTemplate);
    if (source === null) throw new NoChatTemplate('tokenizer_config.json has no chat_template');
    let compiled = this.compiled.get(source);
    if (compiled === undefined) {
      try {
        compiled = new Template(source);
      } catch (err) {
        compiled = err as Error;
      }
      this.compiled.set(source, compiled);
    }
    if (compiled instanceof Error) throw compiled;
    const context: Record<string, unknown> = { ...this.specials, tools: null, documents: null, ...kwargs, messages };
    for (const key of ['messages', 'tools', 'tool_choice']) if (key in context) context[key] = toRuntime(context[key]);
    return compiled.render(context);
  }
}

function failureKind(err: unknown): string {
  const name = err instanceof Error ? err.constructor.name : typeof err;
  return `chat template failed (${name}): counted as plain text, as the reference does`;
}

/** Tool-call arguments given as JSON strings become objects (templates iterate them as mappings). */
export function normalizeToolCalls(calls: readonly JsonObject[]): JsonObject[] {
  return calls.map((tc) => {
    if (tc === null || typeof tc !== 'object' || Array.isArray(tc)) return tc;
    const fn = (tc['function'] || {}) as JsonObject;
    const args = fn['arguments'];
    if (typeof args !== 'string') return tc;
    let parsed: Json;
    try {
      parsed = parseJsonKeepFloats(args);
    } catch {
      return tc;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof PyFloat) return tc;
    return { ...tc, function: { ...fn, arguments: parsed } };
  });
}

function normalizePromptMessages(messages: readonly JsonObject[]): JsonObject[] {
  return messages.map((m) => {
    const calls = m['tool_calls'];
    if (!Array.isArray(calls) || calls.length === 0) return m;
    return { ...m, tool_calls: normalizeToolCalls(calls as JsonObject[]) };
  });
}
