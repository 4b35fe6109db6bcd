// Files that are not files: a FIFO, /dev/zero, a 2 GB sparse file, or a
// tokenizer with a 10M-entry vocabulary where replay expects a summary, a
// config.yaml, a tokenizer or a chat template. Each ends in a one-line error
// (exit 2) without waiting on a pipe, with the whole process tree under 2 GB.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayMeasured } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'events.jsonl');
const LLAMA = join(ROOT, 'node_modules', '@lenml', 'tokenizer-llama3_1', 'models');
const GB2 = 2 * 1024 ** 3;
const peaks: Record<string, number> = {};

afterAll(() => {
  const rows = Object.entries(peaks).map(([k, v]) => `  ${(v / 2 ** 20).toFixed(0).padStart(5)} MB  ${k}`);
  process.stdout.write(`peak RSS of the replay process tree per case:\n${rows.join('\n')}\n`);
});

async function expectRefused(name: string, args: string[], mentions: RegExp): Promise<void> {
  const r = await replayMeasured(args);
  peaks[name] = r.peakRss;
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^replay: /);
  expect(lines[0]).toMatch(mentions);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(r.peakRss).toBeGreaterThan(0);
  expect(r.peakRss).toBeLessThan(GB2);
}

const fifo = (path: string): string => (execFileSync('mkfifo', [path]), path);
const sparse = (path: string, bytes: number): string => (writeFileSync(path, ''), truncateSync(path, bytes), path);
const zero = (path: string): string => (symlinkSync('/dev/zero', path), path);
const makers: Array<[string, (p: string) => string, RegExp]> = [
  ['a FIFO', fifo, /is a FIFO \(named pipe\), not a regular file/],
  ['/dev/zero', zero, /is a character device, not a regular file/],
  ['a 2 GB file', (p) => sparse(p, GB2), /is 2048 MB, more than the [\d.]+ MB replay reads for one/],
];

/** A run directory with the tiny log and a model directory copied from llama3_1 (config.yaml names it). */
function runDir(): { run: string; model: string } {
  const run = mkdtempSync(join(tmpdir(), 'files-'));
  copyFileSync(TINY, join(run, 'events.jsonl'));
  const model = join(run, 'model');
  mkdirSync(model);
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(LLAMA, f), join(model, f));
  writeFileSync(join(run, 'config.yaml'), `model_params:\n  name: ${model}\n  streaming: 'on'\n`);
  return { run, model };
}

describe('files that are not files', () => {
  for (const [what, make, msg] of makers) {
    it(`config.yaml as ${what}`, async () => {
      const { run } = runDir();
      rmSync(join(run, 'config.yaml'));
      make(join(run, 'config.yaml'));
      await expectRefused(`config.yaml as ${what}`, ['recompute', run, '--workers=0', '--out', join(run, 'o')], new RegExp(`config\\.yaml: the config\\.yaml ${msg.source}`));
    });

    it(`performance/result_summary.json as ${what}`, async () => {
      const { run } = runDir();
      mkdirSync(join(run, 'performance'));
      make(join(run, 'performance', 'result_summary.json'));
      await expectRefused(`result_summary.json as ${what}`, ['recompute', run, '--no-tokenizer', '--out', join(run, 'o')], new RegExp(`result_summary\\.json: the result_summary\\.json ${msg.source}`));
      await expectRefused(`compare on result_summary.json as ${what}`, ['compare', join(run, 'performance', 'result_summary.json'), join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'expected_result_summary.json')], /result_summary\.json/);
    });

    // A regular chat_template.jinja over the limit is read and refused (below); one that is no regular file is not read at all.
    if (what !== 'a 2 GB file') it(`chat_template.jinja as ${what}: absent, as transformers (os.path.isfile) sees it, and never read`, async () => {
      const { run, model } = runDir();
      make(join(model, 'chat_template.jinja'));
      const r = await replayMeasured(['recompute', run, '--workers=0', '--quiet', '--out', join(run, 'o')]);
      peaks[`chat_template.jinja as ${what}`] = r.peakRss;
      expect(r.status, r.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(run, 'o', 'replay_manifest.json'), 'utf8'));
      expect(JSON.stringify(manifest.tokenizer.chat_template.files)).not.toContain('chat_template.jinja');
      expect(r.peakRss).toBeLessThan(GB2);
    });

    const files = what === 'a 2 GB file' ? ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'additional_chat_templates/tool_use.jinja'] : ['tokenizer.json', 'tokenizer_config.json', 'additional_chat_templates/tool_use.jinja'];
    for (const file of files) {
      it(`${file} as ${what}`, async () => {
        const { run, model } = runDir();
        mkdirSync(join(model, 'additional_chat_templates'));
        rmSync(join(model, file), { force: true });
        make(join(model, file));
        const kind = file.endsWith('.jinja') ? 'chat template' : file;
        for (const workers of ['--workers=0', '--workers=1']) {
          await expectRefused(`${file} as ${what} (${workers})`, ['recompute', run, workers, '--out', join(run, 'o')], new RegExp(`${file.split('/').pop()!.replace('.', '\\.')}: the ${kind} ${msg.source}`));
        }
      });
    }

    it(`--run-config @file as ${what}`, async () => {
      const { run } = runDir();
      const p = make(join(run, 'rc.json'));
      await expectRefused(`--run-config as ${what}`, ['recompute', TINY, '--no-tokenizer', `--run-config=@${p}`, '--out', join(run, 'o')], new RegExp(`rc\\.json: the --run-config file ${msg.source}`));
    });
  }

  it('the events log as /dev/zero, a link to it, or a 2 GB file of NULs', async () => {
    const { run } = runDir();
    await expectRefused('events log /dev/zero', ['recompute', '/dev/zero', '--no-tokenizer', '--out', join(run, 'o')], /^replay: \/dev\/zero: a character device, not an event log/);
    rmSync(join(run, 'events.jsonl'));
    zero(join(run, 'events.jsonl'));
    await expectRefused('events.jsonl -> /dev/zero', ['recompute', run, '--no-tokenizer'], /events\.jsonl: a character device, not an event log/);
    const big = sparse(join(run, 'zeros.jsonl'), GB2);
    await expectRefused('events log 2 GB of NULs', ['recompute', big, '--no-tokenizer'], /zeros\.jsonl: not an event log \(no line end in the first 1 MB\)/);
  });

  it('the events log as a FIFO fed endless NULs: stops after a bound, memory bounded', async () => {
    const { run } = runDir();
    rmSync(join(run, 'events.jsonl'));
    const p = fifo(join(run, 'events.jsonl'));
    const writer = spawn('sh', ['-c', `exec cat /dev/zero > '${p}'`], { stdio: 'ignore' });
    try {
      await expectRefused('events FIFO of endless NULs', ['recompute', p, '--no-tokenizer', '--out', join(run, 'o')], /events\.jsonl: no line end in the first 256 MB: not an event log/);
    } finally {
      writer.kill();
    }
  });

  it('standard input of endless NULs: the same bound', async () => {
    const { run } = runDir();
    const r = await replayMeasured(['recompute', '-', '--no-tokenizer', '--out', join(run, 'o')], { stdin: createReadStream('/dev/zero') });
    peaks['stdin of endless NULs'] = r.peakRss;
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^replay: standard input: no line end in the first 256 MB/);
    expect(r.peakRss).toBeLessThan(GB2);
  });

  it('a tokenizer.json with a 10M-entry vocabulary is refused before any backend loads it', async () => {
    const { run, model } = runDir();
    const path = join(model, 'tokenizer.json');
    const out = createWriteStream(path);
    const write = (s: string): Promise<void> => new Promise((res) => (out.write(s) ? res() : out.once('drain', () => res())));
    await write('{"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},"model":{"type":"BPE","dropout":null,"unk_token":null,"vocab":{');
    const N = 10_000_000;
    for (let i = 0; i < N; i += 100_000) {
      let s = '';
      for (let j = i; j < i + 100_000; j++) s += `${j ? ',' : ''}"t${j.toString(36)}":${j}`;
      await write(s);
    }
    await write('},"merges":[]}}');
    await new Promise<void>((res) => out.end(res));
    for (const workers of ['--workers=0', '--workers=2']) {
      await expectRefused(`tokenizer.json with 10M vocab (${workers})`, ['recompute', run, workers, '--out', join(run, 'o')], /^replay: \S+\/tokenizer\.json: model\.vocab has more than 2,000,000 entries; not loaded$/);
    }
    await expectRefused('check-tokenizer with 10M vocab', ['check-tokenizer', run, `--tokenizer=${model}`], /model\.vocab has more than 2,000,000 entries/);
    expect(readFileSync(path).length).toBeGreaterThan(100 << 20);
  });
});
