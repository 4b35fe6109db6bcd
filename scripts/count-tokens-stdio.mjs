#!/usr/bin/env node
// Count tokens for another process with replay's own counter (dist/, so build first):
// each stdin line is a JSON array of texts, answered by one stdout line holding the JSON
// array of their token counts (add_special_tokens = false). Used by
// steady_state_reference.py to run the endpoints steady-state script with replay's counts.
//
//   node scripts/count-tokens-stdio.mjs --tokenizer DIR|tokenizer.json [--backend auto|bpe|native|js]
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const tokenizerPath = arg('--tokenizer');
if (!tokenizerPath) {
  process.stderr.write('usage: count-tokens-stdio.mjs --tokenizer DIR [--backend auto|bpe|native|js]\n');
  process.exit(2);
}
const { loadTokenizer, tokenizerFromPath } = await import(join(ROOT, 'dist', 'tokens', 'index.js'));
const files = tokenizerFromPath(tokenizerPath);
const tokenizer = await loadTokenizer(arg('--backend', 'auto'), files.tokenizerJson, files.tokenizerConfig);

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line) continue;
  const counts = await tokenizer.text.countTexts(JSON.parse(line));
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}
