// analyze's public entry point: the after-the-run analyses over a run's requests.
export { requestsFromSampleTable } from './fromSampleTable.js';
export { durationFromSummary, requestsFromRows, type Requests } from './requests.js';
export { analyzeSlo, parseSloSpec, sloJson } from './slo.js';
export { checkMlperf, mlperfJson, parseMlperfFlag } from './mlperf.js';
export { renderMetrics, p99Json } from './openmetrics.js';
export { sortInPlace, sortedCopy } from './sort.js';
