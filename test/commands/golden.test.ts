// Every golden case (made by the reference code itself) reproduced through the
// CLI, checked with the cases' own compare.py (keys, order, JSON types, 1e-12).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenArgs } from '../helpers/golden.js';
import { replay, run as runChild } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');
const cases = readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe('golden cases', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(11);
  });

  for (const name of cases) {
    it(`${name} reproduces the reference summary`, async () => {
      const out = mkdtempSync(join(tmpdir(), `replay-golden-${name}-`));
      const run = await replay(['recompute', join(GOLDEN, name, 'events.jsonl'), ...goldenArgs(name), `--out=${out}`, '--quiet', '--workers=0']);
      expect(run.status, run.stderr).toBeLessThanOrEqual(3);
      const verdict = await runChild('python3', [join(GOLDEN, 'compare.py'), join(GOLDEN, name, 'expected_result_summary.json'), join(out, 'result_summary.json')]);
      expect(verdict.stdout.trim().split('\n').slice(-20).join('\n')).toBe('equal');
      expect(verdict.status).toBe(0);
      // Exit code: 0 for a complete summary, 3 when the log was cut.
      const expected = JSON.parse(readFileSync(join(GOLDEN, name, 'expected_result_summary.json'), 'utf8')) as { complete: boolean };
      expect(run.status).toBe(expected.complete ? 0 : 3);
    });
  }
});

