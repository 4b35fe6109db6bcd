// Hostile output locations: links planted where replay writes (the output
// directory, every output file, every temp name one could predict, the backup
// of --in-place) never make replay change a file outside --out; a read-only
// location is called read-only.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAtomic, writeError } from '../../src/base/atomic.js';
import { replay } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'events.jsonl');
/** Every writer: tables in all three formats, the chunks table, charts, notebook, manifest, summary. */
const ALL_OUTPUTS = ['--no-tokenizer', '--chunks', '--format=arrow,parquet,csv', '--quiet'];

/** A directory of files that must never change: path -> sha256 of every file under it (links listed as links). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) out[relative(dir, p)] = `link:${readlinkSync(p)}`;
      else if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function decoy(): string {
  const d = mkdtempSync(join(tmpdir(), 'decoy-'));
  writeFileSync(join(d, 'precious.txt'), 'must not change\n');
  mkdirSync(join(d, 'charts'));
  writeFileSync(join(d, 'charts', 'keep.svg'), '<svg/>');
  return d;
}

function expectOneLineError(r: { status: number; stderr: string }, mentions: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^replay: /);
  expect(lines[0]).toMatch(mentions);
  expect(lines.length).toBeLessThanOrEqual(2);
}

/** The names a normal run writes under its output directory (files and directories), relative. */
let outputNames: string[] | null = null;
async function namesWritten(): Promise<string[]> {
  if (outputNames) return outputNames;
  const out = mkdtempSync(join(tmpdir(), 'names-'));
  const r = await replay(['recompute', TINY, ...ALL_OUTPUTS, `--out=${out}`]);
  expect(r.status, r.stderr).toBe(0);
  outputNames = Object.keys(snapshot(out));
  // The hidden spool of the chunks table (written when arrow is not among the formats) is a name too.
  outputNames.push('.chunks.spool.arrow');
  return outputNames;
}

describe('writes cannot be redirected', () => {
  it('refuses a planted replay -> elsewhere output directory, and a --out that is a link', async () => {
    const run = mkdtempSync(join(tmpdir(), 'run-'));
    copyFileSync(TINY, join(run, 'events.jsonl'));
    const d = decoy();
    const before = snapshot(d);
    symlinkSync(d, join(run, 'replay'));
    expectOneLineError(await replay(['recompute', run, ...ALL_OUTPUTS]), /replay: is a symbolic link/);
    const other = join(run, 'other.jsonl');
    copyFileSync(TINY, other);
    symlinkSync(d, join(run, 'other.replay'));
    expectOneLineError(await replay(['recompute', other, ...ALL_OUTPUTS]), /other\.replay: is a symbolic link/);
    const outLink = join(run, 'out-link');
    symlinkSync(d, outLink);
    expectOneLineError(await replay(['recompute', TINY, ...ALL_OUTPUTS, `--out=${outLink}`]), /out-link: is a symbolic link/);
    expect(snapshot(d)).toEqual(before);
  });

  it('refuses a planted charts -> elsewhere subdirectory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'out-'));
    const d = decoy();
    const before = snapshot(d);
    symlinkSync(join(d, 'charts'), join(out, 'charts'));
    expectOneLineError(await replay(['recompute', TINY, ...ALL_OUTPUTS, `--out=${out}`]), /charts: is a symbolic link/);
    expect(snapshot(d)).toEqual(before);
  });

  it('replaces links planted at every output name and every predictable temp name, never writing through them', async () => {
    const names = await namesWritten();
    const out = mkdtempSync(join(tmpdir(), 'out-'));
    const d = decoy();
    mkdirSync(join(out, 'charts'));
    let planted = 0;
    const plant = (name: string): void => {
      const target = join(d, `victim-${planted++}`);
      writeFileSync(target, `victim ${name}\n`);
      symlinkSync(target, join(out, name));
    };
    // The next pids the child may get: the temp name scheme replay used before (.<name>.<pid>.tmp).
    const lastPid = Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
    for (const rel of names) {
      const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
      const base = rel.slice(dir.length);
      plant(rel);
      plant(`${dir}.${base}.tmp`);
      for (let pid = lastPid + 1; pid <= lastPid + 40; pid++) plant(`${dir}.${base}.${pid}.tmp`);
    }
    const before = snapshot(d);
    const r = await replay(['recompute', TINY, ...ALL_OUTPUTS, `--out=${out}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(snapshot(d)).toEqual(before);
    // Each output is now a regular file of its own, not the link.
    for (const rel of names.filter((n) => n !== '.chunks.spool.arrow')) expect(lstatSync(join(out, rel)).isFile(), rel).toBe(true);
    // replay report and compare --report: their targets planted as links too.
    symlinkSync(join(d, 'precious.txt'), join(out, 'report.html'));
    const rep = await replay(['report', out]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(lstatSync(join(out, 'report.html')).isFile()).toBe(true);
    const cmpTarget = join(out, 'compare.html');
    symlinkSync(join(d, 'precious.txt'), cmpTarget);
    const cmp = await replay(['compare', join(out, 'result_summary.json'), join(out, 'result_summary.json'), `--report=${cmpTarget}`]);
    expect(cmp.status, cmp.stderr).toBe(0);
    expect(lstatSync(cmpTarget).isFile()).toBe(true);
    expect(snapshot(d)).toEqual(before);
    expect(planted).toBeGreaterThan(500);
  });

  it('leaves no temp file behind, and temp names are not predictable', async () => {
    const out = mkdtempSync(join(tmpdir(), 'out-'));
    writeAtomic(join(out, 'a.json'), 'x');
    writeAtomic(join(out, 'a.json'), 'y');
    expect(readdirSync(out)).toEqual(['a.json']);
    expect(readFileSync(join(out, 'a.json'), 'utf8')).toBe('y');
  });
});

describe('--in-place against planted files', () => {
  /** A run dir whose original summary is a real, incomplete one: replay on the first 60% of the log. */
  async function incompleteRun(): Promise<{ run: string; perf: string; originalText: string }> {
    const run = mkdtempSync(join(tmpdir(), 'inplace-'));
    const lines = readFileSync(TINY, 'utf8').split('\n');
    const cut = join(run, 'cut.jsonl');
    writeFileSync(cut, lines.slice(0, Math.floor(lines.length * 0.6)).join('\n'));
    const partial = await replay(['recompute', cut, '--no-tokenizer', '--quiet', `--out=${join(run, 'partial')}`]);
    expect(partial.status, partial.stderr).toBe(3);
    copyFileSync(TINY, join(run, 'events.jsonl'));
    const perf = join(run, 'performance');
    mkdirSync(perf);
    const originalText = readFileSync(join(run, 'partial', 'result_summary.json'), 'utf8');
    return { run, perf, originalText };
  }

  it('refuses a summary that is a link, copying nothing it points to', async () => {
    const { run, perf, originalText } = await incompleteRun();
    const d = decoy();
    writeFileSync(join(d, 'theirs.json'), originalText);
    symlinkSync(join(d, 'theirs.json'), join(perf, 'result_summary.json'));
    const before = snapshot(d);
    const r = await replay(['recompute', run, '--no-tokenizer', '--in-place']);
    expectOneLineError(r, /--in-place: .*result_summary\.json is a symbolic link/);
    expect(r.stdout).not.toMatch(/backup/);
    expect(readdirSync(perf)).toEqual(['result_summary.json']);
    expect(snapshot(d)).toEqual(before);
  });

  it('refuses a summary that is a FIFO, without waiting for a writer', async () => {
    const { run, perf } = await incompleteRun();
    execFileSync('mkfifo', [join(perf, 'result_summary.json')]);
    for (const extra of [['--in-place'], []]) {
      const r = await replay(['recompute', run, '--no-tokenizer', ...extra]);
      expectOneLineError(r, /result_summary\.json is a FIFO/);
    }
    expect(readdirSync(perf)).toEqual(['result_summary.json']);
  });

  it('never overwrites a file at the backup name: takes the next name, and says which', async () => {
    const { run, perf, originalText } = await incompleteRun();
    writeFileSync(join(perf, 'result_summary.json'), originalText);
    const sha8 = createHash('sha256').update(originalText).digest('hex').slice(0, 8);
    const d = decoy();
    const before = snapshot(d);
    // A link to a decoy at the backup name, and a file of other bytes at the next one.
    symlinkSync(join(d, 'precious.txt'), join(perf, `result_summary.json.orig-${sha8}`));
    writeFileSync(join(perf, `result_summary.json.orig-${sha8}.1`), 'someone else\n');
    const r = await replay(['recompute', run, '--no-tokenizer', '--in-place']);
    expect(r.status, r.stderr).toBe(0);
    const made = join(perf, `result_summary.json.orig-${sha8}.2`);
    expect(r.stdout).toContain(`backup: ${made}\n`);
    expect(readFileSync(made, 'utf8')).toBe(originalText);
    expect(readFileSync(join(perf, `result_summary.json.orig-${sha8}.1`), 'utf8')).toBe('someone else\n');
    expect(readlinkSync(join(perf, `result_summary.json.orig-${sha8}`))).toBe(join(d, 'precious.txt'));
    expect(snapshot(d)).toEqual(before);
  });

  it('is idempotent: a second run makes no second backup and the manifest keeps the first rescue', async () => {
    const { run, perf, originalText } = await incompleteRun();
    writeFileSync(join(perf, 'result_summary.json'), originalText);
    const first = await replay(['recompute', run, '--no-tokenizer', '--in-place']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/replaced the original summary; backup: /);
    const m1 = JSON.parse(readFileSync(join(run, 'replay', 'replay_manifest.json'), 'utf8'));
    const backups1 = readdirSync(perf).filter((f) => f.includes('.orig-'));
    expect(backups1).toHaveLength(1);
    expect(readFileSync(join(perf, backups1[0]!), 'utf8')).toBe(originalText);
    // The first rescue's changes, found independently: fields whose values differ between the two files.
    const orig = JSON.parse(originalText);
    const corrected = JSON.parse(readFileSync(join(perf, 'result_summary.json'), 'utf8'));
    const changedTop = ['n_samples_completed', 'duration_ns', 'complete'].filter((k) => orig[k] !== corrected[k]);
    expect(changedTop.length).toBeGreaterThan(0);
    for (const k of changedTop) expect(m1.rescue.changes.map((c: { field: string }) => c.field)).toContain(k);

    const second = await replay(['recompute', run, '--no-tokenizer', '--in-place']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('the original summary already is the corrected one: left as it is, no new backup');
    expect(second.stdout).not.toMatch(/backup: /);
    expect(readdirSync(perf).filter((f) => f.includes('.orig-'))).toEqual(backups1);
    const m2 = JSON.parse(readFileSync(join(run, 'replay', 'replay_manifest.json'), 'utf8'));
    expect(m2.rescue.changes).toEqual(m1.rescue.changes);
    expect(m2.rescue.originalProblems).toEqual(m1.rescue.originalProblems);
    expect(m2.in_place).toMatchObject({ replaced: false, backup: join(perf, backups1[0]!) });
  });
});

describe('a read-only output location says read-only', () => {
  const mounted: string[] = [];
  afterAll(() => {
    for (const m of mounted) spawnSync('umount', [m]);
  });

  /** A directory that cannot be written: chmod for a normal user; a read-only tmpfs mount for root (chmod does not stop root); null if neither is possible here. */
  function readOnlyDir(): string | null {
    const d = mkdtempSync(join(tmpdir(), 'ro-'));
    if (process.getuid?.() !== 0) {
      chmodSync(d, 0o555);
      return d;
    }
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', d]);
    if (m.status === 0) {
      mounted.push(d);
      return d;
    }
    rmSync(d, { recursive: true });
    return null;
  }

  it('maps EROFS and EACCES/EPERM to a message saying read-only', () => {
    for (const code of ['EROFS', 'EACCES', 'EPERM']) {
      const e = writeError('/x/result_summary.json', Object.assign(new Error('denied'), { code }));
      expect(e.message).toMatch(/^\/x\/result_summary\.json: cannot write \(read-only/);
      expect(e.message).toContain(code);
      expect(`${e.message} ${e.hint}`).toMatch(/read-only/);
    }
    expect(writeError('/x', Object.assign(new Error('full'), { code: 'ENOSPC' })).hint).toMatch(/disk is full/);
  });

  it('replay recompute into a read-only directory: one line saying read-only', async () => {
    const d = readOnlyDir();
    if (d === null) {
      // No way to make a read-only place here (root without mount): the helper's mapping is what a user sees.
      expect(writeError(join('/nowhere', 'out'), Object.assign(new Error(''), { code: 'EROFS' })).message).toMatch(/read-only/);
      return;
    }
    const r = await replay(['recompute', TINY, '--no-tokenizer', `--out=${join(d, 'out')}`]);
    expectOneLineError(r, /read-only/);
    const r2 = await replay(['recompute', TINY, '--no-tokenizer', `--out=${d}`]);
    expectOneLineError(r2, /read-only/);
  });
});
