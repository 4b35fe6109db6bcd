// A tokenizer.json is checked for size before any backend loads it: a vocabulary
// or merge list far beyond any real model's (a downloaded file may be hostile)
// would make every worker allocate gigabytes. One pass over the bytes, no
// allocation per entry: the members of model.vocab, model.merges and
// added_tokens are counted, and nesting is capped.
import { statSync } from 'node:fs';
import { readBounded } from '../base/files.js';
import { ReplayError } from '../base/errors.js';

/** Far above real tokenizers (the largest shipped vocabularies are ~260k entries). */
export const TOKENIZER_BOUNDS = { vocab: 2_000_000, merges: 4_000_000, added_tokens: 1_000_000, depth: 256 } as const;

type Counted = 'vocab' | 'merges' | 'added_tokens';

interface Frame {
  object: boolean;
  /** Key of the member being read (objects), null before a key. */
  key: string | null;
  /** Which counted list this container is, if any. */
  counted: Counted | null;
  /** Members seen so far (counted lists only). */
  members: number;
  /** Path from the root: 'model' for the model object. */
  path: string;
}

const HINT = 'is this a real tokenizer.json? replay refuses tokenizers far larger than any real model to keep memory bounded';

/** Index of the quote closing the string that opens at `at` (n when it never closes): a native search per quote. */
function closingQuote(buf: Buffer, at: number): number {
  for (let q = buf.indexOf(0x22, at + 1); q !== -1; q = buf.indexOf(0x22, q + 1)) {
    let slashes = 0;
    while (buf[q - 1 - slashes] === 0x5c) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return buf.length;
}

/** Files already checked in this process, by identity and version: the check is not repeated per run. */
const checked = new Set<string>();

/** Throws a one-line error when `path`'s counted lists or nesting exceed TOKENIZER_BOUNDS. */
export function checkTokenizerBounds(path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  const id = st?.isFile() ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}` : null;
  if (id !== null && checked.has(id)) return;
  scan(path);
  if (id !== null) checked.add(id);
}

function scan(path: string): void {
  const buf = readBounded(path, 'tokenizer.json');
  const stack: Frame[] = [];
  const n = buf.length;
  let i = 0;
  const top = (): Frame | undefined => stack[stack.length - 1];
  /** A value starts in the current container: count it, once per member. */
  const valueStarts = (): void => {
    const f = top();
    if (f?.counted) {
      f.members++;
      if (f.members > TOKENIZER_BOUNDS[f.counted]) {
        const where = f.counted === 'added_tokens' ? 'added_tokens' : `model.${f.counted}`;
        throw new ReplayError(`${path}: ${where} has more than ${TOKENIZER_BOUNDS[f.counted].toLocaleString('en-US')} entries; not loaded`, HINT);
      }
    }
  };
  while (i < n) {
    const c = buf[i]!;
    if (c === 0x22) {
      const from = i + 1;
      i = closingQuote(buf, i);
      const f = top();
      if (f?.object && f.key === null) {
        // A key: read only where it names model/vocab/merges/added_tokens (the two outer levels).
        f.key = stack.length <= 2 && i - from <= 16 ? buf.toString('latin1', from, i) : '';
      } else valueStarts();
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      valueStarts();
      const parent = top();
      const key = parent?.object ? (parent.key ?? '') : '';
      const path2 = parent ? (parent.path === '' ? key : `${parent.path}.${key}`) : '';
      const counted: Counted | null = path2 === 'model.vocab' ? 'vocab' : path2 === 'model.merges' ? 'merges' : path2 === 'added_tokens' ? 'added_tokens' : null;
      stack.push({ object: c === 0x7b, key: null, counted, members: 0, path: parent ? path2 : '' });
      if (stack.length > TOKENIZER_BOUNDS.depth) throw new ReplayError(`${path}: nested more than ${TOKENIZER_BOUNDS.depth} levels deep; not loaded`, HINT);
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
      continue;
    }
    if (c === 0x2c) {
      const f = top();
      if (f?.object) f.key = null;
      i++;
      continue;
    }
    if (c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    // A number, true, false or null: one value.
    valueStarts();
    while (i < n) {
      const d = buf[i]!;
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      i++;
    }
  }
}
