// The native binding receives strings as UTF-8 (napi converts them), so a lone
// surrogate arrives as U+FFFD. Other counters do the same, so all agree.
export function toWellFormed(text: string): string {
  const s = text as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  if (typeof s.toWellFormed === 'function') return s.isWellFormed!() ? text : s.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
