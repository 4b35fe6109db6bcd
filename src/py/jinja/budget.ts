// The render budget: every render runs under limits on time, output, growth of
// the values it builds, work, and depth, so a hostile template (or message)
// costs one render, never a hang, a V8 "invalid size" abort, a heap blow-up or
// a stack overflow. Sizes are checked before a value is built.
//
// Python's sandboxed jinja2 has none of these limits (only MAX_RANGE and its
// recursion limit, which the depth limit approximates): a render that runs out
// of budget here is one that would hang or exhaust memory there. All limits but
// time are deterministic, so outputs stay byte-identical run to run; the time
// limit is a last resort far above what the other limits allow.

export type BudgetKind = 'time' | 'output' | 'growth' | 'iterations' | 'depth';

export interface RenderLimits {
  /** Wall-clock milliseconds per render. */
  timeMs: number;
  /** Characters of the rendered text, and of the text any block (loop, if, macro body) emits. */
  outputChars: number;
  /** Characters of any one string the render builds (concatenation, repetition, join, padding, repr, json). */
  valueChars: number;
  /** Items of any one list the render builds. */
  listItems: number;
  /** Characters of all the strings the render builds, together. */
  totalChars: number;
  /** Work units: an evaluated node, a loop iteration, a macro call, an item walked, 256 characters built. */
  iterations: number;
  /** Python frames, approximately: 5 per macro call, 1 per level of nested data repr'd, dumped or compared. */
  depth: number;
}

/** Python raises RecursionError at 1000 frames; a macro call takes about 5 of them in jinja2 (measured: ~190 levels). */
export const MACRO_FRAMES = 5;

export const DEFAULT_LIMITS: Readonly<RenderLimits> = Object.freeze({
  timeMs: 10_000,
  outputChars: 8 << 20,
  valueChars: 8 << 20,
  listItems: 1 << 21,
  totalChars: 64 << 20,
  iterations: 10_000_000,
  depth: 1000,
});

/** Limits for a render whose inputs hold `inputChars` characters of text: room for every input printed several times. */
export function limitsForInput(inputChars: number, base: Readonly<RenderLimits> = DEFAULT_LIMITS): RenderLimits {
  return { ...base, outputChars: base.outputChars + 4 * inputChars, valueChars: base.valueChars + 4 * inputChars, totalChars: base.totalChars + 16 * inputChars };
}

/** A render went over one of its limits; `kind` says which. */
export class RenderBudgetExceeded extends Error {
  constructor(
    readonly kind: BudgetKind,
    readonly limit: number,
    detail: string,
  ) {
    super(`render budget exceeded (${kind}): ${detail}, limit ${limit}`);
  }
}

const CLOCK_EVERY = 4096;

class Budget {
  private steps = 0;
  private built = 0;
  private frames = 0;
  private nextClock = CLOCK_EVERY;
  private readonly deadline: number;
  constructor(readonly limits: Readonly<RenderLimits>) {
    this.deadline = performance.now() + limits.timeMs;
  }
  step(n: number): void {
    this.steps += n;
    if (this.steps > this.limits.iterations) throw new RenderBudgetExceeded('iterations', this.limits.iterations, `${this.steps} work units`);
    if (this.steps >= this.nextClock) {
      this.nextClock = this.steps + CLOCK_EVERY;
      if (performance.now() > this.deadline) throw new RenderBudgetExceeded('time', this.limits.timeMs, 'rendering took too long (ms)');
    }
  }
  chars(total: number, added: number): void {
    if (total > this.limits.valueChars) throw new RenderBudgetExceeded('growth', this.limits.valueChars, `a string of ${total} characters`);
    this.built += added;
    if (this.built > this.limits.totalChars) throw new RenderBudgetExceeded('growth', this.limits.totalChars, `${this.built} characters built in all`);
    this.step(Math.ceil(added / 256));
  }
  items(n: number): void {
    if (n > this.limits.listItems) throw new RenderBudgetExceeded('growth', this.limits.listItems, `a list of ${n} items`);
    this.step(n);
  }
  output(total: number, added: number): void {
    if (total > this.limits.outputChars) throw new RenderBudgetExceeded('output', this.limits.outputChars, `${total} characters rendered`);
    this.built += added;
    if (this.built > this.limits.totalChars) throw new RenderBudgetExceeded('growth', this.limits.totalChars, `${this.built} characters built in all`);
    this.step(Math.ceil(added / 256));
  }
  enter(frames: number): void {
    this.frames += frames;
    if (this.frames > this.limits.depth) {
      this.frames -= frames;
      throw new RenderBudgetExceeded('depth', this.limits.depth, 'nested too deeply (frames)');
    }
  }
  leave(frames: number): void {
    this.frames -= frames;
  }
}

/** Outside a render: sizes and depth still bounded (no V8 abort), no time or work limit. */
const OUTSIDE = new Budget({ ...DEFAULT_LIMITS, timeMs: Infinity, iterations: Infinity });
let active: Budget = OUTSIDE;

/** Run `fn` (one render) under `limits`. Renders are synchronous, so one budget is active at a time. */
export function withBudget<T>(limits: Readonly<RenderLimits>, fn: () => T): T {
  const outer = active;
  active = new Budget(limits);
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** Charge `n` work units. */
export const work = (n = 1): void => active.step(n);
/** A string of `total` characters is about to be built, `added` of them new (default: all). */
export const growChars = (total: number, added = total): void => active.chars(total, added);
/** A list of `n` items is about to be built. */
export const growItems = (n: number): void => active.items(n);
/** Text a block emits is about to reach `total` characters, `added` of them new (default: all). */
export const growOutput = (total: number, added = total): void => active.output(total, added);

/** `fn` one level deeper (`frames` Python frames). */
export function deeper<T>(frames: number, fn: () => T): T {
  const b = active;
  b.enter(frames);
  try {
    return fn();
  } finally {
    b.leave(frames);
  }
}

/** A JS stack overflow or an allocation V8 refused, seen as the budget it stands for (null: another error). */
export function asBudgetError(err: unknown): RenderBudgetExceeded | null {
  if (err instanceof RenderBudgetExceeded) return err;
  if (!(err instanceof RangeError)) return null;
  if (/call stack/i.test(err.message)) return new RenderBudgetExceeded('depth', active.limits.depth, 'the JS stack ran out');
  if (/invalid (string|array|typed array) length|array buffer allocation/i.test(err.message)) return new RenderBudgetExceeded('growth', active.limits.valueChars, err.message);
  return null;
}
