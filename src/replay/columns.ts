// Growable typed columns with nulls for per-sample numbers: 4 or 8 bytes and a
// validity bit a row, instead of a boxed value in a JS array — a 1M-sample run
// keeps its table in tens of megabytes, not hundreds.

type Storage = Int32Array | Float64Array | BigInt64Array;

abstract class Column<T, A extends Storage> {
  protected values: A;
  private valid: Uint8Array;
  private n = 0;

  constructor(private readonly alloc: (capacity: number) => A) {
    this.values = alloc(1024);
    this.valid = new Uint8Array(1024 >> 3);
  }

  get length(): number {
    return this.n;
  }

  push(v: T | null): void {
    if (this.n === this.values.length) this.grow();
    this.set(this.n++, v);
  }

  get(i: number): T | null {
    return (this.valid[i >> 3]! >> (i & 7)) & 1 ? this.read(i) : null;
  }

  set(i: number, v: T | null): void {
    if (v === null) this.valid[i >> 3]! &= ~(1 << (i & 7));
    else {
      this.write(i, v);
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

  protected abstract read(i: number): T;
  protected abstract write(i: number, v: T): void;

  private grow(): void {
    const values = this.alloc(this.values.length * 2);
    values.set(this.values as never);
    this.values = values;
    const valid = new Uint8Array(values.length >> 3);
    valid.set(this.valid);
    this.valid = valid;
  }
}

class NumberColumn<A extends Int32Array | Float64Array> extends Column<number, A> {
  protected read(i: number): number {
    return this.values[i]!;
  }
  protected write(i: number, v: number): void {
    this.values[i] = v;
  }
}

/** Small integers we count ourselves (tokens, chunks, indexes): exact below 2^31. */
export class Int32Column extends NumberColumn<Int32Array> {
  constructor() {
    super((c) => new Int32Array(c));
  }
}

/** Any JS number, exactly. */
export class Float64Column extends NumberColumn<Float64Array> {
  constructor() {
    super((c) => new Float64Array(c));
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Nanosecond timestamps: int64 storage, and any value beyond it kept exactly on the side (damaged logs). */
export class BigIntColumn extends Column<bigint, BigInt64Array> {
  private readonly outside = new Map<number, bigint>();

  constructor() {
    super((c) => new BigInt64Array(c));
  }
  protected read(i: number): bigint {
    return this.outside.size === 0 ? this.values[i]! : (this.outside.get(i) ?? this.values[i]!);
  }
  protected write(i: number, v: bigint): void {
    if (v < INT64_MIN || v > INT64_MAX) this.outside.set(i, v);
    else {
      this.outside.delete(i);
      this.values[i] = v;
    }
  }
}
