// Data-less chunk lines are most of a streaming log (one per streamed chunk).
// This reads the writer's exact form straight from the read buffer, with no
// string of the line, no UTF-8 decode and no JSON.parse:
//   {"event_type":"sample.recv_first|non_first" + the writer head + ,"data":null}
// and returns null for anything else, which then takes the general decoder. It
// accepts only lines the general decoder decodes to the same event (a test
// checks this on mutated lines).
import type { EventRecord } from '../model/events.js';
import { headTimestamp, Literal, readWriterHead, viewOf, type WriterHead } from './writerHead.js';

const PREFIX = new Literal('{"event_type":"sample.recv_');
const FIRST = new Literal('first');
const NON_FIRST = new Literal('non_first');
const DATA_NULL = new Literal(',"data":null}');

/** Longer lines are not chunk lines (ids that long take the general path). */
const MAX_CHUNK_LINE_BYTES = 512;

const head: WriterHead = { tsHigh: 0, tsLow: 0, sampleUuid: '', conversationId: '', turn: null };

export type ChunkEventType = 'sample.recv_first' | 'sample.recv_non_first';

/**
 * Reads a data-less sample.recv_first / recv_non_first line in the writer's form
 * into `head`, building no event: its event type, or null for any other line.
 */
export function readChunkLine(buf: Buffer, start: number, end: number, into: WriterHead): ChunkEventType | null {
  const v = viewOf(buf);
  if (end - start > MAX_CHUNK_LINE_BYTES || !PREFIX.at(buf, v, start, end)) return null;
  let at = start + PREFIX.length;
  const first = buf[at] === 0x66;
  const kind = first ? FIRST : NON_FIRST;
  if (!kind.at(buf, v, at, end)) return null;
  at = readWriterHead(buf, at + kind.length, end, into);
  if (at < 0 || at + DATA_NULL.length !== end || !DATA_NULL.at(buf, v, at, end)) return null;
  return first ? 'sample.recv_first' : 'sample.recv_non_first';
}

/** The event of a data-less sample.recv_first / recv_non_first line in the writer's form, else null. */
export function decodeChunkLine(buf: Buffer, start: number, end: number): EventRecord | null {
  const eventType = readChunkLine(buf, start, end, head);
  if (eventType === null) return null;
  return {
    eventType,
    timestampNs: headTimestamp(head),
    sampleUuid: head.sampleUuid,
    conversationId: head.conversationId,
    turn: head.turn,
    data: null,
    finishReason: undefined,
    workerId: undefined,
  };
}
