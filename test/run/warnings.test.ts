// The replay's warnings from its diagnostics (pure), each expected line written by hand.
import { describe, expect, it } from 'vitest';
import type { ReplayDiagnostics } from '../../src/pipeline/replay.js';
import { notCounted, replayWarnings } from '../../src/run/warnings.js';

const clean: ReplayDiagnostics = {
  linesRead: 10, bytesRead: 1000, eventsReplayed: 10, corruptLines: 0, corruptExamples: [], linesAfterEnded: 0,
  reachedEnded: true, tokenJobs: 4, tokenJobsCounted: 4, tokensCounted: 40, promptsReused: 0, countNotes: {},
};

describe('replayWarnings', () => {
  it('says nothing of a clean log', () => {
    expect(replayWarnings('run/events.jsonl', clean, 0)).toEqual([]);
  });
  it('names each problem once, with its count, in a fixed order', () => {
    const diag: ReplayDiagnostics = {
      ...clean, corruptLines: 3, corruptExamples: [{ line: 2, reason: 'not JSON' }, { line: 5, reason: 'unknown event' }],
      reachedEnded: false, linesAfterEnded: 1, tokenJobsCounted: 2, countNotes: { 'no chat template': 2 },
    };
    expect(notCounted(diag)).toBe(2);
    expect(replayWarnings('run/events.jsonl', diag, 1)).toEqual([
      'run/events.jsonl: 3 line(s) skipped as undecodable (line 2: not JSON; line 5: unknown event; …)',
      'run/events.jsonl: the log ends before session.ended (killed run?) — replayed every logged event; state "interrupted", complete false',
      '1 line(s) after session.ended ignored, as the reference does',
      '2 tokenization input(s): no chat template',
      '2 tokenization(s) not counted: summary marked complete: false',
      '1 duplicate session.started event(s) ignored',
    ]);
  });
});
