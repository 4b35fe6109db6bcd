// Settings come from the run when no flag overrides them: config.yaml, the
// original summary, the Hugging Face cache; and a missing tokenizer says where
// replay looked.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayError } from '../../src/base/errors.js';
import { parsePyJson } from '../../src/py/json.js';
import { type PyJson } from '../../src/model/json.js';
import { recompute } from '../../src/commands/recompute.js';
import { tokenizerFromName } from '../../src/tokens/resolve.js';

const ROOT = join(__dirname, '..', '..');
const DS = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming');

function fakeHubCache(): string {
  const hub = mkdtempSync(join(tmpdir(), 'hub-'));
  const snap = join(hub, 'models--deepseek-ai--DeepSeek-V3', 'snapshots', 'abc123');
  mkdirSync(snap, { recursive: true });
  mkdirSync(join(hub, 'models--deepseek-ai--DeepSeek-V3', 'refs'));
  writeFileSync(join(hub, 'models--deepseek-ai--DeepSeek-V3', 'refs', 'main'), 'abc123');
  copyFileSync(join(DS, 'tokenizer.json'), join(snap, 'tokenizer.json'));
  copyFileSync(join(DS, 'tokenizer_config.json'), join(snap, 'tokenizer_config.json'));
  return hub;
}

describe('tokenizer resolution', () => {
  it('finds a model in the Hugging Face cache via HF_HUB_CACHE and refs/main', () => {
    const hub = fakeHubCache();
    const found = tokenizerFromName('deepseek-ai/DeepSeek-V3', null, { HF_HUB_CACHE: hub });
    expect(found.tokenizerJson).toBe(join(hub, 'models--deepseek-ai--DeepSeek-V3', 'snapshots', 'abc123', 'tokenizer.json'));
    expect(found.tokenizerConfig).not.toBeNull();
  });

  it('finds it via HF_HOME/hub too', () => {
    const home = mkdtempSync(join(tmpdir(), 'hfhome-'));
    const hub = fakeHubCache();
    // HF_HOME/hub is the cache root when HF_HUB_CACHE is unset.
    const linked = join(home, 'hub');
    symlinkSync(hub, linked);
    expect(tokenizerFromName('deepseek-ai/DeepSeek-V3', null, { HF_HOME: home }).tokenizerJson).toContain('abc123');
  });

  it('names every place it looked when the model is not cached', () => {
    const hub = mkdtempSync(join(tmpdir(), 'empty-hub-'));
    try {
      tokenizerFromName('org/missing-model', null, { HF_HUB_CACHE: hub });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ReplayError);
      expect((err as Error).message).toContain(join(hub, 'models--org--missing-model'));
      expect((err as ReplayError).hint).toContain('--tokenizer');
    }
  });
});

describe('settings from the run directory', () => {
  it('uses config.yaml and carries version, git_sha and run_config over from the original summary', async () => {
    const run = mkdtempSync(join(tmpdir(), 'run-'));
    copyFileSync(join(TINY, 'events.jsonl'), join(run, 'events.jsonl'));
    writeFileSync(
      join(run, 'config.yaml'),
      ['model_params:', `  name: ${DS}`, "  streaming: 'on'", 'settings:', '  load_pattern:', '    type: max_throughput'].join('\n'),
    );
    // An original summary as the reference writes it, incomplete, with its own version/run_config.
    const expected = parsePyJson(readFileSync(join(TINY, 'expected_result_summary.json'), 'utf8')) as Record<string, PyJson>;
    mkdirSync(join(run, 'performance'));
    const original = { ...expected, version: '9.9.9', git_sha: 'deadbee', complete: false };
    writeFileSync(join(run, 'performance', 'result_summary.json'), JSON.stringify(original, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));

    const result = await recompute({ input: run, workers: 0 });
    expect(result.outDir).toBe(join(run, 'replay'));
    expect(result.summary['version']).toBe('9.9.9');
    expect(result.summary['git_sha']).toBe('deadbee');
    expect(result.summary['complete']).toBe(true);
    expect(result.settings['streaming']!.source).toBe('config.yaml model_params.streaming');
    expect(result.settings['run_config']!.source).toBe('original result_summary.json');
    expect(result.summary['n_samples_completed']).toBe(expected['n_samples_completed']);
    expect((result.summary['output_sequence_lengths'] as Record<string, PyJson>)['total']).toBe((expected['output_sequence_lengths'] as Record<string, PyJson>)['total']);
    // The run's own files are untouched.
    expect(JSON.parse(readFileSync(join(run, 'performance', 'result_summary.json'), 'utf8')).complete).toBe(false);
  });

  it('infers streaming from recv_first events when nothing says', async () => {
    const out = mkdtempSync(join(tmpdir(), 'out-'));
    const result = await recompute({ input: join(TINY, 'events.jsonl'), tokenizer: DS, out, workers: 0 });
    expect(result.settings['streaming']).toEqual({ value: true, source: 'inferred from sample.recv_first events' });
    expect(Object.keys(result.summary['ttft'] as object)).toContain('percentiles');
  });
});
