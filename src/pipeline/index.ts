// pipeline's public entry point: a log replayed through the aggregator and counter.
export { replayLog, type DecodedSource, type ReplayDiagnostics, type ReplayOptions, type ReplayResult } from './replay.js';
