// decode's public entry point: a log line to an event record, on this thread or on decode threads.
export { decodeLine, decodeLogLine, type DecodeResult } from './events.js';
export { DecodeThreads, defaultDecodeThreads } from './parallel.js';
