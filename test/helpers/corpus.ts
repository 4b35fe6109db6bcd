// The shared corpus's real texts (every string field of its JSONL files), for the tokenizer tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus');

export function corpusTexts(): string[] {
  const texts: string[] = [];
  for (const file of ['ds_samples.jsonl', 'dummy_1k.jsonl']) {
    for (const line of readFileSync(join(CORPUS, file), 'utf8').split('\n')) {
      if (!line) continue;
      for (const v of Object.values(JSON.parse(line) as Record<string, unknown>)) if (typeof v === 'string' && v.length > 0) texts.push(v);
    }
  }
  return texts;
}
