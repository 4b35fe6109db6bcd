// The catalogue of result_summary.json's metrics: each one's key, the names a
// reader sees, its unit and which way is better. Summary building, the text
// display, the HTML report, the notebook's charts, rescue and compare all name
// metrics from here, so a metric is titled and scaled the same everywhere.

/** latency: a per-sample time series in ns; count: a per-sample token series or a count of samples; rate: per second; duration: ns. */
export type MetricKind = 'latency' | 'count' | 'rate' | 'duration';

export interface Metric<K extends string = string> {
  /** The key in result_summary.json. */
  key: K;
  /** As the reference's report.txt heads its section (Report.display). */
  title: string;
  /** Short name, for table rows and chart titles. */
  short: string;
  /** The unit shown, after `scale` is applied. */
  unit: string;
  /** Factor from the summary's stored value to `unit` (ns to ms: 1e-6). */
  scale: number;
  /** Which way is better; null for the workload's shape (sequence lengths, samples issued, durations). */
  better: 'lower' | 'higher' | null;
  kind: MetricKind;
}

export type SeriesKey = 'ttft' | 'tpot' | 'latency' | 'input_sequence_lengths' | 'output_sequence_lengths';

/**
 * The per-sample series, each summarized as {total, min, max, median, avg,
 * std_dev, percentiles, histogram} (stats/series.ts), in report.txt's order.
 */
export const SERIES_METRICS: readonly Metric<SeriesKey>[] = [
  /** Time to first token: the sample's first recv_first − its issue time (streaming runs only). */
  { key: 'ttft', title: 'TTFT', short: 'TTFT', unit: 'ms', scale: 1e-6, better: 'lower', kind: 'latency' },
  /**
   * Time per output token: (complete − first chunk) / tokens after the first
   * chunk (stats/tpot.ts tpotNs); streaming runs with a tokenizer only.
   */
  { key: 'tpot', title: 'TPOT', short: 'TPOT', unit: 'ms', scale: 1e-6, better: 'lower', kind: 'latency' },
  /** Request latency: complete − issue time, every completed sample. */
  { key: 'latency', title: 'Latency', short: 'Latency', unit: 'ms', scale: 1e-6, better: 'lower', kind: 'latency' },
  /** Input sequence length: prompt tokens, as the tokenizer counts the prompt (or its token ids). */
  { key: 'input_sequence_lengths', title: 'Input sequence lengths', short: 'ISL', unit: 'tokens', scale: 1, better: null, kind: 'count' },
  /** Output sequence length: tokens of the whole generated output (first chunk + the rest). */
  { key: 'output_sequence_lengths', title: 'Output sequence lengths', short: 'OSL', unit: 'tokens', scale: 1, better: null, kind: 'count' },
];

/** The series keys of the latency kind (ns), whose fields display in ms. */
export const TIME_SERIES_KEYS: readonly SeriesKey[] = SERIES_METRICS.filter((m) => m.kind === 'latency').map((m) => m.key);

export type ScalarKey = 'n_samples_issued' | 'n_samples_completed' | 'n_samples_failed' | 'duration_ns' | 'legacy_loadgen_window_duration_ns' | 'qps' | 'tps';

/** The run's top-level numbers. */
export const SCALAR_METRICS: readonly Metric<ScalarKey>[] = [
  /** Tracked samples issued (sample.issued inside the tracked window). */
  { key: 'n_samples_issued', title: 'Total samples issued', short: 'samples issued', unit: '', scale: 1, better: null, kind: 'count' },
  /** Tracked samples that completed, with or without an error. */
  { key: 'n_samples_completed', title: 'Total samples completed', short: 'samples completed', unit: '', scale: 1, better: 'higher', kind: 'count' },
  /** Tracked samples that ended in an error. */
  { key: 'n_samples_failed', title: 'Total samples failed', short: 'samples failed', unit: '', scale: 1, better: 'lower', kind: 'count' },
  /** The tracked window: first tracked issue to the last tracked event, ns. */
  { key: 'duration_ns', title: 'Duration', short: 'duration', unit: 's', scale: 1e-9, better: null, kind: 'duration' },
  /** LoadGen's legacy window (poisson runs that ask for it): first to last completion, ns. */
  { key: 'legacy_loadgen_window_duration_ns', title: 'Legacy LoadGen window', short: 'legacy window', unit: 's', scale: 1e-9, better: null, kind: 'duration' },
  /** Completed samples per second of the duration (legacy window: (completed − 1) / window). */
  { key: 'qps', title: 'QPS', short: 'QPS', unit: '', scale: 1, better: 'higher', kind: 'rate' },
  /** Output tokens (the OSL total) per second of the same duration. */
  { key: 'tps', title: 'TPS', short: 'TPS', unit: 'tok/s', scale: 1, better: 'higher', kind: 'rate' },
];

const BY_KEY = new Map<string, Metric>([...SERIES_METRICS, ...SCALAR_METRICS].map((m) => [m.key, m]));

/** The catalogue entry of a summary key. */
export function metric(key: SeriesKey | ScalarKey): Metric {
  return BY_KEY.get(key)!;
}
