// aggregate's public entry point: the aggregator and the texts it counts for OSL and TPOT.
export { Aggregator } from './aggregator.js';
export { oslInput, tpotInput } from './outputParts.js';
export { SampleTable } from './sampleTable.js';
