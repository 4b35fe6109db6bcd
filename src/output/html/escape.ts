// Escaping for everything a page shows that came from a file: one helper for
// text and attribute values, one for JSON placed inside a <script> element.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `value` as HTML text or a quoted attribute value: nothing in it can open a tag, end an attribute or start an entity. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * `value` as JSON safe inside a <script type="application/json"> element: `<`, `>`
 * and `&` as \u escapes (so no `</script>` or `<!--` can end or bend the element),
 * and U+2028/U+2029 too. JSON.parse of the element's text gives `value` back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
