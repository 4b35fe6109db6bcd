// Text output for `replay check-tokenizer`.
import type { CheckTokenizerResult } from '../commands/checkTokenizer.js';

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
