// Data-less chunk lines are most of a streaming log (one per streamed chunk).
// This reads the writer's exact form straight from the read buffer — as Latin-1,
// so no UTF-8 check or decode, and no JSON.parse — and returns null for anything
// else, which then takes the general decoder. The pattern admits ASCII only, so
// a line it matches decodes the same as UTF-8; it accepts only lines the general
// decoder decodes to the same event (a test checks this on mutated lines).
import type { EventRecord } from './events.js';

const CHUNK_LINE =
  /^\{"event_type":"sample\.recv_(first|non_first)","timestamp_ns":(0|[1-9]\d{0,29}),"sample_uuid":"([0-9A-Za-z_-]*)","conversation_id":"([0-9A-Za-z_.:-]*)","turn":(null|0|-?[1-9]\d{0,14}),"data":null\}$/;

/** Longer lines are not chunk lines (ids that long take the general path). */
const MAX_CHUNK_LINE_BYTES = 512;

/** The event of a data-less sample.recv_first / recv_non_first line in the writer's form, else null. */
export function decodeChunkLine(buf: Buffer, start: number, end: number): EventRecord | null {
  // Cheap pre-check: {"event_type":"sample.recv_
  if (end - start > MAX_CHUNK_LINE_BYTES || buf[start + 1] !== 0x22 || buf[start + 21] !== 0x2e || buf[start + 26] !== 0x5f) return null;
  const m = CHUNK_LINE.exec(buf.toString('latin1', start, end));
  if (m === null) return null;
  return {
    eventType: m[1]!.length === 5 ? 'sample.recv_first' : 'sample.recv_non_first',
    timestampNs: exactInteger(m[2]!),
    sampleUuid: m[3]!,
    conversationId: m[4]!,
    turn: parseTurn(m[5]!),
    data: null,
    finishReason: undefined,
    workerId: undefined,
  };
}

/** A turn the patterns matched: null, or an integer of at most 15 digits. */
export function parseTurn(text: string): number | null {
  return text === 'null' ? null : Number(text);
}

/** Up to 15 digits are exact as a double; longer ones are taken in two parts (faster than BigInt(string)). */
const SAFE_DIGITS = 15;
const SPLIT = 10n ** BigInt(SAFE_DIGITS);
const SPLIT_NUMBER = 10 ** SAFE_DIGITS;
/** Timestamps of neighbouring lines share their high part: its BigInt is kept. */
let lastHigh = -1;
let lastHighBig = 0n;

/** The value of a run of at most 30 decimal digits, exactly. */
export function exactInteger(digits: string): bigint {
  const split = digits.length - SAFE_DIGITS;
  if (split <= 0) return BigInt(digitsValue(digits, 0, digits.length));
  const high = digitsValue(digits, 0, split);
  const low = digitsValue(digits, split, digits.length);
  // Rounding is monotonic, so this is at most 2^53 - 1 exactly when the value is (and then exact).
  const whole = high * SPLIT_NUMBER + low;
  if (whole <= Number.MAX_SAFE_INTEGER) return BigInt(whole);
  if (high !== lastHigh) {
    lastHigh = high;
    lastHighBig = BigInt(high) * SPLIT;
  }
  return lastHighBig + BigInt(low);
}

function digitsValue(digits: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + digits.charCodeAt(i) - 0x30;
  return v;
}
