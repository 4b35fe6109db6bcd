// tokens' public entry point: finding and loading a tokenizer, and the counters built on it.
export { compileBpeCounter } from './bpe/counter.js';
export { InProcessCounter } from './inProcess.js';
export { defaultWorkers, TokenizerPool } from './pool/pool.js';
export { tokenizerFromName, tokenizerFromPath, type TokenizerFiles } from './resolve.js';
export { loadTokenizer } from './tokenizer.js';
