// A generated log (scripts/gen-log.mjs) damaged at a fixed period: after every
// `every`-th line one damaged line (bad JSON, invalid UTF-8, a timestamp beyond
// 2^63, a blank line, then `extraDamage`, in turn), and a CR before the line
// end of the line `crAt` into each period (a CRLF line).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, type GenerateOptions } from '../../scripts/gen-log.mjs';

export const DAMAGED_LINES = [
  'not json at all',
  '\xff\xfe{}',
  '{"event_type":"sample.recv_non_first","timestamp_ns":99999999999999999999,"sample_uuid":"u","conversation_id":"","turn":null,"data":null}',
  '',
];

export interface DamagedLogOptions {
  /** Prefix of the temp directory. */
  prefix: string;
  /** gen-log's options (samples, seed, shape ...); `out` is set here. */
  generate: Omit<GenerateOptions, 'out'>;
  every: number;
  crAt: number;
  extraDamage?: string[];
}

/** Writes the damaged log to a new temp directory; returns its path (…/events.jsonl). */
export async function writeDamagedLog(o: DamagedLogOptions): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  const clean = join(dir, 'clean.jsonl');
  await generate({ ...o.generate, out: clean });
  const lines = readFileSync(clean).toString('latin1').split('\n');
  const damage = [...DAMAGED_LINES, ...(o.extraDamage ?? [])];
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(i % o.every === o.crAt ? `${l}\r` : l);
    if (i % o.every === 0 && i > 0) out.push(damage[(i / o.every) % damage.length]!);
  });
  const log = join(dir, 'events.jsonl');
  writeFileSync(log, Buffer.from(out.join('\n'), 'latin1'));
  return log;
}
