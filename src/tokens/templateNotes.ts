// The count notes an input gets when its chat template did not render (it is
// then counted as plain text), and their tally for the manifest. Apart from
// chatTemplate.ts so the manifest reads them without loading the renderer.

const FAILED_PREFIX = 'chat template failed (';
const BUDGET_PREFIX = 'chat template over its render budget (';

/** Note of an input whose template raised; `errorName` is the Python exception's type. */
export const templateFailedNote = (errorName: string): string => `${FAILED_PREFIX}${errorName}): counted as plain text, as the reference does`;
/** Note of an input whose render went over its budget of `kind` (time, output, ...). */
export const templateBudgetNote = (kind: string): string => `${BUDGET_PREFIX}${kind}): counted as plain text, as a failed render is`;

/** The manifest's template_fallbacks: inputs counted through the plain-text fallback, by why (error, budget_time, budget_output, ...). */
export function templateFallbacks(notes: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { error: 0 };
  for (const [note, n] of Object.entries(notes)) {
    if (note.startsWith(FAILED_PREFIX)) out['error']! += n;
    else if (note.startsWith(BUDGET_PREFIX)) {
      const kind = `budget_${note.slice(BUDGET_PREFIX.length, note.indexOf(')'))}`;
      out[kind] = (out[kind] ?? 0) + n;
    }
  }
  return out;
}
