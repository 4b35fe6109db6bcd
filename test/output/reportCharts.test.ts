// The report's own chart specs are valid Vega-Lite v6 (its JSON schema) and
// compile; shading, zoom and the axis from 0 are where the page relies on them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { errorsChart, lanesChart, overTimeChart, sloCurvesChart } from '../../src/output/reportCharts.js';

const ROOT = join(__dirname, '..', '..');
const validate = new Ajv({ allErrors: true, strict: false, logger: false }).compile(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'vega-lite', 'build', 'vega-lite-schema.json'), 'utf8')));

const regions = [{ kind: 'warm-up', start: 0, end: 1 }, { kind: 'performance tracking', start: 1, end: 9 }, { kind: 'steady state', start: 3, end: 7 }];
const specs: Array<[string, Record<string, unknown>]> = [
  ['over time', overTimeChart({ title: 't', yTitle: 'y', rows: [{ t: 0, series: 'a', y: 1 }, { t: 1, series: 'a', y: null }], regions, faint: 'a' })],
  ['errors', errorsChart([{ t: 0, failed: 0 }, { t: 1, failed: 2 }], 1, regions)],
  ['errors, none failed', errorsChart([{ t: 0, failed: 0 }], 1, [])],
  ['lanes', lanesChart([{ lane: 0, row: 3, issued: 0, first: 0.1, done: 1, status: 'ok', ttftMs: 100, latencyMs: 1000, osl: 5 }, { lane: 1, row: 4, issued: 0.5, first: null, done: 0.6, status: 'failed', ttftMs: null, latencyMs: 100, osl: null }], 2, regions)],
  ['SLO curves', sloCurvesChart([{ metric: 'ttft', thresholdsNs: [1e6, 2e6], fraction: [0.5, 1] }], [['ttft', 1.5e6]])],
];

describe('report chart specs', () => {
  for (const [name, spec] of specs) {
    it(`${name}: valid Vega-Lite that compiles`, () => {
      expect(validate(spec), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(() => compile(spec as never)).not.toThrow();
    });
  }

  it('zooms on x only, starts y at 0, and keeps a 0..1 axis when nothing failed', () => {
    const over = specs[0]![1] as any;
    const lines = over.layer.at(-1).layer[0];
    expect(lines.params[0]).toEqual({ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' });
    expect(lines.encoding.y.scale).toEqual({ domainMin: 0, zero: true });
    expect(over.layer[0].data.values).toEqual(regions);
    const none = specs[2]![1] as any;
    expect(none.layer.at(-1).encoding.y.scale).toEqual({ domainMin: 0, domainMax: 1 });
    expect(none.layer.at(-1).data.values).toEqual([]);
  });
});
