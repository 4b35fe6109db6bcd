// report.ipynb: a Jupyter notebook (nbformat 4.5) beside the tables, with the
// DuckDB, polars and pandas recipes of docs/outputs.md filled in for this run:
// the tables it wrote, and the summary's own numbers the recipes reproduce.
// Paths are relative to the output directory. No text from the log goes in.
import type { PyJson } from '../model/json.js';
import { REPLAY_VERSION } from '../base/version.js';
import type { Summary } from '../summary/summary.js';
import { SAMPLES_SCHEMA } from './arrowTables.js';
import type { TableFormat } from './tableFormats.js';
import { Type } from '../vendor/arrow.js';

export interface NotebookRun {
  summary: Summary;
  formats: readonly TableFormat[];
  chunks: boolean;
  logDigest: string;
}

/** numpy.percentile(method="lower") in DuckDB SQL: sorted[floor((n - 1) * p / 100)]. */
export const DUCKDB_PCT_LOWER = 'create or replace macro pct_lower(l, p) as list_sort(l)[1 + floor((len(l) - 1) * (p::double / 100))::bigint]';

type Cell = { id: string; cell_type: 'markdown' | 'code'; metadata: Record<string, never>; source: string[]; outputs?: never[]; execution_count?: null };

const lines = (text: string): string[] => text.split(/(?<=\n)/);
const markdown = (id: string, text: string): Cell => ({ id, cell_type: 'markdown', metadata: {}, source: lines(text) });
const code = (id: string, text: string): Cell => ({ id, cell_type: 'code', metadata: {}, source: lines(text), outputs: [], execution_count: null });

/** pandas dtypes of the samples columns, for read_csv (nullable integers, booleans and strings). */
function pandasDtypes(): string {
  const dtype = (t: (typeof SAMPLES_SCHEMA.fields)[number]['type']): string => {
    if (t.typeId === Type.Int) return (t as { bitWidth: number }).bitWidth === 64 ? 'Int64' : 'Int32';
    return t.typeId === Type.Float ? 'float64' : t.typeId === Type.Bool ? 'boolean' : 'string';
  };
  return `{${SAMPLES_SCHEMA.fields.map((f) => `"${f.name}": "${dtype(f.type)}"`).join(', ')}}`;
}

const TEXT_COLUMNS = SAMPLES_SCHEMA.fields.filter((f) => f.type.typeId === Type.Utf8).map((f) => `"${f.name}"`);

function figure(v: PyJson | undefined): string {
  return typeof v === 'bigint' || typeof v === 'number' ? String(v) : 'n/a';
}

function series(summary: Summary, key: string): Record<string, PyJson> {
  const s = summary[key];
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, PyJson>) : {};
}

export function buildNotebook(run: NotebookRun): string {
  const { summary, formats } = run;
  const latency = series(summary, 'latency');
  const pct = (latency['percentiles'] ?? {}) as Record<string, PyJson>;
  const osl = series(summary, 'output_sequence_lengths');
  const parquet = formats.includes('parquet');
  const csv = formats.includes('csv');
  const tables = ['samples', 'timeseries', ...(run.chunks ? ['chunks'] : [])].flatMap((s) => formats.map((f) => `\`${s}.${f}\``)).join(', ');
  const duckSamples = parquet ? "'samples.parquet'" : csv ? "read_csv('samples.csv', allow_quoted_nulls = false)" : null;

  const cells: Cell[] = [
    markdown(
      'about',
      `# replay tables\n\nWritten by replay ${REPLAY_VERSION} from the log with digest \`${run.logDigest}\` (the SHA-256 of its 1 MiB blocks' SHA-256s): ${tables}. ` +
        'Open this notebook from the replay output directory: the paths are relative to it. ' +
        'Times are ns since `session.started`; columns, types and null rules: docs/outputs.md.\n\n' +
        'The summary (`result_summary.json`) counts tracked samples; its percentiles are numpy\'s "lower": ' +
        '`sorted[floor(p/100 * (n - 1))]`. The cells below compute these of its numbers again:\n\n' +
        '| | summary |\n| --- | --- |\n' +
        `| completed | ${figure(summary['n_samples_completed'])} |\n` +
        `| latency p50 (ns) | ${figure(pct['50.0'])} |\n` +
        `| latency p99 (ns) | ${figure(pct['99.0'])} |\n` +
        `| output tokens, total | ${figure(osl['total'])} |\n`,
    ),
  ];
  // DuckDB reads Arrow IPC only through an extension it downloads: no cell for an Arrow-only run.
  if (duckSamples) {
    cells.push(
      markdown('duckdb-md', "DuckDB (`pip install duckdb`) reads Parquet and CSV itself, no extension needed. Its `quantile_disc` is the nearest rank, not numpy's lower, hence the macro."),
      code(
        'duckdb',
        `import duckdb\nduckdb.sql("${DUCKDB_PCT_LOWER}")\n` +
          `duckdb.sql("""\nselect count(*) as completed,\n  pct_lower(list(latency_ns), 50.0) as latency_p50_ns,\n  pct_lower(list(latency_ns), 99.0) as latency_p99_ns,\n  sum(osl) as output_tokens\nfrom ${duckSamples} where tracked and latency_ns is not null\n""").show()`,
      ),
    );
  }
  const polarsRead = parquet ? 'pl.read_parquet("samples.parquet")' : csv ? 'pl.read_csv("samples.csv")' : 'pl.read_ipc("samples.arrow")';
  cells.push(
    markdown('polars-md', 'polars (`pip install polars`): `quantile(q, "lower")` is numpy\'s lower.'),
    code(
      'polars',
      `import polars as pl\ns = ${polarsRead}\nt = s.filter(pl.col("tracked") & pl.col("latency_ns").is_not_null())\n` +
        'print(t.select(completed=pl.len(), latency_p50_ns=pl.col("latency_ns").quantile(0.5, "lower"),\n' +
        '               latency_p99_ns=pl.col("latency_ns").quantile(0.99, "lower"), output_tokens=pl.col("osl").sum()))',
    ),
  );
  const csvRead = (indent: string): string =>
    `${indent}s = pd.read_csv("samples.csv", dtype=${pandasDtypes()}, keep_default_na=False, na_values=[""])\n` +
    `${indent}for c in [${TEXT_COLUMNS.join(', ')}]:\n${indent}    s[c] = s[c].str.replace("^'", "", regex=True)  # drop the CSV's formula guard\n`;
  const pandasRead = parquet
    ? csv
      ? `try:\n    s = pd.read_parquet("samples.parquet")\nexcept ImportError:\n${csvRead('    ')}`
      : 's = pd.read_parquet("samples.parquet")\n'
    : csv
      ? csvRead('')
      : 's = pd.read_feather("samples.arrow")\n';
  cells.push(
    markdown('pandas-md', csv ? 'pandas: `read_parquet` needs pyarrow (or fastparquet); without it, the cell reads the CSV, with its column types.' : 'pandas: reading Parquet or Arrow needs pyarrow.'),
    code('pandas', `import pandas as pd\n${pandasRead}t = s[s.tracked & s.latency_ns.notna()]\nprint(len(t), t.latency_ns.quantile(0.5, interpolation="lower"), t.latency_ns.quantile(0.99, interpolation="lower"), t.osl.sum())`),
  );
  const nb = {
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}
