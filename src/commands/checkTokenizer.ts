// `replay check-tokenizer`: count a run's own texts with the native binding and
// another backend (bpe or js), and report every disagreement, shrunk to a
// minimal example.
import { decodeLogLine } from '../decode/events.js';
import { readLines } from '../read/lines.js';
import { openLog } from '../read/open.js';
import { joined } from '../aggregate/outputParts.js';
import type { TextCounter } from '../model/counting.js';
import { ReplayError } from '../base/errors.js';
import { locateRun, readConfigYaml, readOriginalSummary } from '../run/runDir.js';
import { settleTokenizer } from '../run/tokenizerSetting.js';
import { loadTextCounter } from '../tokens/textCounter.js';

export interface Mismatch {
  /** Line of the log the text came from. */
  line: number;
  what: 'prompt' | 'output' | 'reasoning';
  native: number;
  other: number;
  /** Shortest substring found that still counts differently. */
  minimal: string;
  minimalNative: number;
  minimalOther: number;
}

export interface CheckReport {
  /** The backend compared with native. */
  backend: string;
  texts: number;
  characters: number;
  tokensNative: number;
  tokensOther: number;
  mismatches: Mismatch[];
}

interface Sourced {
  line: number;
  what: Mismatch['what'];
  text: string;
}

/** Every plain text a run logged: prompts, outputs and reasoning. */
export async function* runTexts(path: string): AsyncGenerator<Sourced[]> {
  for await (const lines of readLines(openLog(path))) {
    const out: Sourced[] = [];
    for (const line of lines) {
      const d = decodeLogLine(line);
      if (!d.ok || !d.event.data) continue;
      const data = d.event.data;
      if (data.tag === 'PromptData' && data.text) out.push({ line: line.no, what: 'prompt', text: data.text });
      if (data.tag === 'TextModelOutput') {
        const o = joined(data.output);
        if (o) out.push({ line: line.no, what: 'output', text: o });
        if (data.reasoning) {
          const r = joined(data.reasoning);
          if (r) out.push({ line: line.no, what: 'reasoning', text: r });
        }
      }
    }
    if (out.length > 0) yield out;
  }
}

export async function checkTokenizer(path: string, native: TextCounter, other: TextCounter, maxReported = 50): Promise<CheckReport> {
  const report: CheckReport = { backend: other.backend, texts: 0, characters: 0, tokensNative: 0, tokensOther: 0, mismatches: [] };
  for await (const batch of runTexts(path)) {
    const texts = batch.map((b) => b.text);
    const [a, b] = await Promise.all([native.countTexts(texts), other.countTexts(texts)]);
    for (let i = 0; i < batch.length; i++) {
      report.texts++;
      report.characters += texts[i]!.length;
      report.tokensNative += a[i]!;
      report.tokensOther += b[i]!;
      if (a[i] !== b[i] && report.mismatches.length < maxReported) {
        const min = await shrink(texts[i]!, native, other);
        report.mismatches.push({ line: batch[i]!.line, what: batch[i]!.what, native: a[i]!, other: b[i]!, ...min });
      }
    }
  }
  return report;
}

/** Shrink a disagreeing text: drop halves, then single characters at the ends, while the counts still differ. */
export async function shrink(text: string, native: TextCounter, other: TextCounter): Promise<{ minimal: string; minimalNative: number; minimalOther: number }> {
  let budget = 3000; // count calls; long texts stop shrinking early rather than take minutes
  const differs = async (t: string): Promise<[number, number] | null> => {
    if (budget-- <= 0) return null;
    const [[n], [j]] = await Promise.all([native.countTexts([t]), other.countTexts([t])]);
    return n !== j ? [n!, j!] : null;
  };
  let cur = text;
  let counts = (await differs(cur)) ?? [0, 0];
  // Code-point safe slicing: never split a surrogate pair.
  let cps = Array.from(cur);
  for (let size = Math.floor(cps.length / 2); size >= 1; size = Math.floor(size / 2)) {
    let progressed = true;
    while (progressed && cps.length > 1) {
      progressed = false;
      for (let start = 0; start + size <= cps.length; start += size) {
        const candidate = [...cps.slice(0, start), ...cps.slice(start + size)].join('');
        const c = candidate ? await differs(candidate) : null;
        if (c) {
          cur = candidate;
          counts = c;
          cps = Array.from(cur);
          progressed = true;
          break;
        }
      }
    }
  }
  return { minimal: cur, minimalNative: counts[0], minimalOther: counts[1] };
}

export interface CheckTokenizerResult extends CheckReport {
  /** The tokenizer.json compared, and where the choice came from (as recompute settles it). */
  tokenizer: string;
  tokenizerSource: string;
}

/** `tokenizer`: --tokenizer's value; undefined counts with the run's own tokenizer, as recompute would. */
export async function runCheckTokenizer(input: string, tokenizer: string | undefined, against: 'bpe' | 'js' = 'bpe'): Promise<CheckTokenizerResult> {
  const run = locateRun(input);
  const config = run.configYaml ? readConfigYaml(run.configYaml) : null;
  const original = run.originalSummary ? readOriginalSummary(run.originalSummary) : null;
  const settled = settleTokenizer(tokenizer, config, original?.raw ?? null, run.runDir);
  const files = settled.value;
  if (!files) throw new ReplayError(`${input}: the run had no tokenizer (${settled.source}), so there is nothing to check`, 'pass --tokenizer PATH to check a tokenizer against this run\'s texts');
  const [native, other] = await Promise.all([
    loadTextCounter('native', files.tokenizerJson, files.tokenizerConfig),
    loadTextCounter(against, files.tokenizerJson, files.tokenizerConfig),
  ]);
  return { tokenizer: files.tokenizerJson, tokenizerSource: settled.source, ...(await checkTokenizer(run.events, native, other)) };
}
