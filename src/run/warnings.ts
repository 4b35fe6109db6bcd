// What the replay saw that the user must hear of: damaged or missing parts of
// the log, inputs not counted. Each a counted, one-line warning (pure).
import type { ReplayDiagnostics } from '../pipeline/replay.js';

/** `events`: the log's path as given; `duplicateStarts`: session.started events after the first. */
export function replayWarnings(events: string, diag: ReplayDiagnostics, duplicateStarts: number): string[] {
  const warnings: string[] = [];
  if (diag.corruptLines > 0) {
    const shown = diag.corruptExamples.map((c) => `line ${c.line}: ${c.reason}`).join('; ');
    warnings.push(`${events}: ${diag.corruptLines} line(s) skipped as undecodable (${shown}${diag.corruptLines > diag.corruptExamples.length ? '; …' : ''})`);
  }
  if (!diag.reachedEnded) warnings.push(`${events}: the log ends before session.ended (killed run?) — replayed every logged event; state "interrupted", complete false`);
  if (diag.linesAfterEnded > 0) warnings.push(`${diag.linesAfterEnded} line(s) after session.ended ignored, as the reference does`);
  for (const [note, n] of Object.entries(diag.countNotes)) warnings.push(`${n} tokenization input(s): ${note}`);
  const pending = notCounted(diag);
  if (pending > 0) warnings.push(`${pending} tokenization(s) not counted: summary marked complete: false`);
  if (duplicateStarts > 0) warnings.push(`${duplicateStarts} duplicate session.started event(s) ignored`);
  return warnings;
}

/** Tokenizations issued that produced no count. */
export function notCounted(diag: ReplayDiagnostics): number {
  return diag.tokenJobs - diag.tokenJobsCounted;
}
