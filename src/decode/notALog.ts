// A file handed to replay that is not an event log at all: empty, plain text,
// or another JSON file (a result_summary.json passed by mistake). Said in one
// line, before a tokenizer is looked for where the file's head already shows
// it, else once the whole file has been read and no line decoded.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ReplayError } from '../base/errors.js';
import { readBoundedText } from '../base/files.js';
import { decodeLine } from './events.js';

const HINT = 'give the events.jsonl of a benchmark run, or its run directory';
/** How much of a plain file's head is looked at before reading it all. */
const SNIFF_BYTES = 1 << 20;

/** A whole-file JSON object with the summary's own keys. */
function isSummary(path: string): boolean {
  try {
    const doc = JSON.parse(readBoundedText(path, 'result_summary.json')) as unknown;
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'n_samples_issued' in doc;
  } catch {
    return false;
  }
}

const summaryError = (path: string): ReplayError =>
  new ReplayError(`${path}: a result_summary.json, not an event log`, "replay recomputes a summary from the run's events.jsonl; to compare summaries, use replay compare A B");

/**
 * For a plain log file: an error when its head shows it is no event log (empty;
 * or no line of the first MB is an event and none even names an event_type),
 * else null. A damaged log still names event_type on its lines, so it is read.
 */
export function sniffNotALog(path: string): ReplayError | null {
  let st;
  try {
    st = statSync(path);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  if (st.size === 0) return new ReplayError(`${path}: empty file, not an event log`, HINT);
  const fd = openSync(path, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(Math.min(st.size, SNIFF_BYTES));
    head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
  if (!head.includes('\n') && /\r\{"event_type"/.test(head)) return crOnly(path);
  if (head.includes('"event_type"')) return null;
  const lines = head.split('\n');
  // The last piece may be cut at the window's edge, unless the window is the whole file.
  if (st.size > SNIFF_BYTES) lines.pop();
  if (lines.some((l) => decodeLine(l.replace(/\r$/, '')).ok)) return null;
  if (isSummary(path)) return summaryError(path);
  const first = lines.findIndex((l) => l.trim() !== '');
  const why = lines.length === 0 ? `no line end in the first ${SNIFF_BYTES >> 20} MB` : first < 0 ? 'only blank lines' : `line ${first + 1}: ${(decodeLine(lines[first]!) as { reason: string }).reason}`;
  return new ReplayError(`${path}: not an event log (${why})`, HINT);
}

/** A log whose lines end in CR alone: it reads as one line. */
export function crOnly(path: string): ReplayError {
  return new ReplayError(`${path === '-' ? 'standard input' : path}: lines end in CR only (classic Mac line endings); replay reads LF or CRLF line endings`, "convert it first: tr '\\r' '\\n' < in > events.jsonl");
}

/** After a whole file was read and no line decoded as an event. */
export function notALogError(path: string, linesRead: number, firstReason: { line: number; reason: string } | undefined): ReplayError {
  const name = path === '-' ? 'standard input' : path;
  if (linesRead === 0) return new ReplayError(`${name}: empty, not an event log`, HINT);
  if (path !== '-' && isSummary(path)) return summaryError(path);
  return new ReplayError(`${name}: not an event log — none of its ${linesRead} line(s) is an event${firstReason ? ` (line ${firstReason.line}: ${firstReason.reason})` : ''}`, HINT);
}
