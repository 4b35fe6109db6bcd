// The per-request input of the after-the-run analyses: one row per tracked
// sample (issued inside a performance-tracking window, the samples the summary
// counts), columnar so a million-sample run costs ~90 bytes a row.
//
// Times are ns since `baseNs` (an absolute log timestamp), as doubles: exact
// integers below 2^53 ns (104 days), which a relative time of a real run is;
// `inexactTimes` counts those that were not (damaged logs). NaN: the event never
// came. Token counts are -1 when not counted.

export interface Requests {
  readonly n: number;
  /** Absolute log timestamp (ns) the relative times count from: session.started, else the first issue. */
  readonly baseNs: bigint;
  readonly issuedNs: Float64Array;
  readonly firstChunkNs: Float64Array;
  readonly completeNs: Float64Array;
  /** TTFT, latency and TPOT as the summary's series hold them (TPOT: (complete − first chunk) / tokens after the first chunk). */
  readonly ttftNs: Float64Array;
  readonly latencyNs: Float64Array;
  readonly tpotNs: Float64Array;
  readonly isl: Int32Array;
  readonly osl: Int32Array;
  /** Tokens after the first chunk: the TPOT denominator (-1 when the output had none or was not counted). */
  readonly tokensAfterFirst: Int32Array;
  /** 1 when an error event came for the request (the summary's n_samples_failed counts these). */
  readonly failed: Uint8Array;
  readonly finishReason: ReadonlyArray<string | null>;
  readonly inexactTimes: number;
}

/** The duration the summary divides QPS/TPS by (`duration_ns`, or the legacy LoadGen window when that was used). */
export interface RunDuration {
  ns: bigint | null;
  source: 'tracked' | 'legacy_loadgen_window';
}

/** The summary's own choice of duration, read from its fields. */
export function durationFromSummary(summary: { duration_ns?: unknown; legacy_loadgen_window_duration_ns?: unknown }): RunDuration {
  const legacy = summary.legacy_loadgen_window_duration_ns;
  if (typeof legacy === 'bigint' && legacy > 0n) return { ns: legacy, source: 'legacy_loadgen_window' };
  const tracked = summary.duration_ns;
  return { ns: typeof tracked === 'bigint' && tracked > 0n ? tracked : null, source: 'tracked' };
}

export const isPresent = (x: number): boolean => x === x;

/** Completed (a sample.complete came) and no error event: vLLM's "successful" request. */
export function succeeded(r: Requests, i: number): boolean {
  return isPresent(r.completeNs[i]!) && r.failed[i] === 0;
}

/** One request written out, for building small inputs by hand (absent fields: never happened / not counted). */
export interface RequestRow {
  issuedNs?: number;
  firstChunkNs?: number;
  completeNs?: number;
  ttftNs?: number;
  latencyNs?: number;
  tpotNs?: number;
  isl?: number;
  osl?: number;
  tokensAfterFirst?: number;
  failed?: boolean;
  finishReason?: string;
}

/** Empty columns for n requests (times NaN, counts -1). */
export function allocRequests(n: number, baseNs: bigint, inexactTimes = 0): Requests & { finishReason: Array<string | null> } {
  const times = (): Float64Array => new Float64Array(n).fill(NaN);
  const counts = (): Int32Array => new Int32Array(n).fill(-1);
  return {
    n,
    baseNs,
    issuedNs: times(),
    firstChunkNs: times(),
    completeNs: times(),
    ttftNs: times(),
    latencyNs: times(),
    tpotNs: times(),
    isl: counts(),
    osl: counts(),
    tokensAfterFirst: counts(),
    failed: new Uint8Array(n),
    finishReason: new Array<string | null>(n).fill(null),
    inexactTimes,
  };
}

export function requestsFromRows(rows: readonly RequestRow[], baseNs = 0n): Requests {
  const r = allocRequests(rows.length, baseNs);
  rows.forEach((row, i) => {
    const set = (col: Float64Array | Int32Array, v: number | undefined): void => {
      if (v !== undefined) col[i] = v;
    };
    set(r.issuedNs, row.issuedNs);
    set(r.firstChunkNs, row.firstChunkNs);
    set(r.completeNs, row.completeNs);
    set(r.ttftNs, row.ttftNs);
    set(r.latencyNs, row.latencyNs);
    set(r.tpotNs, row.tpotNs);
    set(r.isl, row.isl);
    set(r.osl, row.osl);
    set(r.tokensAfterFirst, row.tokensAfterFirst);
    r.failed[i] = row.failed ? 1 : 0;
    r.finishReason[i] = row.finishReason ?? null;
  });
  return r;
}
