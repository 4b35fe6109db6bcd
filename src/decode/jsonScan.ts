// Raw-text views of already-validated JSON: the spans of one container's
// members, so callers can read numbers exactly as written (integer vs float,
// digits beyond 2^53). Input must be valid JSON (JSON.parse succeeded).

const STRING_END = /["\\]/g;

/** Index just past the string literal that opens at `start` (a quote). */
function skipString(text: string, start: number): number {
  STRING_END.lastIndex = start + 1;
  for (;;) {
    const m = STRING_END.exec(text);
    if (!m) return text.length;
    if (m[0] === '"') return m.index + 1;
    STRING_END.lastIndex = m.index + 2; // skip the escaped character
  }
}

/** Index just past the value that starts at `start` (no leading whitespace). */
function skipValue(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === 0x22) return skipString(text, start);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i = skipString(text, i);
        continue;
      }
      if (ch === 0x7b || ch === 0x5b) depth++;
      else if (ch === 0x7d || ch === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  let i = start;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2c || ch === 0x7d || ch === 0x5d || ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) break;
    i++;
  }
  return i;
}

function skipWs(text: string, i: number): number {
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch !== 0x20 && ch !== 0x09 && ch !== 0x0a && ch !== 0x0d) break;
    i++;
  }
  return i;
}

/** Top-level object members: key -> raw value text (last duplicate wins, as in JSON.parse). */
export function scanObjectMembers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = skipWs(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return out;
  i = skipWs(text, i + 1);
  while (i < text.length && text.charCodeAt(i) !== 0x7d) {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // ':'
    const valueEnd = skipValue(text, i);
    out.set(key, text.slice(i, valueEnd));
    i = skipWs(text, valueEnd);
    if (text.charCodeAt(i) === 0x2c) i = skipWs(text, i + 1);
  }
  return out;
}

/** Elements of the array whose raw text is `text`, as raw texts. */
export function scanArrayElements(text: string): string[] {
  const out: string[] = [];
  let i = skipWs(text, 0);
  if (text.charCodeAt(i) !== 0x5b) return out;
  i = skipWs(text, i + 1);
  while (i < text.length && text.charCodeAt(i) !== 0x5d) {
    const end = skipValue(text, i);
    out.push(text.slice(i, end));
    i = skipWs(text, end);
    if (text.charCodeAt(i) === 0x2c) i = skipWs(text, i + 1);
  }
  return out;
}

/** Whether the raw JSON `text` nests containers more than `limit` deep (strings skipped; one linear pass). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = skipString(text, i) - 1;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
