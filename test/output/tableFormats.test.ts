// --format's list: what it accepts, and the one-line error for what it does not.
import { describe, expect, it } from 'vitest';
import { parseTableFormats } from '../../src/output/tableFormats.js';

describe('parseTableFormats', () => {
  it('takes a comma list in any case and order, in the canonical order, repeats dropped', () => {
    expect(parseTableFormats('csv, Parquet,csv')).toEqual(['parquet', 'csv']);
    expect(parseTableFormats('arrow')).toEqual(['arrow']);
  });

  it('names what it does not know', () => {
    expect(() => parseTableFormats('arrow,xlsx,json')).toThrow('--format "arrow,xlsx,json": unknown table format "xlsx", "json" (choose from arrow, parquet, csv)');
    expect(() => parseTableFormats('')).toThrow('an empty format name');
  });
});
