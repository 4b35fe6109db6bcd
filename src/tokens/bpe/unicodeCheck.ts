// The code points whose character classes the JS regex engine and the native
// binding's Oniguruma disagree on. Their Unicode tables differ in version:
// Node 20.20 knows Unicode 17, the binding an older release, so characters
// assigned since are letters or marks here and unassigned there. A text holding
// any of them is counted by the native binding instead (BpeTextCounter).
//
// Found by asking the binding itself: for every class a translated pattern can
// use, a Split pre-tokenizer removes the class from a string of every assigned
// code point, and the JS translation does the same; where the two leftovers
// differ, so do the engines. NFC (Qwen's normalizer) is compared the same way.
// Every code point JS sees as unassigned is in the set too (the binding may be
// the newer one). About two seconds, so the result is kept in the user's cache
// directory, keyed by both engines' versions and the translations.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomic } from '../../base/atomic.js';
import { CLASSES, translate } from './pattern.js';

const require = createRequire(import.meta.url);

/** Characters new since the older of the two Unicode versions: always counted natively (normalization may differ too). */
const UNASSIGNED = '\\p{Cn}';

interface PreTokenizer {
  preTokenizeString(text: string): Array<[string, [number, number]]>;
}
interface NativeModule {
  Tokenizer: { fromString(json: string): { getPreTokenizer(): PreTokenizer | null } };
  nfcNormalizer(): { normalizeString(text: string): string };
}

/** How the table names NFC (normalization tables have their own Unicode version). */
export const NFC = 'NFC';

/** Every code point JS sees as assigned, except private use (the same class in any version), as one string. */
function assignedCodePoints(): string {
  const units = new Uint16Array(2 * 0x110000);
  let n = 0;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (cp < 0x10000) units[n++] = cp;
    else {
      units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    }
  }
  return new TextDecoder('utf-16le').decode(units.subarray(0, n)).replace(/[\p{Cn}\p{Co}]+/gu, '');
}

/** What the native binding leaves of `text` once every run of `pattern` is removed. */
function nativeRemove(native: NativeModule, pattern: string, text: string): string {
  const json = {
    version: '1.0',
    model: { type: 'BPE', vocab: {}, merges: [] },
    pre_tokenizer: { type: 'Split', pattern: { Regex: `(?:${pattern})+` }, behavior: 'Removed', invert: false },
  };
  const pieces = native.Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer()!.preTokenizeString(text);
  return pieces.map((p) => p[0]).join('');
}

/** Code points of `all` (each once, in order) kept by exactly one of the two subsequences a and b. */
function symmetricDifference(all: string, a: string, b: string, into: Set<number>): void {
  let i = 0;
  let j = 0;
  for (const ch of all) {
    const inA = a.startsWith(ch, i);
    const inB = b.startsWith(ch, j);
    if (inA) i += ch.length;
    if (inB) j += ch.length;
    if (inA !== inB) into.add(ch.codePointAt(0)!);
  }
}

/** Probes the binding (see the header): for each of CLASSES, the sorted code points read differently. */
export function probeDisagreements(): Record<string, number[]> {
  const native = require('tokenizers') as NativeModule;
  const all = assignedCodePoints();
  const out: Record<string, number[]> = {};
  for (const probe of CLASSES) {
    const js = all.replace(new RegExp(`(?:${translate(probe).js})+`, 'gu'), '');
    const nat = nativeRemove(native, probe, all);
    const differ = new Set<number>();
    if (js !== nat) symmetricDifference(all, nat, js, differ);
    out[probe] = [...differ].sort((x, y) => x - y);
  }
  out[NFC] = nfcDisagreements(native, all);
  return out;
}

/**
 * Code points whose NFC differs: each character alone and its canonical
 * decomposition (where composition tables differ), compared in chunks and then
 * one by one. A differing form marks every code point in it.
 */
function nfcDisagreements(native: NativeModule, all: string): number[] {
  const nfc = native.nfcNormalizer();
  const forms: string[] = [];
  for (const ch of all) {
    forms.push(ch);
    const d = ch.normalize('NFD');
    if (d !== ch) forms.push(d);
  }
  const differ = new Set<number>();
  const CHUNK = 2048;
  for (let i = 0; i < forms.length; i += CHUNK) {
    const chunk = forms.slice(i, i + CHUNK);
    const text = chunk.join('\n');
    if (nfc.normalizeString(text) === text.normalize('NFC')) continue;
    for (const f of chunk) if (nfc.normalizeString(f) !== f.normalize('NFC')) for (const ch of f) differ.add(ch.codePointAt(0)!);
  }
  return [...differ].sort((x, y) => x - y);
}

/**
 * The code that decides what a probe finds, in the key: this file and pattern.ts
 * (the translations; it imports nothing), as they run here (.js built, .ts under
 * vitest). Any change to them probes again. Hashing their text costs well under a
 * millisecond, where translating every class to hash the result cost ~0.15 s.
 */
function codeHash(): string {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const hash = createHash('sha256');
  for (const file of [here, join(dirname(here), `pattern${ext}`)]) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

function cacheFile(): string {
  const binding = (require('tokenizers/package.json') as { version: string }).version;
  const key = `tokenizers-${binding}-unicode-${process.versions.unicode}-icu-${process.versions.icu}-${codeHash()}`;
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'replay', `unicode-check-${key}.json`);
}

let cached: Record<string, number[]> | null = null;

function disagreements(): Record<string, number[]> {
  if (cached) return cached;
  const file = cacheFile();
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[]>;
    if ([...CLASSES, NFC].every((c) => Array.isArray(cached![c]))) return cached;
  } catch {
    // Not probed on this machine yet, or unreadable: probe.
  }
  const probed = probeDisagreements();
  cached = probed;
  try {
    writeAtomic(file, JSON.stringify(probed));
  } catch {
    // An unwritable cache only costs the probe again next time.
  }
  return probed;
}

/**
 * A pattern matching any code point that must be counted natively for patterns
 * using `classes`: what the engines read differently in them, the characters one
 * of them does not know, and whatever JS sees as unassigned.
 */
export function nativeOnlyCodePoints(classes: Iterable<string>): CodePointClass {
  const table = disagreements();
  const points = new Set<number>(table[UNASSIGNED]);
  for (const c of classes) for (const cp of table[c] ?? []) points.add(cp);
  return new CodePointClass(`[\\p{Cn}${ranges([...points].sort((x, y) => x - y))}]`);
}

/**
 * A character class (`[...]`, read with the u flag) tested against whole texts. The regex engine
 * tests every position against the class's ranges (~12 ns a character for the class above); a
 * code unit below the class's lowest one cannot start a match, so test skips those first (~2 ns).
 */
export class CodePointClass {
  private readonly pattern: RegExp;
  /** No code unit below this is part of a match: the lowest code point's own unit, or a high surrogate's. */
  private readonly below: number;

  constructor(source: string) {
    const one = new RegExp(`^${source}$`, 'u');
    let lowest = 0;
    while (lowest < 0xd800 && !one.test(String.fromCharCode(lowest))) lowest++;
    this.below = lowest;
    this.pattern = new RegExp(source, 'gu');
  }

  /** Whether `text` (well formed) holds a code point of the class. */
  test(text: string): boolean {
    const below = this.below;
    let i = 0;
    while (i < text.length && text.charCodeAt(i) < below) i++;
    if (i === text.length) return false;
    this.pattern.lastIndex = i;
    return this.pattern.test(text);
  }
}

/** Sorted code points as the body of a character class, runs as ranges. */
function ranges(points: readonly number[]): string {
  const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;
  let out = '';
  for (let i = 0; i < points.length; ) {
    let j = i;
    while (j + 1 < points.length && points[j + 1] === points[j]! + 1) j++;
    out += j > i ? `${hex(points[i]!)}-${hex(points[j]!)}` : hex(points[i]!);
    i = j + 1;
  }
  return out;
}
