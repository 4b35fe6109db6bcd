// One shard of the sharded replay: a line-aligned piece of the log (a byte
// range of the file, or bytes handed over by the reader), decoded and counted
// where it is read — in a pinned tokenizer worker, or here with --workers 0.
// Every countable input of every line is counted (prompts once per shard): a
// count depends only on the line and the tokenizer, so the shard needs no
// aggregator state, and the reducer uses the counts the reference would ask for.
import { TOO_DEEP_NOTE } from '../model/events.js';
import { NO_INPUT } from '../aggregate/aggregator.js';
import { oslInput, tpotInput } from '../aggregate/outputParts.js';
import { readChunkLine } from '../decode/chunkLine.js';
import { decodeLogLine } from '../decode/events.js';
import type { WriterHead } from '../decode/writerHead.js';
import { NOT_COUNTED } from '../model/counting.js';
import type { CountableInput } from '../model/inputs.js';
import { readLines } from '../read/lines.js';
import { RangeBlockDigests } from '../read/blockDigest.js';
import { openRange } from '../read/ranges.js';
import type { LoadedTokenizer } from '../tokens/tokenizer.js';
import { inInt64 } from '../model/columns.js';
import { partsInInt64, timestampParts } from '../model/timestampParts.js';
import { NoteMetric, RecordsBuilder, type ShardRecords } from './records.js';

/** A range of a file of `fileBytes` (its size when the replay split it), or bytes a reader handed over. */
export type ShardSource = { kind: 'range'; path: string; start: number; end: number; fileBytes: number } | { kind: 'bytes'; bytes: Uint8Array };

export interface ShardTask {
  source: ShardSource;
  /** Count token inputs (false: decode only). */
  tokenize: boolean;
  /**
   * Fold each sample's consecutive sample.recv_non_first lines into one chunk run (records.ts):
   * a run ends at any other event of its sample and at every session event, the events whose
   * order a chunk's effect depends on (Aggregator.processChunkRun). Off when each chunk is
   * wanted on its own (the chunks table).
   */
  foldChunks: boolean;
  maxCorruptExamples: number;
}

/** Text characters counted per tokenizer call: bounds the texts held at once. */
const BATCH_CHARS = 4 << 20;

type Metric = 'isl' | 'osl' | 'tpot';

/**
 * Decode and count a shard; a file range's shard also hashes its digest blocks as it reads them.
 * `tok` null with task.tokenize: the tokenizer is unavailable (its worker
 * failed), every input is NOT_COUNTED with `failure` as its note.
 */
export async function runShard(task: ShardTask, tok: LoadedTokenizer | null, failure = 'not counted: no tokenizer'): Promise<ShardRecords> {
  const b = new RecordsBuilder(task.maxCorruptExamples);
  const inputs: CountableInput[] = [];
  const at: number[] = [];
  const metric: Metric[] = [];
  let chars = 0;
  /** Prompt text -> its count; and while it waits in the batch, -> its index in inputs. */
  const prompts = new Map<string, number>();
  const waiting = new Map<string, number>();
  /** Lines whose prompt waits for the count of inputs[j]: [line, j]. */
  const aliases: number[] = [];

  const flush = async (): Promise<void> => {
    if (inputs.length === 0) return;
    const noteOf: Array<string | null> = [];
    const counts = tok ? (await tok.count(inputs, noteOf)).counts : new Int32Array(inputs.length).fill(NOT_COUNTED);
    for (let j = 0; j < inputs.length; j++) {
      const m = metric[j]!;
      b[m][at[j]!] = counts[j]!;
      const note = tok ? noteOf[j] : failure;
      if (note) b.note(at[j]!, NoteMetric[m], note);
      const input = inputs[j]!;
      if (m === 'isl' && input.kind === 'text') prompts.set(input.text, counts[j]!);
    }
    for (let i = 0; i < aliases.length; i += 2) {
      b.isl[aliases[i]!] = counts[aliases[i + 1]!]!;
      if (!tok) b.note(aliases[i]!, NoteMetric.isl, failure);
    }
    inputs.length = at.length = metric.length = aliases.length = 0;
    waiting.clear();
    chars = 0;
  };
  const job = (k: number, m: Metric, input: CountableInput, size: number): void => {
    at.push(k);
    metric.push(m);
    inputs.push(input);
    chars += size;
  };

  /** Sample uuid -> its open chunk run's record. */
  const runs = task.foldChunks ? new Map<string, number>() : null;
  const fold = (runs: Map<string, number>, uuid: string, high: number, low: number): void => {
    const run = runs.get(uuid);
    if (run === undefined) runs.set(uuid, b.addChunkRun(uuid, high, low));
    else b.extendChunkRun(run, high, low);
  };
  const head: WriterHead = { tsHigh: 0, tsLow: 0, sampleUuid: '', conversationId: '', turn: null };

  const source = task.source;
  const digests = source.kind === 'range' ? new RangeBlockDigests(source.path, source.start, source.end, source.fileBytes) : null;
  const stream = source.kind === 'range' ? hashed(openRange(source.path, source), digests!) : once(Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength));
  for await (const lines of readLines(stream)) {
    for (const line of lines) {
      b.bytes += line.bytes + 1;
      // A chunk line in the writer's form joins its run straight from its bytes: no event is built (decodeLogLine would decode it the same).
      if (runs !== null && line.buf !== null && readChunkLine(line.buf, line.start, line.end, head) === 'sample.recv_non_first' && head.sampleUuid !== '' && partsInInt64(head.tsHigh, head.tsLow)) {
        fold(runs, head.sampleUuid, head.tsHigh, head.tsLow);
        continue;
      }
      const decoded = decodeLogLine(line);
      if (!decoded.ok) {
        b.addCorrupt(decoded.reason);
        continue;
      }
      const ev = decoded.event;
      if (runs !== null) {
        const uuid = ev.sampleUuid;
        if (ev.eventType === 'sample.recv_non_first' && uuid !== '' && inInt64(ev.timestampNs)) {
          fold(runs, uuid, ...timestampParts(ev.timestampNs));
          continue;
        }
        if (ev.eventType.startsWith('session.')) runs.clear();
        else runs.delete(uuid);
      }
      const k = b.addEvent(ev);
      b.isl[k] = b.osl[k] = b.tpot[k] = NO_INPUT;
      if (!task.tokenize) continue;
      const data = ev.data;
      // The same choices as the aggregator's (fireIsl, onComplete), minus its state.
      if (ev.eventType === 'sample.issued' && data?.tag === 'PromptData' && data.tokenIdsCount === null) {
        if (data.text) {
          const known = prompts.get(data.text);
          const queued = known === undefined ? waiting.get(data.text) : undefined;
          if (known !== undefined) {
            b.promptsReused++;
            b.isl[k] = known;
            if (!tok) b.note(k, NoteMetric.isl, failure);
          } else if (queued !== undefined) {
            b.promptsReused++;
            aliases.push(k, queued);
          } else {
            waiting.set(data.text, inputs.length);
            job(k, 'isl', { kind: 'text', text: data.text }, data.text.length);
          }
        } else if (data.tooDeep) {
          job(k, 'isl', { kind: 'uncountable', note: TOO_DEEP_NOTE }, 0);
        } else if (data.messages !== null) {
          const { messages, tools, chatTemplateKwargs, chatTemplate, toolChoice } = data;
          job(k, 'isl', { kind: 'prompt', messages, tools, chatTemplateKwargs, chatTemplate, toolChoice }, 4096);
        }
      } else if (ev.eventType === 'sample.complete' && data?.tag === 'TextModelOutput') {
        const osl = oslInput(data);
        if (osl) job(k, 'osl', osl, inputSize(osl));
        const tpot = tpotInput(data);
        if (tpot) job(k, 'tpot', tpot, inputSize(tpot));
      }
      if (chars >= BATCH_CHARS) await flush();
    }
  }
  await flush();
  const records = b.finish();
  if (digests) records.blockDigests = digests.finish();
  return records;
}

/** The chunks of `stream`, each hashed into `digests` as it passes. */
async function* hashed(stream: AsyncIterable<Buffer>, digests: RangeBlockDigests): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    digests.update(chunk);
    yield chunk;
  }
}

async function* once(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

function inputSize(input: CountableInput): number {
  if (input.kind === 'text') return input.text.length;
  if (input.kind === 'message') return input.content.length + (input.reasoning?.length ?? 0) + 256;
  if (input.kind === 'uncountable') return 0;
  return 4096;
}
