// Chat-template token counting, as the reference does it through
// transformers' apply_chat_template(tokenize=True): render the tokenizer's
// Jinja template, then count the rendered text with add_special_tokens=false.
// Rendering uses @huggingface/jinja, patched where it differs from Python's
// jinja2 in ways that change what renders or whether rendering fails (a
// failure switches the reference to its plain-text fallback, so it must fail
// exactly when Python fails).
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import type { Json, JsonObject, MessageInput, PromptInput } from './inputs.js';
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
  applyFilter(operand: RuntimeValue, filterNode: { type: string; value?: string; callee?: { value?: string } }, env: unknown): RuntimeValue;
};

let patched = false;
function patchRuntime(): void {
  if (patched) return;
  patched = true;
  const proto = Interpreter.prototype as unknown as Proto;
  const probe = new Interpreter(new Environment()) as unknown as Proto;
  const StringValue = probe.evaluate({ type: 'StringLiteral', value: '' }, new Environment()).constructor as new (v: string) => RuntimeValue;
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
    const n = node as { type: string; v?: RuntimeValue };
    if (n.type === '__value') return n.v!;
    return evaluate.call(this, node, env);
  };

  // String filters in jinja2 coerce with str(): None | trim gives "None".
  const STRING_FILTERS = new Set(['trim', 'upper', 'lower', 'title', 'capitalize', 'string']);
  const applyFilter = proto.applyFilter;
  proto.applyFilter = function (operand, filterNode, env) {
    const name = filterNode.type === 'Identifier' ? filterNode.value : filterNode.callee?.value;
    if (operand.type === 'NullValue' && name && STRING_FILTERS.has(name)) operand = new StringValue('None');
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
    return compiled.render({ ...this.specials, tools: null, documents: null, ...kwargs, messages });
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
      parsed = JSON.parse(args) as Json;
    } catch {
      return tc;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return tc;
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
