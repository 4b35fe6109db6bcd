// Strict decoding: exactly the lines the reference's msgspec decoder rejects
// are rejected (with a reason), the rest decode with exact timestamps.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeChunkLine } from '../../src/decode/chunkLine.js';
import { decodeCompleteLine } from '../../src/decode/completeLine.js';
import { Chunks } from '../../src/model/events.js';
import { decodeLine, decodeLogLine } from '../../src/decode/events.js';
import { PyFloat } from '../../src/model/json.js';
import { Line, MAX_LINE_BYTES, readLines } from '../../src/read/lines.js';
import { rng } from '../../scripts/gen-log.mjs';

const base = '"sample_uuid":"u1","conversation_id":"","turn":null';
const line = (fields: string): string => `{${fields}}`;
const lineOf = (text: string): Line => {
  const buf = Buffer.from(text);
  return new Line(1, buf, 0, buf.length, buf.length);
};

describe('decodeLine', () => {
  it.each([
    ['not json at all', /not valid JSON/],
    ['[1,2,3]', /not a JSON object/],
    ['   ', /blank line/],
    ['{"timestamp_ns":5,"sample_uuid":"y"}', /missing "event_type"/],
    ['{"event_type":42,"timestamp_ns":1}', /"event_type" must be a string/],
    ['{"event_type":"sample.exploded","timestamp_ns":1}', /unknown event type/],
    ['{"event_type":"sample.issued","timestamp_ns":1.5,"sample_uuid":"x"}', /"timestamp_ns" must be an integer/],
    ['{"event_type":"sample.issued","timestamp_ns":5.0}', /"timestamp_ns" must be an integer/],
    ['{"event_type":"sample.issued","timestamp_ns":1e3}', /"timestamp_ns" must be an integer/],
    ['{"event_type":"sample.issued","timestamp_ns":true}', /"timestamp_ns" must be an integer/],
    ['{"event_type":"sample.issued"}', /missing "timestamp_ns"/],
    ['{"event_type":"sample.complete","timestamp_ns":5,"sample_uuid":"y","finish_reason":null}', /"finish_reason" must be a string/],
    ['{"event_type":"sample.complete","timestamp_ns":5,"sample_uuid":null}', /"sample_uuid" must be a string/],
    ['{"event_type":"sample.complete","timestamp_ns":5,"worker_id":1.0}', /"worker_id" must be an integer/],
    ['{"event_type":"sample.complete","timestamp_ns":5,"turn":"1"}', /"turn" must be an integer/],
    ['{"event_type":"sample.issued","timestamp_ns":5,"data":["PromptData",null,[1,2.0]]}', /token_ids must hold integers/],
    ['{"event_type":"sample.issued","timestamp_ns":5,"data":["Mystery",1]}', /unknown data tag/],
    ['{"event_type":"error.generic","timestamp_ns":5,"data":["ErrorData"]}', /needs error_type/],
    ['{"event_type":"sample.complete","timestamp_ns":5,"data":["TextModelOutput",["a",1]]}', /output must be a string or an array of strings/],
    ['{"event_type":"sample.complete","timestamp_ns":5,"data":{"output":"x"}}', /"data" must be null or a tagged array/],
  ])('rejects %s', (text, reason) => {
    const r = decodeLine(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('reads timestamps beyond 2^53 exactly', () => {
    for (const ts of ['9300000418826051', '4611686018427387904', '18446744073709551615']) {
      const r = decodeLine(line(`"event_type":"sample.issued","timestamp_ns":${ts},${base},"data":null`));
      expect(r.ok && r.event.timestampNs).toBe(BigInt(ts));
    }
  });

  it('reads integers exactly around 2^53 and as their high digits change', () => {
    const rand = rng(3);
    const cases = ['0', '7', '999999999999999', '1000000000000000', '9007199254740991', '9007199254740992', '9007199254740993', '9999999999999999', '10000000000000000', '18446744073709551615', '9'.repeat(30)];
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(rand() * 30);
      cases.push(String(1 + Math.floor(rand() * 9)) + Array.from({ length: n - 1 }, () => Math.floor(rand() * 10)).join(''));
    }
    // Through the byte-level reader of the writer's lines (the chunk line's), which reads up to 30 digits.
    for (const digits of cases) {
      const line = Buffer.from(`{"event_type":"sample.recv_non_first","timestamp_ns":${digits},"sample_uuid":"s1","conversation_id":"","turn":null,"data":null}`);
      expect(decodeChunkLine(line, 0, line.length)?.timestampNs, digits).toBe(BigInt(digits));
    }
  });

  it('fills missing trailing data fields with defaults, ignores extra elements and unknown keys', () => {
    const r = decodeLine('{"event_type":"sample.issued","timestamp_ns":7,"future_key":{"x":1},"data":["PromptData","hi"]}');
    expect(r.ok && r.event).toMatchObject({ sampleUuid: '', conversationId: '', turn: null, data: { tag: 'PromptData', text: 'hi', tokenIdsCount: null, messages: null } });
    const e = decodeLine('{"event_type":"error.generic","timestamp_ns":7,"data":["ErrorData","T","m","extra",1]}');
    expect(e.ok && e.event.data).toEqual({ tag: 'ErrorData', errorType: 'T', errorMessage: 'm' });
    const o = decodeLine('{"event_type":"sample.complete","timestamp_ns":7,"data":["TextModelOutput"]}');
    expect(o.ok && o.event.data).toEqual({ tag: 'TextModelOutput', output: '', reasoning: null, toolCalls: null });
  });

  it('decodes chunk lines the same through the byte fast path and the general path', () => {
    const fast = '{"event_type":"sample.recv_non_first","timestamp_ns":9300000418826051,"sample_uuid":"85b12cb69bb5a59e2f89ecaf98bd002d","conversation_id":"","turn":null,"data":null}';
    const spaced = '{"event_type": "sample.recv_non_first", "timestamp_ns": 9300000418826051, "sample_uuid": "85b12cb69bb5a59e2f89ecaf98bd002d", "conversation_id": "", "turn": null, "data": null}';
    expect(decodeChunkLine(Buffer.from(fast), 0, fast.length)).not.toBeNull();
    expect(decodeChunkLine(Buffer.from(spaced), 0, spaced.length)).toBeNull();
    const a = decodeLogLine(lineOf(fast));
    const b = decodeLine(spaced);
    expect(a.ok && b.ok).toBe(true);
    expect(a.ok && a.event).toEqual(b.ok && b.event);
  });

  it('tells apart ids that share their length, first and last four bytes (the id cache compares every byte)', () => {
    const chunk = (uuid: string, conversation: string): Buffer =>
      Buffer.from(`{"event_type":"sample.recv_non_first","timestamp_ns":5,"sample_uuid":"${uuid}","conversation_id":"${conversation}","turn":null,"data":null}`);
    const ids = ['abcd0000wxyz', 'abcd0001wxyz', 'abcd1000wxyz', 'abcdwxyz', 'abcd-wxyz', 'abcd_wxyz'];
    for (let round = 0; round < 3; round++) {
      for (const id of ids) {
        const line = chunk(id, `${id}.c:1`);
        expect(decodeChunkLine(line, 0, line.length)).toMatchObject({ sampleUuid: id, conversationId: `${id}.c:1` });
      }
    }
    // A cached id does not make a conversation id's characters valid as a sample id.
    const asConversation = chunk('abcdwxyz', 'abcd.wxyz');
    expect(decodeChunkLine(asConversation, 0, asConversation.length)).toMatchObject({ conversationId: 'abcd.wxyz' });
    const asSample = chunk('abcd.wxyz', '');
    expect(decodeChunkLine(asSample, 0, asSample.length)).toBeNull();
  });

  it('takes the byte fast path only for lines the general decoder reads the same (seeded mutations)', () => {
    const rand = rng(7);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const word = (n: number, chars: string): string => Array.from({ length: n }, () => pick([...chars])).join('');
    const digits = (n: number): string => (n === 1 ? pick(['0', '7']) : pick(['1', '9']) + Array.from({ length: n - 1 }, () => pick(['0', '5', '9'])).join(''));
    // A line in the writer's form with random values; a tenth of the uuids hold . or :, which only conversation ids allow.
    const valid = (): string =>
      `{"event_type":"sample.recv_${pick(['first', 'non_first'])}","timestamp_ns":${digits(1 + Math.floor(rand() * 31))},` +
      `"sample_uuid":"${word(Math.floor(rand() * 33), rand() < 0.1 ? 'ab09_-.:' : 'abcXYZ019_-')}","conversation_id":"${word(Math.floor(rand() * 8), 'abcXYZ019_-.:')}",` +
      `"turn":${pick(['null', '0', '-0', '3', '-12', digits(15), digits(17)])},"data":null}`;
    const alphabet = ['0', '1', '9', '-', '.', ':', '_', '"', '\\', ' ', 'a', 'Z', 'é', '\u0000', ',', '}', 'null', '1.0', '1e3', '00'];
    const { fastTaken } = agreeOnMutations(valid, alphabet, rand, decodeChunkLine);
    // The mutations leave a share of lines valid for the fast path, so both branches ran.
    expect(fastTaken).toBeGreaterThan(500);
    expect(fastTaken).toBeLessThan(4500);
  });

  it('decodes streamed outputs the same through the byte fast path and the general path (seeded mutations)', () => {
    const rand = rng(11);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    // Chunk contents as JSON text: plain, escaped, non-ASCII, and surrogate pairs split across chunks.
    const pieces = ['ab', ' the', '\\n', '\\"', '\\\\', '\\u00e9', 'é', '😀', '\\ud83d', '\\ude00', '\\t', '\\/', '', ',', ']', '[', 'x'];
    const chunk = (): string => `"${Array.from({ length: Math.floor(rand() * 4) }, () => pick(pieces)).join('')}"`;
    const field = (): string => {
      const r = rand();
      if (r < 0.15) return 'null';
      if (r < 0.3) return chunk();
      return `[${Array.from({ length: Math.floor(rand() * 6) }, chunk).join(',')}]`;
    };
    const valid = (): string =>
      `{"event_type":"sample.complete","timestamp_ns":${pick(['0', '7', '9300000418826051', '18446744073709551615'])},"sample_uuid":"${pick(['', 'u1', 'be0e0ac2_-'])}",` +
      `"conversation_id":"${pick(['', 'c.1:2'])}","turn":${pick(['null', '0', '-3', '12'])},"data":["TextModelOutput",${field()},${field()},${pick(['null', 'null', 'null', '[]'])}]` +
      `${pick(['', ',"finish_reason":"stop"', ',"finish_reason":"tool_calls"'])}${pick(['', ',"worker_id":7', ',"worker_id":-1'])}}`;
    const alphabet = ['"', '\\', '\\u', '\\x', 'u00', 'd83d', ',', '[', ']', '}', ' ', 'null', '\u0001', 'é', '0', '1.0', 'a'];
    const { fastTaken, accepted } = agreeOnMutations(valid, alphabet, rand, decodeCompleteLine);
    // Both branches ran, and the general decoder accepted lines the fast path left to it.
    expect(fastTaken).toBeGreaterThan(1000);
    expect(accepted - fastTaken).toBeGreaterThan(300);
  });

  it('keeps the chunks of a streamed output: their count, the first, the rest', () => {
    const text = '{"event_type":"sample.complete","timestamp_ns":5,"sample_uuid":"u","conversation_id":"","turn":null,"data":["TextModelOutput",["He","llo\\n","\\ud83d","\\ude00 é"],null,null],"finish_reason":"stop"}';
    const bytes = Buffer.from(text);
    const fast = decodeCompleteLine(bytes, 0, bytes.length);
    expect(fast?.data).toEqual({ tag: 'TextModelOutput', output: new Chunks(4, 'He', 'llo\n😀 é'), reasoning: null, toolCalls: null });
    expect(fast?.finishReason).toBe('stop');
  });

  it('keeps integral floats of tool-call data as Python floats', () => {
    const r = decodeLine('{"event_type":"sample.complete","timestamp_ns":7,"data":["TextModelOutput","",null,[{"type":"function","function":{"name":"f","arguments":{"t":1.0,"n":1}}}]]}');
    const calls = r.ok && r.event.data?.tag === 'TextModelOutput' ? r.event.data.toolCalls : null;
    const args = ((calls as Array<{ function: { arguments: Record<string, unknown> } }>)[0]!).function.arguments;
    expect(args['t']).toEqual(new PyFloat(1));
    expect(args['n']).toBe(1);
  });
});

/**
 * 5,000 mutated lines decode the same from their bytes (fast paths first) and
 * through the general decoder; how many the fast path took, and how many decoded.
 */
function agreeOnMutations(
  valid: () => string,
  alphabet: readonly string[],
  rand: () => number,
  fastPath: (buf: Buffer, start: number, end: number) => unknown,
): { fastTaken: number; accepted: number } {
  let fastTaken = 0;
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const text = mutate(valid(), rand, alphabet);
    const bytes = Buffer.from(text);
    if (fastPath(bytes, 0, bytes.length) !== null) fastTaken++;
    const viaBytes = decodeLogLine(lineOf(text));
    // As the bytes say: an edit can split a surrogate pair, which UTF-8 encodes as U+FFFD.
    const viaText = decodeLine(bytes.toString('utf8'));
    if (viaText.ok) accepted++;
    expect(viaBytes, text).toEqual(viaText);
  }
  return { fastTaken, accepted };
}

/** Up to two random edits (insert, delete, replace) drawn from `alphabet`; a third of the texts stay as they are. */
function mutate(text: string, rand: () => number, alphabet: readonly string[]): string {
  const pick = (): string => alphabet[Math.floor(rand() * alphabet.length)]!;
  for (let k = Math.floor(rand() * 3) - 1; k >= 0; k--) {
    const at = Math.floor(rand() * (text.length + 1));
    const op = rand();
    if (op < 0.4) text = text.slice(0, at) + pick() + text.slice(at);
    else if (op < 0.8) text = text.slice(0, at) + text.slice(at + 1);
    else text = text.slice(0, at) + pick() + text.slice(at + 1);
  }
  return text;
}

async function collect(chunks: Buffer[]): Promise<Line[]> {
  const out: Line[] = [];
  for await (const batch of readLines(Readable.from(chunks))) out.push(...batch);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF, keeps a last line without newline, numbers lines from 1', async () => {
    const lines = await collect([Buffer.from('a\r\nb\n'), Buffer.from('c')]);
    expect(lines.map((l) => [l.no, l.text])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(await collect([])).toEqual([]);
  });

  it('reports invalid UTF-8 with its line number instead of replacing it', async () => {
    const lines = await collect([Buffer.from('ok\n'), Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a]), Buffer.from('fine\n')]);
    expect(lines[1]).toMatchObject({ no: 2, text: null, error: 'invalid UTF-8' });
    expect(lines[2]!.text).toBe('fine');
  });

  it('joins a line split across many chunks, including a multi-byte character cut in half', async () => {
    const text = `${'x'.repeat(1000)}é${'y'.repeat(10)}`;
    const bytes = Buffer.from(`${text}\nnext\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const lines = await collect(chunks);
    expect(lines.map((l) => l.text)).toEqual([text, 'next']);
  });

  it('takes a 100 MB line', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x61);
    async function* gen() {
      for (let i = 0; i < 100; i++) yield chunk;
      yield Buffer.from('\nafter\n');
    }
    const lines: Line[] = [];
    for await (const b of readLines(gen())) lines.push(...b);
    expect(lines[0]!.text!.length).toBe(100 << 20);
    expect(lines[1]!.text).toBe('after');
  });

  it('reports a line over the limit without holding it', async () => {
    const chunk = Buffer.alloc(16 << 20, 0x61);
    const n = MAX_LINE_BYTES / chunk.length + 1;
    async function* gen() {
      yield Buffer.from('[]\n');
      for (let i = 0; i < n; i++) yield chunk;
      yield Buffer.from('\n{}\n');
    }
    const lines: Line[] = [];
    for await (const b of readLines(gen())) lines.push(...b);
    expect(lines[0]!.text).toBe('[]');
    expect(lines[1]).toMatchObject({ no: 2, text: null, bytes: n * chunk.length });
    expect(lines[1]!.error).toMatch(/line too long/);
    expect(lines[2]!.text).toBe('{}');
  });

  it('stops when the first line has no end within the limit (a pipe from /dev/zero is no log)', async () => {
    const chunk = Buffer.alloc(16 << 20, 0);
    let yielded = 0;
    async function* endless() {
      for (;;) {
        yielded++;
        yield chunk;
      }
    }
    const read = async (): Promise<void> => {
      for await (const b of readLines(endless())) void b;
    };
    await expect(read()).rejects.toThrow(/no line end in the first 256 MB/);
    expect(yielded).toBe(MAX_LINE_BYTES / chunk.length + 1);
  });
});
