// Chat-template token counting, as the reference does it through
// transformers' apply_chat_template(tokenize=True): render the tokenizer's
// Jinja template, then count the rendered text with add_special_tokens=false.
// Rendering follows Python's jinja2 (../py/jinja/), because a template that
// raises switches the reference to its plain-text fallback: it must raise
// exactly where Python raises, and print exactly what Python prints.
import { type Json, type JsonObject, PyFloat } from '../model/json.js';
import type { MessageInput, PromptInput } from '../model/inputs.js';
import { parseJsonKeepFloats, pyCompactJson } from '../py/json.js';
import { pyFloat } from '../py/float.js';
import { PyError, PyTemplate, RenderBudgetExceeded, iterate, limitsForInput, pyJsonLoads, toVal, truthy, type Dict, type Val } from '../py/jinja/index.js';
import type { TextCounter } from '../model/counting.js';
import { templateBudgetNote, templateFailedNote } from './templateNotes.js';

export { pyStrip } from '../py/jinja/index.js';

/** What to count for one structured input, and how to turn the count into the metric. */
export type CountPlan =
  | { text: string; subtract: number }
  | { text: string; subtract: 0; fallback: string }
  /** The reference raises outside its fallback (e.g. a tool call that is not an object): not countable. */
  | { error: string };

export interface ChatTemplateSource {
  chat_template?: string | Array<{ name: string; template: string }> | null;
  [key: string]: unknown;
}

/** apply_chat_template's own parameters: they never reach the template as variables. */
const APPLY_PARAMS = new Set([
  'tools',
  'documents',
  'chat_template',
  'add_generation_prompt',
  'continue_final_message',
  'tokenize',
  'padding',
  'truncation',
  'max_length',
  'return_tensors',
  'return_dict',
  'return_assistant_tokens_mask',
  'tokenizer_kwargs',
]);

const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'];

const tokenText = (v: unknown): string | null =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string' ? (v as { content: string }).content : null;

/** tokenizer.special_tokens_map as transformers passes it to every template: set tokens only, as strings. */
function specialTokens(config: ChatTemplateSource): Map<string, Val> {
  const out = new Map<string, Val>();
  for (const key of SPECIAL_TOKEN_KEYS) {
    const v = tokenText(config[key]);
    if (v) out.set(key, v);
  }
  const extra = config['additional_special_tokens'];
  if (Array.isArray(extra) && extra.length > 0) out.set('additional_special_tokens', extra.map((t) => tokenText(t)).filter((t): t is string => t !== null));
  return out;
}

/** apply_chat_template's arguments, after it has split them from the template variables. */
interface ApplyArgs {
  tools: Val;
  documents: Val;
  addGenerationPrompt: Val;
  chatTemplate: Val;
  /** Everything else: template variables (chat_template_kwargs, tool_choice). */
  templateKwargs: Map<string, Val>;
}

/**
 * Compiled templates kept at most: per-request templates (a log's
 * chat_template) each compile once while recent, and memory stays bounded
 * whatever the number of distinct templates in a log.
 */
export const COMPILED_CACHE_ENTRIES = 64;
export const COMPILED_CACHE_CHARS = 16 << 20;

export class ChatTemplate {
  /** Least recently used first (Map order). */
  private readonly compiled = new Map<string, PyTemplate | PyError>();
  private compiledChars = 0;
  private readonly specials: Map<string, Val>;
  private readonly named: Map<string, string> | null;
  private readonly source: string | null;
  /** Tokens of a lone empty user message, and of the empty assistant turn after it. */
  prefixLen = 0;
  baseline = 0;

  private constructor(config: ChatTemplateSource) {
    this.specials = specialTokens(config);
    const t = config.chat_template;
    this.named = Array.isArray(t) ? new Map(t.map((x) => [x.name, x.template] as [string, string])) : null;
    this.source = typeof t === 'string' ? t : null;
  }

  /**
   * Build from tokenizer_config.json and compute the framing the reference
   * subtracts from assistant messages. `count` counts rendered texts.
   */
  static async create(config: ChatTemplateSource, count: (texts: string[]) => Promise<number[]>): Promise<ChatTemplate> {
    const ct = new ChatTemplate(config);
    try {
      const user = new Map<string, Val>(PREFIX_USER);
      const prefix = ct.apply([user], { tools: null, documents: null, addGenerationPrompt: false, chatTemplate: null, templateKwargs: new Map() });
      const both = ct.apply([user, new Map<string, Val>([['role', 'assistant'], ['content', '']])], { tools: null, documents: null, addGenerationPrompt: false, chatTemplate: null, templateKwargs: new Map() });
      const [p, w] = await count([prefix, both]);
      ct.prefixLen = p!;
      ct.baseline = w! - p!;
    } catch {
      ct.prefixLen = 0;
      ct.baseline = 0;
    }
    return ct;
  }

  /** The same, from a parsed tokenizer_config.json and a loaded text counter. */
  static fromTokenizerConfig(config: object, text: TextCounter): Promise<ChatTemplate> {
    return ChatTemplate.create(config as ChatTemplateSource, (texts) => text.countTexts(texts));
  }

  /** A tokenizer without a chat template: every structured input falls back, as apply_chat_template raises. */
  static none(): ChatTemplate {
    return new ChatTemplate({});
  }

  get hasTemplate(): boolean {
    return this.source !== null || this.named !== null;
  }

  /** What to count for an assistant output (OSL, TPOT). */
  planMessage(input: MessageInput): CountPlan {
    const msg = new Map<string, Val>([
      ['role', 'assistant'],
      ['content', input.content || ''],
    ]);
    if (input.reasoning) msg.set('reasoning_content', input.reasoning);
    const calls = input.toolCalls && input.toolCalls.length > 0 ? input.toolCalls : null;
    if (calls) {
      try {
        msg.set('tool_calls', normalizeToolCallsVal(toVal(calls)));
      } catch (err) {
        return { error: `not counted: tool calls the reference cannot read (${errorName(err)})` };
      }
    }
    try {
      const text = this.apply([new Map<string, Val>(PREFIX_USER), msg], { tools: null, documents: null, addGenerationPrompt: false, chatTemplate: null, templateKwargs: new Map() });
      return { text, subtract: this.prefixLen + this.baseline };
    } catch (err) {
      try {
        const parts = [input.content || null, input.reasoning || null, calls ? pyCompactJson(calls) : null].filter((p): p is string => !!p);
        return { text: parts.join('\n'), subtract: 0, fallback: failureKind(err) };
      } catch (inner) {
        return { error: `not counted: the plain-text fallback failed too (${errorName(inner)})` };
      }
    }
  }

  /** What to count for a chat prompt (ISL): the whole history plus the generation prompt. */
  planPrompt(input: PromptInput): CountPlan {
    let messages: Val[];
    try {
      messages = normalizePromptMessagesVal(toVal(input.messages) as Val[]);
    } catch (err) {
      return { error: `not counted: messages the reference cannot read (${errorName(err)})` };
    }
    // The reference's kwargs: chat_template_kwargs, then its own settings on top.
    const kwargs = new Map<string, Val>();
    if (input.chatTemplateKwargs) for (const [k, v] of Object.entries(input.chatTemplateKwargs)) kwargs.set(k, toVal(v));
    kwargs.set('tokenize', true);
    kwargs.set('add_generation_prompt', true);
    kwargs.set('return_dict', false);
    const tools = input.tools !== null ? (toVal(input.tools) as Val[]) : null;
    if (tools !== null) kwargs.set('tools', tools);
    if (input.chatTemplate !== null) kwargs.set('chat_template', input.chatTemplate);
    if (input.toolChoice !== null) kwargs.set('tool_choice', toVal(input.toolChoice));
    try {
      return { text: this.apply(messages, splitApplyArgs(kwargs)), subtract: 0 };
    } catch (err) {
      try {
        const prompt: Dict = new Map([['messages', messages]]);
        if (tools !== null) prompt.set('tools', tools);
        return { text: compactJson(prompt), subtract: 0, fallback: failureKind(err) };
      } catch (inner) {
        return { error: `not counted: the plain-text fallback failed too (${errorName(inner)})` };
      }
    }
  }

  /**
   * Render like apply_chat_template(messages, **kwargs): `kwargs` holds its
   * keyword arguments (add_generation_prompt, tools, chat-template kwargs, ...).
   * Throws (a PyError) wherever transformers raises.
   */
  render(messages: unknown[], kwargs: Record<string, unknown>, chatTemplate: string | null): string {
    const m = new Map<string, Val>(Object.entries(kwargs).map(([k, v]) => [k, toVal(v)]));
    if (chatTemplate !== null) m.set('chat_template', chatTemplate);
    return this.apply(messages.map(toVal), splitApplyArgs(m));
  }

  /** transformers' get_chat_template: a per-request template (or template name), else the tokenizer's. */
  private templateSource(chatTemplate: Val, hasTools: boolean): string {
    if (this.named !== null) {
      if (typeof chatTemplate === 'string' && this.named.has(chatTemplate)) return this.named.get(chatTemplate)!;
      if (chatTemplate === null) {
        if (hasTools && this.named.has('tool_use')) return this.named.get('tool_use')!;
        if (this.named.has('default')) return this.named.get('default')!;
        throw new PyError('ValueError', 'This model has multiple chat templates with no default specified!');
      }
    } else if (chatTemplate === null) {
      if (this.source === null) throw new PyError('ValueError', 'Cannot use chat template functions because tokenizer.chat_template is not set');
      return this.source;
    }
    if (typeof chatTemplate !== 'string') throw new PyError('TypeError', 'Can\'t compile non template nodes');
    return chatTemplate;
  }

  private compile(source: string): PyTemplate {
    let t = this.compiled.get(source);
    if (t !== undefined) {
      this.compiled.delete(source);
      this.compiled.set(source, t);
    } else {
      try {
        t = new PyTemplate(source);
      } catch (err) {
        t = err instanceof PyError ? err : new PyError('TemplateSyntaxError', err instanceof RangeError ? 'template nested too deeply to parse' : String(err));
      }
      this.compiled.set(source, t);
      this.compiledChars += source.length;
      for (const [old] of this.compiled) {
        if (this.compiled.size <= COMPILED_CACHE_ENTRIES && this.compiledChars <= COMPILED_CACHE_CHARS) break;
        if (old === source) continue;
        this.compiled.delete(old);
        this.compiledChars -= old.length;
      }
    }
    if (t instanceof PyError) throw t;
    return t;
  }

  /** Templates compiled and kept (the cache's size, for tests). */
  get compiledCount(): number {
    return this.compiled.size;
  }

  private apply(messages: Val[], a: ApplyArgs): string {
    // conversation[0] is read to tell a batch from a single conversation.
    if (messages.length === 0) throw new PyError('IndexError', 'list index out of range');
    const source = this.templateSource(a.chatTemplate, a.tools !== null);
    let tools: Val = null;
    if (a.tools !== null) {
      tools = iterate(a.tools).map((t) => {
        if (!(t instanceof Map)) throw new PyError('ValueError', 'Tools should either be a JSON schema, or a callable function with type hints and a docstring suitable for auto-conversion to a schema.');
        return t;
      });
    }
    if (a.documents !== null) {
      for (const d of iterate(a.documents)) if (!(d instanceof Map)) throw new PyError('TypeError', "Documents should be a list of dicts with 'title' and 'text' keys!");
    }
    const template = this.compile(source);
    if (a.templateKwargs.has('messages')) throw new PyError('TypeError', "render() got multiple values for keyword argument 'messages'");
    const vars = new Map<string, Val>([
      ['messages', messages],
      ['tools', tools],
      ['documents', a.documents],
      ['add_generation_prompt', a.addGenerationPrompt],
    ]);
    for (const [k, v] of this.specials) vars.set(k, v);
    for (const [k, v] of a.templateKwargs) vars.set(k, v);
    return template.render(vars, undefined, limitsForInput(textSize([...vars.values()])));
  }
}

const PREFIX_USER: Array<[string, Val]> = [
  ['role', 'user'],
  ['content', ''],
];

/** Split apply_chat_template(**kwargs) into its parameters and the template variables. */
function splitApplyArgs(kwargs: Map<string, Val>): ApplyArgs {
  if (kwargs.has('conversation')) throw new PyError('TypeError', "apply_chat_template() got multiple values for argument 'conversation'");
  const continueFinal = kwargs.get('continue_final_message');
  const addGen = kwargs.get('add_generation_prompt') ?? false;
  if (continueFinal !== undefined && truthy(continueFinal) && truthy(addGen)) {
    throw new PyError('ValueError', 'continue_final_message and add_generation_prompt are not compatible.');
  }
  const templateKwargs = new Map<string, Val>();
  for (const [k, v] of kwargs) if (!APPLY_PARAMS.has(k)) templateKwargs.set(k, v);
  return {
    tools: kwargs.get('tools') ?? null,
    documents: kwargs.get('documents') ?? null,
    addGenerationPrompt: addGen,
    chatTemplate: kwargs.get('chat_template') ?? null,
    templateKwargs,
  };
}

function errorName(err: unknown): string {
  if (err instanceof PyError) return err.pyType;
  return err instanceof Error ? `${err.constructor.name} in renderer` : typeof err;
}

function failureKind(err: unknown): string {
  return err instanceof RenderBudgetExceeded ? templateBudgetNote(err.kind) : templateFailedNote(errorName(err));
}

/** Characters of text in template values (strings, keys included), counted without recursion. */
function textSize(values: Val[]): number {
  let n = 0;
  const todo: Val[] = [...values];
  while (todo.length > 0) {
    const v = todo.pop()!;
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) for (const x of v) todo.push(x);
    else if (v instanceof Map) {
      for (const [k, x] of v) {
        if (typeof k === 'string') n += k.length;
        todo.push(x);
      }
    }
  }
  return n;
}

const attrError = (v: Val, attr: string): PyError => new PyError('AttributeError', `'${v === null ? 'NoneType' : typeof v}' object has no attribute '${attr}'`);

/**
 * The reference's _normalize_tool_calls_for_template over template values:
 * `function.arguments` JSON strings that parse (Python's json.loads) to an
 * object become that object. Raises where the reference raises (a call or
 * function that is not a dict).
 */
function normalizeToolCallsVal(calls: Val): Val[] {
  return iterate(calls).map((tc) => {
    if (!(tc instanceof Map)) throw attrError(tc, 'get');
    const f = tc.get('function') ?? null;
    const fn: Val = truthy(f) ? f : new Map();
    if (!(fn instanceof Map)) throw attrError(fn, 'get');
    const args = fn.get('arguments');
    if (typeof args !== 'string') return tc;
    let parsed: Val;
    try {
      parsed = pyJsonLoads(args);
    } catch {
      return tc;
    }
    if (!(parsed instanceof Map)) return tc;
    const out = new Map(tc);
    out.set('function', new Map([...fn, ['arguments', parsed]]));
    return out;
  });
}

function normalizePromptMessagesVal(messages: Val[]): Val[] {
  return messages.map((m) => {
    if (!(m instanceof Map)) throw attrError(m, 'get');
    const calls = m.get('tool_calls');
    if (!Array.isArray(calls) || calls.length === 0) return m;
    const out = new Map(m);
    out.set('tool_calls', normalizeToolCallsVal(calls));
    return out;
  });
}

/** JSON text to emit as it is (compactJson's work list). */
class Raw {
  constructor(readonly raw: string) {}
}

/** msgspec.json.encode over template values (the prompt fallback text): compact, keys in order; iterative, any depth. */
function compactJson(root: Val): string {
  const out: string[] = [];
  const todo: Array<Val | Raw> = [root];
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (x instanceof Raw) {
      out.push(x.raw);
      continue;
    }
    if (x === null) out.push('null');
    else if (x === true || x === false) out.push(String(x));
    else if (typeof x === 'number') out.push(Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pyFloat(x));
    else if (x instanceof PyFloat) out.push(pyFloat(x.value));
    else if (typeof x === 'string') out.push(JSON.stringify(x));
    else if (Array.isArray(x)) {
      todo.push(new Raw(']'));
      for (let i = x.length - 1; i >= 0; i--) {
        todo.push(x[i]!);
        if (i > 0) todo.push(new Raw(','));
      }
      todo.push(new Raw('['));
    } else if (x instanceof Map) {
      const entries = [...x];
      todo.push(new Raw('}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, item] = entries[i]!;
        todo.push(item);
        todo.push(new Raw(`${i > 0 ? ',' : ''}${JSON.stringify(String(k))}:`));
      }
      todo.push(new Raw('{'));
    } else throw new PyError('TypeError', 'not JSON serializable');
  }
  return out.join('');
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
