// Wiring and text output for `replay check-tokenizer`.
import { checkTokenizer, type CheckReport } from '../commands/checkTokenizer.js';
import { ReplayError } from '../base/errors.js';
import { locateRun, readConfigYaml, readOriginalSummary } from '../run/runDir.js';
import { settleTokenizer } from '../run/tokenizerSetting.js';
import { loadTextCounter } from '../tokens/textCounter.js';
import { checkTokenizerBounds } from '../tokens/bounds.js';

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
  checkTokenizerBounds(files.tokenizerJson);
  const [native, other] = await Promise.all([
    loadTextCounter('native', files.tokenizerJson, files.tokenizerConfig),
    loadTextCounter(against, files.tokenizerJson, files.tokenizerConfig),
  ]);
  return { tokenizer: files.tokenizerJson, tokenizerSource: settled.source, ...(await checkTokenizer(run.events, native, other)) };
}

export function formatCheckReport(r: CheckTokenizerResult): string {
  const lines = [
    `tokenizer: ${r.tokenizer} (${r.tokenizerSource})`,
    `texts: ${r.texts}  characters: ${r.characters}`,
    `tokens: native ${r.tokensNative}  ${r.backend} ${r.tokensOther}`,
    r.mismatches.length === 0 ? 'backends agree on every text' : `${r.mismatches.length} text(s) counted differently:`,
  ];
  for (const m of r.mismatches) {
    lines.push(`  line ${m.line} (${m.what}): native ${m.native}, ${r.backend} ${m.other}; minimal example ${JSON.stringify(m.minimal)} → native ${m.minimalNative}, ${r.backend} ${m.minimalOther}`);
  }
  return `${lines.join('\n')}\n`;
}
