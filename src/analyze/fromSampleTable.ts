// Requests from replay's sample table: its tracked rows (block >= 0), the
// samples the summary counts, in table order. The only module of the analyses
// that knows the table's columns.
import type { SampleTable } from '../aggregate/sampleTable.js';
import { allocRequests, type Requests } from './requests.js';

export function requestsFromSampleTable(table: SampleTable, baseNs: bigint): Requests {
  const rows: number[] = [];
  for (let i = 0; i < table.length; i++) if (table.tracked(i)) rows.push(i);
  let inexact = 0;
  const relative = (t: bigint | null): number => {
    if (t === null) return NaN;
    const d = Number(t - baseNs);
    if (!Number.isSafeInteger(d)) inexact++;
    return d;
  };
  const r = allocRequests(rows.length, baseNs);
  rows.forEach((row, k) => {
    r.issuedNs[k] = relative(table.issuedNs.get(row));
    r.firstChunkNs[k] = relative(table.firstChunkNs.get(row));
    r.completeNs[k] = relative(table.completeNs.get(row));
    r.ttftNs[k] = table.ttftNs.get(row) ?? NaN;
    r.latencyNs[k] = table.latencyNs.get(row) ?? NaN;
    r.tpotNs[k] = table.tpotNs.get(row) ?? NaN;
    r.isl[k] = table.isl.get(row) ?? -1;
    r.osl[k] = table.osl.get(row) ?? -1;
    r.tokensAfterFirst[k] = table.tokensAfterFirst.get(row) ?? -1;
    r.failed[k] = table.errorType.isNull(row) ? 0 : 1;
    r.finishReason[k] = table.finishReason.get(row);
  });
  return { ...r, inexactTimes: inexact };
}
