// read's public entry point: lines of a log, whole or by line-aligned byte range.
export { Line, MAX_LINE_BYTES, readLines } from './lines.js';
export { openLog, splittable } from './open.js';
export { openRange, splitRanges, type ByteRange } from './ranges.js';
