// What the steady-state analysis reads from a run: one record per performance-
// tracked sample, in issue order. This is everything the reference script
// (endpoints scripts/steady_state_diagnostics.py, build_super_pass_series) keeps
// from the event log; any source that can fill it (the events.jsonl adapter in
// fromEvents.ts, later replay's sample table) feeds the same analysis.
//
// How the script derives each field from the events, in log order:
// - A sample opens at a `sample.issued` logged while performance tracking is on
//   (between session.start_ and session.stop_performance_tracking), with a
//   non-empty sample_uuid not already open. Its position among opened samples is
//   its issue order, which alone decides its super-pass. Samples issued before
//   tracking starts (warm-up) or after it stops are not opened.
// - A later tracked `sample.issued` for an open uuid is a retry: it moves the
//   issue time used for TTFT, and nothing else (not firstIssueNs, not lastEventNs).
// - `sample.recv_first` for an open uuid raises lastEventNs; the first one sets
//   TTFT = its timestamp − the issue time in effect (retries' later recv_first add nothing).
// - `sample.complete` for an open uuid closes it (the uuid may then open a new
//   sample) and raises lastEventNs. If the sample had a first token and its output
//   text after the first chunk is non-empty, the complete yields a decode: the span
//   complete − first recv_first and that text's token count.
// recv_first and complete count whether or not tracking is still on; errors and
// recv_non_first are not read. A sample never completed keeps its issue and TTFT.

export interface SampleDecode {
  /** complete − first recv_first, ns, as a float (the TPOT numerator). */
  spanNs: number;
  /** Tokens of the output after its first chunk, add_special_tokens = false (0 gives no TPOT). */
  tokens: number;
  /** Order of this sample's complete among all decodes: TPOTs are appended in completion order. */
  completionRank: number;
}

export interface SteadySample {
  /** Timestamp of the sample.issued that opened the sample. */
  firstIssueNs: bigint;
  /** Latest of that issued, every recv_first while open, and the closing complete. */
  lastEventNs: bigint;
  /** First recv_first − issue time then in effect, ns, as a float; null without a first token. */
  ttftNs: number | null;
  decode: SampleDecode | null;
}

export interface SteadyStateInput {
  /** In issue order. */
  samples: readonly SteadySample[];
}
