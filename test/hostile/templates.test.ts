// Template bombs through the real CLI: a DeepSeek-V3 tokenizer whose chat
// template (in a temp copy) detonates a different bomb for each marker a
// prompt's last message carries, on a golden log where six prompts carry one.
// Each bomb must cost its own sample only: replay finishes, the manifest counts
// the fallback by kind, every other sample counts exactly as with the original
// template, and the bomb sample is counted through the reference's plain-text
// fallback (msgspec's compact JSON of the messages, counted here with the
// tokenizers binding). With a pool worker and with --workers 0, the process
// tree staying under 2 GB.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { REPLAY_BIN } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const { Tokenizer } = createRequire(import.meta.url)('tokenizers') as {
  Tokenizer: { fromFile(p: string): { encodeBatch(t: string[], o: { addSpecialTokens: boolean }): Promise<Array<{ getLength(): number }>> } };
};
const MODEL = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const LOG = join(ROOT, 'fixtures', 'golden', 'offline-nonstreaming', 'events.jsonl');

/** Each marker's bomb, and the fallback kind it must be counted under. */
const BOMBS: Array<{ marker: string; body: string; kind: string }> = [
  { marker: 'growth', body: "{{ 'a' * 10**9 }}", kind: 'budget_growth' },
  { marker: 'loops', body: '{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}', kind: 'budget_iterations' },
  { marker: 'macro', body: '{% macro boom(n) %}{{ boom(n + 1) }}{% endmacro %}{{ boom(0) }}', kind: 'budget_depth' },
  // Python's sandbox raises OverflowError here: a template error, as there.
  { marker: 'range', body: '{{ range(10**9) | length }}', kind: 'error' },
  { marker: 'output', body: '{% for i in range(100000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}', kind: 'budget_output' },
];
// Deeper than Python (and the depth budget) allow; (much deeper content fails the pool's IPC serialization, before any template runs).
const DEEP = 1500;
/** The deep content as JSON text (JSON.stringify itself recurses too deeply for it). */
const DEEP_JSON = '['.repeat(DEEP) + ']'.repeat(DEEP);
const DEEP_MARK = '\u0000deep\u0000';
const withDeep = (json: string): string => json.replace(JSON.stringify(DEEP_MARK), DEEP_JSON);

function bombTemplate(original: string): string {
  const arms = BOMBS.map((b, i) => `{%- ${i === 0 ? 'if' : 'elif'} last == 'BOMB:${b.marker}' %}${b.body}`).join('\n');
  return `{%- set last = messages[-1]['content'] %}
{%- if last is string and last.startswith('BOMB:') %}
${arms}
{%- endif %}
{%- elif last is not string and last is not none %}{{ last }}
{%- endif %}
${original}`;
}

function modelCopy(dir: string, template: (t: string) => string): string {
  cpSync(MODEL, dir, { recursive: true });
  const configPath = join(dir, 'tokenizer_config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { chat_template: string };
  config.chat_template = template(config.chat_template);
  writeFileSync(configPath, JSON.stringify(config));
  return dir;
}

interface Bombed {
  log: string;
  /** sample_uuid -> the messages its prompt carries after the change. */
  bombs: Map<string, { kind: string; messages: unknown[]; tools: unknown }>;
}

function bombedLog(path: string): Bombed {
  const lines = readFileSync(LOG, 'utf8').split('\n');
  const bombs = new Map<string, { kind: string; messages: unknown[]; tools: unknown }>();
  const contents: Array<{ kind: string; content: unknown }> = [...BOMBS.map((b) => ({ kind: b.kind, content: `BOMB:${b.marker}` })), { kind: 'budget_depth', content: DEEP_MARK }];
  const out = lines.map((line) => {
    if (bombs.size === contents.length || !line.includes('"PromptData",null,null,[')) return line;
    const ev = JSON.parse(line) as { sample_uuid: string; data: unknown[] };
    const messages = ev.data[3] as Array<{ content: unknown }>;
    const pick = contents[bombs.size]!;
    messages[messages.length - 1]!.content = pick.content;
    bombs.set(ev.sample_uuid, { kind: pick.kind, messages, tools: ev.data[4] });
    return withDeep(JSON.stringify(ev));
  });
  writeFileSync(path, out.join('\n'));
  return { log: path, bombs };
}

interface Run {
  status: number;
  stderr: string;
  /** Highest sum of VmRSS over the CLI and its descendants, bytes. */
  peakTreeRss: number;
}

function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* gone */
    }
  }
  let total = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* gone */
    }
    todo.push(...(children.get(pid) ?? []));
  }
  return total;
}

function replayWatched(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [REPLAY_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 100);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ status: code ?? 1, stderr, peakTreeRss: peak });
    });
  });
}

function islByUuid(out: string): Map<string, string> {
  const [head, ...rows] = readFileSync(join(out, 'samples.csv'), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  const u = cols.indexOf('uuid');
  const i = cols.indexOf('isl');
  return new Map(rows.map((r) => r.split(',')).map((c) => [c[u]!, c[i]!]));
}

const manifestOf = (out: string): { tokenization: { template_fallbacks: Record<string, number>; notes: Record<string, number> } } => JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));

describe('chat-template bombs through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-bombs-'));
  const plain = modelCopy(join(dir, 'plain'), (t) => t);
  const bombed = modelCopy(join(dir, 'bombed'), bombTemplate);
  const { log, bombs } = bombedLog(join(dir, 'events.jsonl'));
  const args = (model: string, out: string, workers: number): string[] => ['recompute', log, '--tokenizer', model, '--out', join(dir, out), '--format', 'csv', '--workers', String(workers), '--quiet'];
  let baseline: Promise<Run> | null = null;
  const runBaseline = (): Promise<Run> => (baseline ??= replayWatched(args(plain, 'plain', 1)));

  it.each([1, 0])('each bomb costs its own sample only (--workers %i)', async (workers) => {
    const base = await runBaseline();
    expect(base.status, base.stderr).toBe(0);
    const run = await replayWatched(args(bombed, `bombed-${workers}`, workers));
    expect(run.status, run.stderr).toBe(0);
    expect(run.peakTreeRss).toBeLessThan(2 * 1024 ** 3);

    const expectedBudget: Record<string, number> = {};
    for (const b of bombs.values()) if (b.kind !== 'error') expectedBudget[b.kind] = (expectedBudget[b.kind] ?? 0) + 1;
    const before = manifestOf(join(dir, 'plain')).tokenization;
    const after = manifestOf(join(dir, `bombed-${workers}`)).tokenization;
    expect(Object.keys(before.template_fallbacks)).toEqual(['error']);
    const { error, ...budget } = after.template_fallbacks;
    expect(budget).toEqual(expectedBudget);
    // The range bomb raises as in Python: a template error (the one other error of the log may sit on a bombed sample).
    expect(after.notes['chat template failed (OverflowError): counted as plain text, as the reference does']).toBe(1);
    expect(before.notes['chat template failed (OverflowError): counted as plain text, as the reference does']).toBeUndefined();
    expect(error).toBeGreaterThanOrEqual(1);

    const plainIsl = islByUuid(join(dir, 'plain'));
    const bombIsl = islByUuid(join(dir, `bombed-${workers}`));
    expect(bombIsl.size).toBe(plainIsl.size);
    const tok = Tokenizer.fromFile(join(MODEL, 'tokenizer.json'));
    for (const [uuid, isl] of plainIsl) {
      const bomb = bombs.get(uuid);
      if (!bomb) {
        expect(bombIsl.get(uuid), uuid).toBe(isl);
        continue;
      }
      // The reference's fallback: msgspec.json.encode({"messages": ..., "tools": ...}) (compact, keys in order), counted without special tokens.
      const prompt = bomb.tools === null ? { messages: bomb.messages } : { messages: bomb.messages, tools: bomb.tools };
      const [enc] = await tok.encodeBatch([withDeep(JSON.stringify(prompt))], { addSpecialTokens: false });
      expect(bombIsl.get(uuid), uuid).toBe(String(enc!.getLength()));
    }
  }, 600_000);
});
