// Wiring and text output for `replay check-tokenizer`.
import { checkTokenizer, type CheckReport } from '../commands/checkTokenizer.js';
import { locateRun } from '../run/runDir.js';
import { tokenizerFromPath } from '../tokens/resolve.js';
import { loadTextCounter } from '../tokens/textCounter.js';

export async function runCheckTokenizer(input: string, tokenizer: string, against: 'bpe' | 'js' = 'bpe'): Promise<CheckReport> {
  const files = tokenizerFromPath(tokenizer);
  const [native, other] = await Promise.all([
    loadTextCounter('native', files.tokenizerJson, files.tokenizerConfig),
    loadTextCounter(against, files.tokenizerJson, files.tokenizerConfig),
  ]);
  return checkTokenizer(locateRun(input).events, native, other);
}

export function formatCheckReport(r: CheckReport): string {
  const lines = [
    `texts: ${r.texts}  characters: ${r.characters}`,
    `tokens: native ${r.tokensNative}  ${r.backend} ${r.tokensOther}`,
    r.mismatches.length === 0 ? 'backends agree on every text' : `${r.mismatches.length} text(s) counted differently:`,
  ];
  for (const m of r.mismatches) {
    lines.push(`  line ${m.line} (${m.what}): native ${m.native}, ${r.backend} ${m.other}; minimal example ${JSON.stringify(m.minimal)} → native ${m.minimalNative}, ${r.backend} ${m.minimalOther}`);
  }
  return `${lines.join('\n')}\n`;
}
