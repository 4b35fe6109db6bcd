// Text from files replay reads (log lines, ids, error messages, paths) reaches
// the terminal only through this: control characters (ESC, OSC, BEL, CR, ...)
// are shown escaped, so a hostile log cannot move the cursor, retitle the
// window or hide a line.

/** C0 and C1 controls and DEL, except none: every one is escaped. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `s` with each control character as a visible escape: \x1b, \r, \n, \t, \u009b. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default: {
        const code = c.charCodeAt(0);
        return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
      }
    }
  });
}
