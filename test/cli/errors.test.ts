// Every way a run's files can be wrong ends in one line naming the file and
// what to do, exit 2 — and Ctrl-C leaves no output behind.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/gen-log.mjs';

const ROOT = join(__dirname, '..', '..');
const DS = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'events.jsonl');
const replay = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', ...args], { encoding: 'utf8' });

function expectOneLineError(r: ReturnType<typeof replay>, mentions: string): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^replay: /);
  expect(lines[0]).toContain(mentions);
  expect(lines.length).toBeLessThanOrEqual(2); // the error, then the hint
}

describe('errors', () => {
  it('names a missing log', () => expectOneLineError(replay('/nonexistent/events.jsonl', '--no-tokenizer'), '/nonexistent/events.jsonl'));

  it('refuses worker and thread counts that are not whole numbers', () => {
    expectOneLineError(replay(TINY, '--no-tokenizer', '--workers=1.5'), '--workers must be a whole number');
    expectOneLineError(replay(TINY, '--no-tokenizer', '--decode-threads=-2'), '--decode-threads must be a whole number');
  });

  it('names an unwritable output directory', () => {
    expectOneLineError(replay(TINY, `--tokenizer=${DS}`, '--workers=0', `--out=${TINY}/sub`), 'cannot write (ENOTDIR)');
  });

  it('names a missing tokenizer and a corrupt one', () => {
    expectOneLineError(replay(TINY, '--tokenizer=/nonexistent/tok', '--workers=0'), '/nonexistent/tok');
    const dir = mkdtempSync(join(tmpdir(), 'badtok-'));
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(DS, 'tokenizer.json'), 'utf8').slice(0, 5000));
    expectOneLineError(replay(TINY, `--tokenizer=${dir}`, '--workers=0', `--out=${join(dir, 'out')}`), join(dir, 'tokenizer.json'));
    expectOneLineError(replay(TINY, `--tokenizer=${dir}`, '--workers=1', `--out=${join(dir, 'out')}`), join(dir, 'tokenizer.json'));
  });

  it('names a config.yaml that does not parse, and says where it looked for a tokenizer', () => {
    const run = mkdtempSync(join(tmpdir(), 'badcfg-'));
    copyFileSync(TINY, join(run, 'events.jsonl'));
    writeFileSync(join(run, 'config.yaml'), 'model_params: [unclosed\n  name: x');
    expectOneLineError(replay(run), join(run, 'config.yaml'));
    writeFileSync(join(run, 'config.yaml'), 'model_params:\n  name: some-org/not-cached\n');
    const r = replay(run);
    expectOneLineError(r, 'some-org/not-cached');
    expect(r.stderr).toMatch(/looked in: .*models--some-org--not-cached/);
  });

  it('refuses --in-place without an original summary', () => expectOneLineError(replay(TINY, '--no-tokenizer', '--in-place', `--out=${mkdtempSync(join(tmpdir(), 'o-'))}`), '--in-place'));
});

describe('interrupt', () => {
  it('exits 130 on SIGINT with one line and leaves no output files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigint-'));
    await generate({ samples: 4000, seed: 9, out: join(dir, 'events.jsonl'), streaming: true, charsPerChunk: 8, outputChars: 2000, reasoningFrac: 0, toolCallFrac: 0, warmup: 0, errorFrac: 0, retryFrac: 0, concurrency: 32, damage: false });
    const out = join(dir, 'out');
    mkdirSync(out);
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', join(dir, 'events.jsonl'), `--tokenizer=${DS}`, `--out=${out}`, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr.trim().split('\n')).toEqual(['replay: interrupted by SIGINT; no output written']);
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(join(dir, 'replay'))).toBe(false);
  });
});
