// Wiring and text output for `replay check-tokenizer`.
import { checkTokenizer, type CheckReport } from '../checkTokenizer.js';
import { locateRun } from '../run/runDir.js';
import { tokenizerFromPath } from '../tokens/resolve.js';
import { loadTextCounter } from '../tokens/textCounter.js';

export async function runCheckTokenizer(input: string, tokenizer: string): Promise<CheckReport> {
  const files = tokenizerFromPath(tokenizer);
  const [native, js] = await Promise.all([
    loadTextCounter('native', files.tokenizerJson, files.tokenizerConfig),
    loadTextCounter('js', files.tokenizerJson, files.tokenizerConfig),
  ]);
  return checkTokenizer(locateRun(input).events, native, js);
}

export function formatCheckReport(r: CheckReport): string {
  const lines = [
    `texts: ${r.texts}  characters: ${r.characters}`,
    `tokens: native ${r.tokensNative}  js ${r.tokensJs}`,
    r.mismatches.length === 0 ? 'backends agree on every text' : `${r.mismatches.length} text(s) counted differently:`,
  ];
  for (const m of r.mismatches) {
    lines.push(`  line ${m.line} (${m.what}): native ${m.native}, js ${m.js}; minimal example ${JSON.stringify(m.minimal)} → native ${m.minimalNative}, js ${m.minimalJs}`);
  }
  return `${lines.join('\n')}\n`;
}
