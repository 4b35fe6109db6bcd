// The commands, as scripts and embedders call them.
export { recompute, type RecomputeOptions, type RecomputeResult } from './recompute.js';
export { checkTokenizer, runCheckTokenizer, runTexts } from './checkTokenizer.js';
export { analysesFiles, prepareAnalyses, writeAnalyses, type AnalysesFlags } from './analyses.js';
export { runSteadyState, steadyStateCommand, steadyStateWith } from './steadyState.js';
