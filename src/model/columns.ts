// Per-sample columns with nulls, kept off the JS heap: numbers in typed-array
// pages (4 or 8 bytes and a validity bit a row), strings as UTF-8 bytes. The
// sample table and series take ~210 bytes a sample (a 32-character id
// included), and V8's heap does not grow with them: on the JS heap, the garbage
// V8 lets pile up grows with what is live. Growing a column adds a page and
// never copies, so memory is the rows held, never twice that mid-doubling.
//
// Pages are shared memory (SharedArrayBuffer): a column's snapshot() posted to
// another thread (the notebook thread) is the same bytes, not a copy, and
// restore() there reads them as the column. The snapshot is taken once the
// column is complete; nothing writes it while another thread reads.

type Storage = Int32Array | Float64Array | BigInt64Array;
type StorageType<A extends Storage> = { new (length: number): A; new (buffer: SharedArrayBuffer): A; readonly BYTES_PER_ELEMENT: number };

/** A column's storage as posted to another thread (its pages shared, not copied). */
export interface ColumnSnapshot<A extends Storage = Storage> {
  pages: A[];
  valid: Uint8Array;
  n: number;
}

const sharedBytes = (n: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(n));

/** Rows per page: 16k rows is 64-128 KB a page, and at most that much unused per column. */
const PAGE_BITS = 14;
const PAGE_ROWS = 1 << PAGE_BITS;
const ROW_MASK = PAGE_ROWS - 1;

/**
 * get and set index the page and the validity bits directly: one shared code
 * path over three typed-array kinds stays fast (a polymorphic load), where a
 * virtual read/write per kind measured ~2.5x slower on the chunk-line path.
 */
class Column<T, A extends Storage> {
  protected pages: A[] = [];
  /** One bit a row, in one array grown by doubling (128 KB at 1M rows). */
  private valid = sharedBytes(PAGE_ROWS >> 3);
  private n = 0;

  constructor(protected readonly type: StorageType<A>) {}

  get length(): number {
    return this.n;
  }

  push(v: T | null): void {
    if (this.n === this.pages.length << PAGE_BITS) {
      this.pages.push(new this.type(new SharedArrayBuffer(PAGE_ROWS * this.type.BYTES_PER_ELEMENT)));
      if (this.valid.length < this.pages.length << (PAGE_BITS - 3)) {
        const valid = sharedBytes(this.valid.length * 2);
        valid.set(this.valid);
        this.valid = valid;
      }
    }
    this.set(this.n++, v);
  }

  get(i: number): T | null {
    return (this.valid[i >> 3]! >> (i & 7)) & 1 ? (this.pages[i >> PAGE_BITS]![i & ROW_MASK] as T) : null;
  }

  set(i: number, v: T | null): void {
    if (v === null) this.valid[i >> 3]! &= ~(1 << (i & 7));
    else {
      this.pages[i >> PAGE_BITS]![i & ROW_MASK] = v as never;
      this.valid[i >> 3]! |= 1 << (i & 7);
    }
  }

  /** Whether any row holds a value. */
  some(): boolean {
    for (let i = 0; i < this.n; i++) if (this.get(i) !== null) return true;
    return false;
  }

  toArray(): Array<T | null> {
    return Array.from({ length: this.n }, (_, i) => this.get(i));
  }

  snapshot(): ColumnSnapshot<A> {
    return { pages: this.pages.slice(), valid: this.valid, n: this.n };
  }

  /** This column as `s` holds it (a snapshot from another thread); returns this. */
  restore(s: ColumnSnapshot<A>): this {
    this.pages = s.pages.slice();
    this.valid = s.valid;
    this.n = s.n;
    return this;
  }
}

class NumberColumn<A extends Int32Array | Float64Array> extends Column<number, A> {
  /** Every row's value in one new array (a null row reads as what was last stored there, or 0). */
  copy(): A {
    const out = new this.type(this.length);
    for (let p = 0; p < this.pages.length; p++) {
      const page = this.pages[p]!;
      const from = p << PAGE_BITS;
      out.set(from + PAGE_ROWS <= this.length ? page : page.subarray(0, this.length - from), from);
    }
    return out;
  }
}

/** Small integers we count ourselves (tokens, chunks, indexes): exact below 2^31. */
export class Int32Column extends NumberColumn<Int32Array> {
  constructor() {
    super(Int32Array);
  }
}

/** Any JS number, exactly. */
export class Float64Column extends NumberColumn<Float64Array> {
  constructor() {
    super(Float64Array);
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Whether a value fits int64 storage (BigInt64Array). */
export const inInt64 = (t: bigint): boolean => t >= INT64_MIN && t <= INT64_MAX;

export interface BigIntColumnSnapshot extends ColumnSnapshot<BigInt64Array> {
  /** Rows whose value is beyond int64. */
  outside: Array<[number, bigint]>;
}

/** Nanosecond timestamps: int64 storage, and any value beyond it kept exactly on the side (damaged logs). */
export class BigIntColumn extends Column<bigint, BigInt64Array> {
  private outside = new Map<number, bigint>();

  constructor() {
    super(BigInt64Array);
  }

  override snapshot(): BigIntColumnSnapshot {
    return { ...super.snapshot(), outside: [...this.outside] };
  }

  override restore(s: BigIntColumnSnapshot): this {
    this.outside = new Map(s.outside);
    return super.restore(s);
  }

  override get(i: number): bigint | null {
    const v = super.get(i);
    return v === null || this.outside.size === 0 ? v : (this.outside.get(i) ?? v);
  }

  override set(i: number, v: bigint | null): void {
    if (this.outside.size > 0) this.outside.delete(i);
    if (v !== null && !inInt64(v)) {
      this.outside.set(i, v);
      super.set(i, 0n);
    } else super.set(i, v);
  }
}

/** Rows of a string column in Arrow's Utf8 layout: value offsets (n + 1), the bytes back to back, a validity bitmap (null when no row is null). */
export interface Utf8Slice {
  offsets: Int32Array;
  values: Uint8Array;
  validity: Uint8Array | null;
  nulls: number;
}

/** Bytes per page of string storage; a string longer than a quarter page is kept as a JS string instead. */
const STRING_PAGE_BYTES = 1 << 20;
const LONG_STRING_BYTES = STRING_PAGE_BYTES >> 2;

export interface StringColumnSnapshot {
  pages: Uint8Array[];
  used: number;
  at: ColumnSnapshot<Float64Array>;
  bytes: ColumnSnapshot<Int32Array>;
  long: Array<[number, string]>;
}

/**
 * Strings (ids, error messages) as their UTF-8 bytes: ~1 byte a character and
 * 12 bytes a row, against ~60 bytes a row for a JS string and its slot.
 */
export class StringColumn {
  private pages: Buffer[] = [];
  private used = STRING_PAGE_BYTES;
  /** Per row: page × STRING_PAGE_BYTES + offset (null: a null string; -1: kept in `long`), and byte length. */
  private readonly at = new Float64Column();
  private readonly bytes = new Int32Column();
  private long = new Map<number, string>();

  snapshot(): StringColumnSnapshot {
    return { pages: this.pages.slice(), used: this.used, at: this.at.snapshot(), bytes: this.bytes.snapshot(), long: [...this.long] };
  }

  restore(s: StringColumnSnapshot): this {
    // A Buffer posted to a thread arrives as a Uint8Array over the same memory.
    this.pages = s.pages.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
    this.used = s.used;
    this.at.restore(s.at);
    this.bytes.restore(s.bytes);
    this.long = new Map(s.long);
    return this;
  }

  get length(): number {
    return this.at.length;
  }

  push(v: string | null): void {
    this.at.push(null);
    this.bytes.push(0);
    if (v !== null) this.set(this.at.length - 1, v);
  }

  /** A set over a non-null row leaves its old bytes unused (rare: a sample that fails twice). */
  set(i: number, v: string | null): void {
    if (this.long.size > 0) this.long.delete(i);
    if (v === null) {
      this.at.set(i, null);
      return;
    }
    const n = Buffer.byteLength(v, 'utf8');
    this.bytes.set(i, n);
    if (n > LONG_STRING_BYTES) {
      this.long.set(i, v);
      this.at.set(i, -1);
      return;
    }
    if (n === 0) {
      this.at.set(i, 0);
      return;
    }
    if (this.used + n > STRING_PAGE_BYTES) {
      this.pages.push(Buffer.from(new SharedArrayBuffer(STRING_PAGE_BYTES)));
      this.used = 0;
    }
    const page = this.pages.length - 1;
    this.pages[page]!.write(v, this.used, n, 'utf8');
    this.at.set(i, page * STRING_PAGE_BYTES + this.used);
    this.used += n;
  }

  isNull(i: number): boolean {
    return this.at.get(i) === null;
  }

  get(i: number): string | null {
    const at = this.at.get(i);
    if (at === null) return null;
    return at < 0 ? this.long.get(i)! : this.stored(at, this.bytes.get(i)!).toString('utf8');
  }

  toArray(): Array<string | null> {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /**
   * Rows [from, from + n) as Arrow's Utf8 layout: value offsets (n + 1), the bytes back to back,
   * and a validity bitmap (null when no row is null).
   */
  utf8(from: number, n: number): Utf8Slice {
    const offsets = new Int32Array(n + 1);
    let total = 0;
    for (let k = 0; k < n; k++) {
      if (this.at.get(from + k) !== null) total += this.bytes.get(from + k)!;
      offsets[k + 1] = total;
    }
    const values = Buffer.allocUnsafe(total);
    const validity = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    for (let k = 0; k < n; k++) {
      const i = from + k;
      const at = this.at.get(i);
      if (at === null) {
        nulls++;
        continue;
      }
      validity[k >> 3]! |= 1 << (k & 7);
      const bytes = this.bytes.get(i)!;
      if (at < 0) values.write(this.long.get(i)!, offsets[k]!, 'utf8');
      else if (bytes > 0) {
        const start = at % STRING_PAGE_BYTES;
        this.pages[Math.floor(at / STRING_PAGE_BYTES)]!.copy(values, offsets[k]!, start, start + bytes);
      }
    }
    return { offsets, values, validity: nulls > 0 ? validity : null, nulls };
  }

  /** A view of the `n` bytes stored at `at` (empty before any page exists). */
  private stored(at: number, n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const start = at % STRING_PAGE_BYTES;
    return this.pages[Math.floor(at / STRING_PAGE_BYTES)]!.subarray(start, start + n);
  }
}

export interface DictionaryColumnSnapshot {
  codes: ColumnSnapshot<Int32Array>;
  values: string[];
}

/**
 * Strings from a small set (finish reasons, error types): a 4-byte code a row
 * into a dictionary of the distinct values, each held once.
 */
export class DictionaryColumn {
  private readonly codes = new Int32Column();
  private values: string[] = [];
  private index = new Map<string, number>();

  snapshot(): DictionaryColumnSnapshot {
    return { codes: this.codes.snapshot(), values: this.values.slice() };
  }

  restore(s: DictionaryColumnSnapshot): this {
    this.codes.restore(s.codes);
    this.values = s.values.slice();
    this.index = new Map(this.values.map((v, i) => [v, i]));
    return this;
  }

  get length(): number {
    return this.codes.length;
  }

  push(v: string | null): void {
    this.codes.push(v === null ? null : this.code(v));
  }

  set(i: number, v: string | null): void {
    this.codes.set(i, v === null ? null : this.code(v));
  }

  isNull(i: number): boolean {
    return this.codes.get(i) === null;
  }

  get(i: number): string | null {
    const c = this.codes.get(i);
    return c === null ? null : this.values[c]!;
  }

  toArray(): Array<string | null> {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /** Rows [from, from + n) in Arrow's Utf8 layout, as StringColumn.utf8. */
  utf8(from: number, n: number): Utf8Slice {
    const encoded = this.values.map((v) => Buffer.from(v, 'utf8'));
    const offsets = new Int32Array(n + 1);
    const validity = new Uint8Array((n + 7) >> 3);
    let total = 0;
    let nulls = 0;
    for (let k = 0; k < n; k++) {
      const c = this.codes.get(from + k);
      if (c === null) nulls++;
      else {
        total += encoded[c]!.length;
        validity[k >> 3]! |= 1 << (k & 7);
      }
      offsets[k + 1] = total;
    }
    const values = Buffer.allocUnsafe(total);
    for (let k = 0; k < n; k++) {
      const c = this.codes.get(from + k);
      if (c !== null) encoded[c]!.copy(values, offsets[k]!);
    }
    return { offsets, values, validity: nulls > 0 ? validity : null, nulls };
  }

  private code(v: string): number {
    let c = this.index.get(v);
    if (c === undefined) {
      c = this.values.push(v) - 1;
      this.index.set(v, c);
    }
    return c;
  }
}
