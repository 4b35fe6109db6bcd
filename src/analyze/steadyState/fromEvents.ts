// Adapter: an endpoints events.jsonl -> SteadyStateInput, following the
// reference script's parse (see input.ts for the rules), with replay's strict
// decoder and a caller's token counter. Output text after the first chunk is
// buffered and counted `flushSize` texts at a time, as the script does.
//
// Where it differs from the script, on logs replay's decoder rejects: a line
// that is not valid UTF-8, not a JSON object, or not a well-formed event
// (a float or missing timestamp, a wrongly typed field, an unknown event type
// or data tag) is skipped and reported here; the script would use some of them
// (e.g. a float timestamp), skip others, or stop with a traceback (invalid
// UTF-8, a JSON array line). Blank lines are skipped silently, as there.
import { openLog } from '../../read/open.js';
import { readLines, type Line } from '../../read/lines.js';
import { decodeLogLine } from '../../decode/events.js';
import { Chunks, type EventData, type EventRecord } from '../../model/events.js';
import type { SteadySample, SteadyStateInput } from './input.js';

export type CountTokens = (texts: string[]) => Promise<number[]>;

/** The script's TOKENIZE_BATCH_SIZE. */
export const TOKENIZE_BATCH_SIZE = 4096;

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface AdapterReport {
  input: SteadyStateInput;
  lines: number;
  /** Every line skipped as unreadable (blank lines excluded); the first `maxReported` are listed. */
  skippedCount: number;
  skipped: SkippedLine[];
}

export interface AdapterOptions {
  flushSize?: number;
  maxReported?: number;
}

/** Why a complete's data yields no countable text although the script would read it. */
export class UnreadableOutput {
  constructor(readonly reason: string) {}
}

/**
 * TextModelOutput.text_after_first_chunk over decoded data: the output without
 * its first streamed chunk (reasoning chunks come first). The script reads the
 * raw array [tag, output, reasoning?, ...] whatever its tag, so a PromptData
 * whose token_ids has exactly one id yields its prompt text there too.
 */
export function textAfterFirstChunk(data: EventData | null): string | UnreadableOutput {
  if (data === null || data.tag === 'ErrorData') return '';
  if (data.tag === 'PromptData') {
    const ids = data.tokenIdsCount;
    if (ids !== null && ids > 1) return new UnreadableOutput('a sample.complete carrying PromptData with several token_ids (the reference script fails on it)');
    return ids === 1 && data.text ? data.text : '';
  }
  const { output, reasoning } = data;
  const reasoningTruthy = reasoning !== null && (typeof reasoning === 'string' ? reasoning.length > 0 : reasoning.count > 0);
  const reasoningStreamed = reasoningTruthy && reasoning instanceof Chunks;
  const parts: string[] = [];
  // A streamed reasoning trace held the first chunk: everything after it counts.
  if (reasoningStreamed && (reasoning as Chunks).count > 1) parts.push((reasoning as Chunks).rest);
  const afterReasoning = parts.length > 0;
  if (typeof output === 'string') {
    if (output.length > 0 && (afterReasoning || reasoningStreamed)) parts.push(output);
  } else if (output.count > 0) {
    if (afterReasoning || reasoningTruthy) parts.push(output.text);
    else if (output.count > 1) parts.push(output.rest);
  }
  return parts.join('');
}

interface OpenSample {
  index: number;
  issueNs: bigint;
  recvFirstNs: bigint | null;
}

interface MutableSample {
  firstIssueNs: bigint;
  lastEventNs: bigint;
  ttftNs: number | null;
  decode: { spanNs: number; tokens: number; completionRank: number } | null;
}

/** The samples of a decoded event stream, in log order. */
class SampleExtractor {
  readonly samples: MutableSample[] = [];
  private readonly open = new Map<string, OpenSample>();
  private tracking = false;
  private ranks = 0;
  /** Output texts waiting for their token counts. */
  pending: { sample: MutableSample; text: string }[] = [];

  constructor(
    private readonly countTokens: CountTokens,
    private readonly skip: (reason: string) => void,
  ) {}

  add(ev: EventRecord): void {
    const ts = ev.timestampNs;
    switch (ev.eventType) {
      case 'session.start_performance_tracking':
        this.tracking = true;
        return;
      case 'session.stop_performance_tracking':
        this.tracking = false;
        return;
      case 'sample.issued': {
        if (!this.tracking || ev.sampleUuid === '') return;
        const row = this.open.get(ev.sampleUuid);
        if (row) {
          row.issueNs = ts; // a retry: only the TTFT origin moves
          return;
        }
        this.open.set(ev.sampleUuid, { index: this.samples.length, issueNs: ts, recvFirstNs: null });
        this.samples.push({ firstIssueNs: ts, lastEventNs: ts, ttftNs: null, decode: null });
        return;
      }
      case 'sample.recv_first': {
        const row = this.open.get(ev.sampleUuid);
        if (!row) return;
        const sample = this.samples[row.index]!;
        if (ts > sample.lastEventNs) sample.lastEventNs = ts;
        if (row.recvFirstNs === null) {
          row.recvFirstNs = ts;
          sample.ttftNs = Number(ts - row.issueNs);
        }
        return;
      }
      case 'sample.complete': {
        const row = this.open.get(ev.sampleUuid);
        if (!row) return;
        this.open.delete(ev.sampleUuid);
        const sample = this.samples[row.index]!;
        if (ts > sample.lastEventNs) sample.lastEventNs = ts;
        if (row.recvFirstNs === null) return;
        const text = textAfterFirstChunk(ev.data);
        if (text instanceof UnreadableOutput) return this.skip(text.reason);
        if (!text) return;
        sample.decode = { spanNs: Number(ts - row.recvFirstNs), tokens: 0, completionRank: this.ranks++ };
        this.pending.push({ sample, text });
        return;
      }
      default:
        return;
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const counts = await this.countTokens(batch.map((p) => p.text));
    if (counts.length !== batch.length) throw new Error(`token counter returned ${counts.length} counts for ${batch.length} texts`);
    batch.forEach((p, i) => {
      const n = counts[i]!;
      if (!Number.isInteger(n) || n < 0) throw new Error(`token counter returned ${String(n)} for a text`);
      p.sample.decode!.tokens = n;
    });
  }
}

/** The decoder's reason for a whitespace-only line, which the script skips silently. */
const BLANK = 'blank line';

/** Builds the input from batches of log lines. */
export async function steadyInputFromLines(batches: AsyncIterable<Line[]>, countTokens: CountTokens, options: AdapterOptions = {}): Promise<AdapterReport> {
  const maxReported = options.maxReported ?? 20;
  const report: AdapterReport = { input: { samples: [] }, lines: 0, skippedCount: 0, skipped: [] };
  let lineNo = 0;
  const skip = (reason: string): void => {
    if (report.skipped.length < maxReported) report.skipped.push({ line: lineNo, reason });
    report.skippedCount++;
  };
  const flushSize = options.flushSize ?? TOKENIZE_BATCH_SIZE;
  const extractor = new SampleExtractor(countTokens, skip);
  for await (const lines of batches) {
    for (const line of lines) {
      report.lines++;
      lineNo = line.no;
      const decoded = decodeLogLine(line);
      if (!decoded.ok) {
        if (decoded.reason !== BLANK) skip(decoded.reason);
        continue;
      }
      extractor.add(decoded.event);
      if (extractor.pending.length >= flushSize) await extractor.flush();
    }
  }
  await extractor.flush();
  report.input = { samples: extractor.samples as SteadySample[] };
  return report;
}

/** Builds the input from an events.jsonl (or .gz / .zst, or '-' for stdin). */
export async function steadyInputFromLog(path: string, countTokens: CountTokens, options: AdapterOptions = {}): Promise<AdapterReport> {
  return steadyInputFromLines(readLines(openLog(path)), countTokens, options);
}
