// CSV tables (RFC 4180) from Arrow record batches, written batch by batch.
//
// - A header row of column names, CRLF after every record.
// - A null is an empty, unquoted field; an empty string is `""`.
// - Integers (int32, int64 ns) in decimal, exactly; float64 in the shortest
//   digits that read back to the same double, always with a `.` or an exponent
//   (`88.0`, `1.5e-7`), so readers infer a float column; booleans `true`/`false`.
// - Text from the log is quoted when it holds `"`, `,`, CR or LF, or starts or
//   ends with white space (a `"` doubled inside). Against spreadsheet formula
//   injection (OWASP "CSV injection"), text starting with `=`, `+`, `-`, `@`,
//   TAB or CR gets a `'` put in front and is quoted; so the value stays
//   recoverable, text starting with `'` gets one more `'` too. Reading back:
//   a text value that starts with `'` has one extra `'`, drop it.
import { Type, type Data, type RecordBatch, type Schema } from '../vendor/arrow.js';
import { AtomicFile } from '../base/atomic.js';
import type { TableWriter } from './tableFormats.js';

const EOL = '\r\n';

/** Characters after which a spreadsheet reads the cell as a formula, and the guard character itself. */
const FORMULA_START = /^[=+\-@\t\r']/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** A text cell: formula-guarded, then quoted where RFC 4180 (or white space) needs it. */
export function csvText(s: string): string {
  if (FORMULA_START.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  if (s === '' || NEEDS_QUOTES.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** A float64 cell: JavaScript's shortest round-trip digits, `.0` added to an integral value; inf, -inf, nan. */
export function csvFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** Row k of one column, as its CSV field. */
function columnCells(data: Data): (k: number) => string {
  const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
  const valid = bitmap ? (k: number) => ((bitmap[(data.offset + k) >> 3]! >> ((data.offset + k) & 7)) & 1) === 1 : () => true;
  switch (data.typeId) {
    case Type.Int: {
      const values = data.values as Int32Array | BigInt64Array;
      return (k) => (valid(k) ? String(values[k]) : '');
    }
    case Type.Float: {
      const values = data.values as Float64Array;
      return (k) => (valid(k) ? csvFloat(values[k]!) : '');
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return (k) => {
        if (!valid(k)) return '';
        const i = data.offset + k;
        return (bits[i >> 3]! >> (i & 7)) & 1 ? 'true' : 'false';
      };
    }
    case Type.Utf8: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = Buffer.from(data.values.buffer, data.values.byteOffset, data.values.byteLength);
      return (k) => (valid(k) ? csvText(bytes.toString('utf8', offsets[k]!, offsets[k + 1]!)) : '');
    }
    default:
      throw new Error(`CSV: no rule for Arrow type ${String(data.type)}`);
  }
}

/** A CSV file being written batch by batch (one text block per batch). */
export class CsvFileWriter implements TableWriter {
  private readonly file: AtomicFile;

  constructor(path: string, schema: Schema) {
    this.file = new AtomicFile(path);
    this.file.write(Buffer.from(schema.fields.map((f) => csvText(f.name)).join(',') + EOL, 'utf8'));
  }

  write(batch: RecordBatch): void {
    const columns = batch.data.children.map(columnCells);
    const lines = new Array<string>(batch.numRows);
    const row = new Array<string>(columns.length);
    for (let k = 0; k < batch.numRows; k++) {
      for (let j = 0; j < columns.length; j++) row[j] = columns[j]!(k);
      lines[k] = row.join(',');
    }
    if (lines.length > 0) this.file.write(Buffer.from(lines.join(EOL) + EOL, 'utf8'));
  }

  finish(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
  }
}
