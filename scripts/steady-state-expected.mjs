#!/usr/bin/env node
// Writes fixtures/steady-state/<case>.json.gz: what the endpoints steady-state script
// (run by scripts/steady_state_reference.py with replay's token counter) printed and
// wrote for each case of scripts/steady-state-cases.mjs, with the SHA-256 of the
// generated log it read. test/analyze/steadyStateDiff.test.ts compares replay's port
// with these, and with the script run live where it is available.
//
//   node scripts/steady-state-expected.mjs [--work DIR]   (needs `npm run build`, python3, the script)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CASES, FIXTURES, caseLog, referenceScript, runReference } from './steady-state-cases.mjs';

const i = process.argv.indexOf('--work');
const work = i > 0 ? process.argv[i + 1] : join(tmpdir(), 'steady-state-expected');
mkdirSync(work, { recursive: true });
const script = referenceScript(work);
if (!script) {
  process.stderr.write('steady-state-expected: the reference script is not here; set STEADY_STATE_SCRIPT=path/to/steady_state_diagnostics.py\n');
  process.exit(2);
}
mkdirSync(FIXTURES, { recursive: true });
for (const c of CASES) {
  const events = await caseLog(work, c.log);
  const jsonOut = join(work, `${c.name}.json`);
  const { text } = await runReference(script, events, c.args, { jsonOut });
  const record = {
    case: c.name,
    log_sha256: createHash('sha256').update(readFileSync(events)).digest('hex'),
    json: readFileSync(jsonOut, 'utf8'),
    text,
  };
  writeFileSync(join(FIXTURES, `${c.name}.json.gz`), gzipSync(JSON.stringify(record), { level: 9 }));
  process.stderr.write(`${c.name}: ${record.json.length} bytes of JSON\n`);
}
