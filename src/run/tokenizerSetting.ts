// Which tokenizer a run is counted with, and why: --tokenizer, --no-tokenizer,
// the original summary (a run that had none), else the model config.yaml names.
// Shared by recompute and check-tokenizer, so both pick the same one.
import { ReplayError } from '../base/errors.js';
import type { PyJson } from '../model/json.js';
import { tokenizerFromName, tokenizerFromPath, type TokenizerFiles } from '../tokens/resolve.js';
import type { RunConfig } from './runDir.js';

/** A setting's value and where it came from, for the manifest and the console. */
export type Settled<T> = { value: T; source: string };

/** `flag`: --tokenizer's value, false for --no-tokenizer, undefined when neither was given. */
export function settleTokenizer(flag: string | false | undefined, config: RunConfig | null, original: Record<string, PyJson> | null, runDir: string | null): Settled<TokenizerFiles | null> {
  if (flag === false) return { value: null, source: '--no-tokenizer' };
  if (typeof flag === 'string') return { value: tokenizerFromPath(flag), source: '--tokenizer' };
  if (ranWithoutTokenizer(original)) return { value: null, source: 'original result_summary.json has no OSL: the run had no tokenizer' };
  if (config?.tokenizerName) return { value: tokenizerFromName(config.tokenizerName, runDir), source: `config.yaml model "${config.tokenizerName}"` };
  throw new ReplayError('no tokenizer: the run has no config.yaml naming its model', 'pass --tokenizer PATH (tokenizer.json, model directory or cached model id), or --no-tokenizer');
}

/** The original summary has completed samples and an empty OSL block: the run counted no tokens. */
function ranWithoutTokenizer(original: Record<string, PyJson> | null): boolean {
  if (!original) return false;
  const osl = original['output_sequence_lengths'];
  const completed = original['n_samples_completed'];
  return typeof completed === 'bigint' && completed > 0n && !!osl && typeof osl === 'object' && Object.keys(osl).length === 0;
}
