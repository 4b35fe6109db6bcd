// Strict decoding of one events.jsonl line into an EventRecord, accepting and
// rejecting exactly what the reference's msgspec decoder does (SPEC §1).
// A rejected line yields a reason; the caller counts and reports it.
import type { Json, JsonObject } from '../model/json.js';
import { Chunks, EVENT_TYPES, STRUCTURE_DEPTH_LIMIT, type EventData, type EventRecord, type EventType, type OutputField, type PromptData, type TextModelOutput } from '../model/events.js';
import { hasIntegralFloat, parseJsonKeepFloats } from '../py/json.js';
import type { Line } from '../read/lines.js';
import { decodeChunkLine } from './chunkLine.js';
import { decodeCompleteLine } from './completeLine.js';
import { nestsDeeperThan, scanArrayElements, scanObjectMembers } from './jsonScan.js';

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export type DecodeResult = { ok: true; event: EventRecord } | { ok: false; reason: string };

class Reject extends Error {}
const reject = (reason: string): never => {
  throw new Reject(reason);
};

const INT_LITERAL = /^-?(0|[1-9]\d*)$/;

/**
 * Whether the raw JSON array text `span` holds integer literals only. A loop, not a
 * regular expression: the backtracking of one over a prompt of millions of ids
 * overflows V8's regexp stack.
 */
function isIntArray(span: string): boolean {
  const n = span.length;
  let i = 0;
  const ws = (): void => {
    while (i < n && (span.charCodeAt(i) === 0x20 || span.charCodeAt(i) === 0x0a || span.charCodeAt(i) === 0x0d || span.charCodeAt(i) === 0x09)) i++;
  };
  if (span.charCodeAt(i) !== 0x5b) return false;
  i++;
  ws();
  if (span.charCodeAt(i) === 0x5d) return i + 1 === n;
  for (;;) {
    if (span.charCodeAt(i) === 0x2d) i++;
    const first = span.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) {
      i++;
      while (i < n && span.charCodeAt(i) >= 0x30 && span.charCodeAt(i) <= 0x39) i++;
    } else return false;
    ws();
    const c = span.charCodeAt(i);
    if (c === 0x5d) return i + 1 === n;
    if (c !== 0x2c) return false;
    i++;
    ws();
  }
}

/** Decodes a line read from the log: chunk and output lines in the writer's form straight from their bytes, the rest from their text. */
export function decodeLogLine(line: Line): DecodeResult {
  const fast = line.buf === null ? null : (decodeChunkLine(line.buf, line.start, line.end) ?? decodeCompleteLine(line.buf, line.start, line.end));
  if (fast !== null) return { ok: true, event: fast };
  const text = line.text;
  return text === null ? { ok: false, reason: line.error! } : decodeLine(text);
}

/** Decodes the text of one line. */
export function decodeLine(line: string): DecodeResult {
  try {
    return { ok: true, event: decodeSlow(line) };
  } catch (err) {
    if (err instanceof Reject) return { ok: false, reason: err.message };
    if (err instanceof SyntaxError) return { ok: false, reason: line.includes('\r{') ? 'lines end in CR only (classic Mac line endings): replay reads LF or CRLF' : `not valid JSON (${err.message})` };
    throw err;
  }
}

function decodeSlow(line: string): EventRecord {
  if (line.trim() === '') reject('blank line');
  const value = JSON.parse(line) as Json;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) reject('not a JSON object');
  const obj = value as JsonObject;
  // Raw text of each top-level member: needed to tell 5 from 5.0 and to read
  // timestamps beyond 2^53 exactly.
  const raw = scanObjectMembers(line);

  const eventType = obj['event_type'];
  if (eventType === undefined) reject('missing "event_type"');
  if (typeof eventType !== 'string') reject(`"event_type" must be a string, got ${typeName(eventType)}`);
  if (!KNOWN_EVENT_TYPES.has(eventType as string)) reject(`unknown event type ${JSON.stringify(eventType)}`);

  if (!('timestamp_ns' in obj)) reject('missing "timestamp_ns"');
  const tsRaw = raw.get('timestamp_ns')!;
  if (!INT_LITERAL.test(tsRaw)) reject(`"timestamp_ns" must be an integer, got ${clip(tsRaw)}`);

  return {
    eventType: eventType as EventType,
    timestampNs: BigInt(tsRaw),
    sampleUuid: optionalString(obj, 'sample_uuid', ''),
    conversationId: optionalString(obj, 'conversation_id', ''),
    turn: optionalInt(obj, raw, 'turn', true) ?? null,
    data: decodeData(obj['data'], raw.get('data')),
    finishReason: 'finish_reason' in obj ? requireString(obj['finish_reason'], '"finish_reason"') : undefined,
    workerId: 'worker_id' in obj ? (optionalInt(obj, raw, 'worker_id', false) as number) : undefined,
  };
}

function decodeData(data: Json | undefined, raw: string | undefined): EventData | null {
  const decoded = decodeDataValue(data, raw);
  // Data nested beyond any real chat (and the reference's recursion limit) is dropped here, before
  // anything recurses over it; the sample keeps its timings and its token counts are noted as not counted.
  if (decoded && raw !== undefined && needsStructure(decoded) && nestsDeeperThan(raw, STRUCTURE_DEPTH_LIMIT)) {
    if (decoded.tag === 'PromptData') return { ...decoded, messages: null, tools: null, chatTemplateKwargs: null, toolChoice: null, tooDeep: true };
    if (decoded.tag === 'TextModelOutput') return { ...decoded, toolCalls: null, tooDeep: true };
  }
  // Structured fields go through chat templates, which print numbers back:
  // keep integral floats (1.0) floats, as Python does.
  if (decoded && raw !== undefined && needsStructure(decoded) && hasIntegralFloat(raw)) {
    const exact = parseJsonKeepFloats(raw) as Json[];
    if (decoded.tag === 'PromptData') {
      return {
        ...decoded,
        messages: (exact[3] ?? null) as JsonObject[] | null,
        tools: (exact[4] ?? null) as JsonObject[] | null,
        chatTemplateKwargs: (exact[5] ?? null) as JsonObject | null,
        toolChoice: (exact[7] ?? null) as string | JsonObject | null,
      };
    }
    if (decoded.tag === 'TextModelOutput') return { ...decoded, toolCalls: (exact[3] ?? null) as Json[] | null };
  }
  return decoded;
}

function needsStructure(d: EventData): boolean {
  if (d.tag === 'PromptData') return d.messages !== null || d.tools !== null || d.chatTemplateKwargs !== null || (d.toolChoice !== null && typeof d.toolChoice === 'object');
  return d.tag === 'TextModelOutput' && d.toolCalls !== null;
}

function decodeDataValue(data: Json | undefined, raw: string | undefined): EventData | null {
  if (data === undefined || data === null) return null;
  if (!Array.isArray(data) || data.length === 0 || typeof data[0] !== 'string') {
    reject('"data" must be null or a tagged array ["PromptData"|"TextModelOutput"|"ErrorData", ...]');
  }
  const arr = data as Json[];
  switch (arr[0]) {
    case 'PromptData':
      return decodePrompt(arr, raw!);
    case 'TextModelOutput':
      return decodeOutput(arr);
    case 'ErrorData':
      if (arr.length < 2) reject('ErrorData needs error_type');
      return {
        tag: 'ErrorData',
        errorType: requireString(arr[1]!, 'ErrorData.error_type'),
        errorMessage: arr.length > 2 ? requireString(arr[2]!, 'ErrorData.error_message') : '',
      };
    default:
      return reject(`unknown data tag ${JSON.stringify(arr[0])}`);
  }
}

function decodePrompt(arr: Json[], raw: string): PromptData {
  const at = (i: number): Json => (i < arr.length ? arr[i]! : null);
  const tokenIds = at(2);
  let tokenIdsCount: number | null = null;
  if (tokenIds !== null) {
    if (!Array.isArray(tokenIds)) reject('PromptData.token_ids must be an array of integers');
    // Integer-ness needs the raw text (JSON.parse reads 1.0 as 1).
    const span = scanArrayElements(raw)[2];
    if (span === undefined || !isIntArray(span)) reject('PromptData.token_ids must hold integers only');
    tokenIdsCount = (tokenIds as Json[]).length;
  }
  return {
    tag: 'PromptData',
    text: nullableString(at(1), 'PromptData.text'),
    tokenIdsCount,
    messages: nullableObjectArray(at(3), 'PromptData.messages'),
    tools: nullableObjectArray(at(4), 'PromptData.tools'),
    chatTemplateKwargs: nullableObject(at(5), 'PromptData.chat_template_kwargs'),
    chatTemplate: nullableString(at(6), 'PromptData.chat_template'),
    toolChoice: ((): string | JsonObject | null => {
      const v = at(7);
      if (v === null || typeof v === 'string') return v;
      return nullableObject(v, 'PromptData.tool_choice');
    })(),
  };
}

function decodeOutput(arr: Json[]): TextModelOutput {
  const output = arr.length > 1 ? outputField(arr[1]!, 'TextModelOutput.output') : '';
  if (output === null) reject('TextModelOutput.output must be a string or an array of strings, got null');
  const reasoning = arr.length > 2 ? outputField(arr[2]!, 'TextModelOutput.reasoning') : null;
  const tc = arr.length > 3 ? arr[3]! : null;
  if (tc !== null && !Array.isArray(tc)) reject('TextModelOutput.tool_calls must be an array or null');
  return { tag: 'TextModelOutput', output: output!, reasoning, toolCalls: tc as Json[] | null };
}

function outputField(v: Json, what: string): OutputField | null {
  if (v === null || typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return Chunks.of(v as string[]);
  return reject(`${what} must be a string or an array of strings`);
}

function optionalString(obj: JsonObject, key: string, dflt: string): string {
  return key in obj ? requireString(obj[key]!, `"${key}"`) : dflt;
}

function requireString(v: Json, what: string): string {
  if (typeof v !== 'string') reject(`${what} must be a string, got ${typeName(v)}`);
  return v as string;
}

function nullableString(v: Json, what: string): string | null {
  return v === null ? null : requireString(v, what);
}

function nullableObject(v: Json, what: string): JsonObject | null {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) reject(`${what} must be an object, got ${typeName(v)}`);
  return v as JsonObject;
}

function nullableObjectArray(v: Json, what: string): JsonObject[] | null {
  if (v === null) return null;
  if (!Array.isArray(v) || !v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
    reject(`${what} must be an array of objects`);
  }
  return v as JsonObject[];
}

function optionalInt(obj: JsonObject, raw: Map<string, string>, key: string, nullable: boolean): number | null | undefined {
  if (!(key in obj)) return undefined;
  const v = obj[key];
  if (v === null) {
    if (nullable) return null;
    reject(`"${key}" must be an integer, got null`);
  }
  const text = raw.get(key)!;
  if (!INT_LITERAL.test(text)) reject(`"${key}" must be an integer, got ${clip(text)}`);
  return Number(text);
}

function typeName(v: Json | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : 'float';
  return typeof v;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

