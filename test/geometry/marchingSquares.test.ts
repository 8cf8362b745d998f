import { describe, expect, it } from 'vitest';
import { contourLines } from '../../src/geometry/marchingSquares.ts';
import type { Grid } from '../../src/geometry/grid.ts';
import { extractSlice } from '../../src/geometry/slice.ts';

/** A picture: rows top to bottom are y = 0, 1, ...; '#' = 1, '.' = 0. */
function picture(rows: string[]): { values: Float32Array; width: number; height: number } {
  const width = rows[0].length, height = rows.length;
  const values = new Float32Array(width * height);
  rows.forEach((r, y) => [...r].forEach((c, x) => (values[x + width * y] = c === '#' ? 1 : 0)));
  return { values, width, height };
}

function segments(a: Float32Array): string[] {
  const s: string[] = [];
  for (let o = 0; o < a.length; o += 4) {
    const r = (v: number): number => Math.round(v * 1e6) / 1e6;
    const p = `${r(a[o])},${r(a[o + 1])}`, q = `${r(a[o + 2])},${r(a[o + 3])}`;
    s.push(p < q ? `${p} ${q}` : `${q} ${p}`);
  }
  return s.sort();
}

describe('contourLines', () => {
  it('a single hot sample gives a closed diamond at level 0.5', () => {
    const { values, width, height } = picture([
      '...',
      '.#.',
      '...',
    ]);
    expect(segments(contourLines(values, width, height, 0.5))).toEqual([
      '0.5,1 1,0.5', '0.5,1 1,1.5', '1,0.5 1.5,1', '1,1.5 1.5,1',
    ]);
  });

  it('a vertical edge gives a straight line at the interpolated x', () => {
    const { values, width, height } = picture([
      '..##',
      '..##',
      '..##',
    ]);
    expect(segments(contourLines(values, width, height, 0.25))).toEqual(['1.25,0 1.25,1', '1.25,1 1.25,2']);
  });

  it('saddles are resolved by the centre value', () => {
    const { values, width, height } = picture([
      '#.',
      '.#',
    ]);
    // Centre mean 0.5 ≥ 0.5: the two hot corners connect, the cold corners are cut off.
    expect(segments(contourLines(values, width, height, 0.5))).toEqual(['0,0.5 0.5,1', '0.5,0 1,0.5']);
    // Level 0.6: centre below, hot corners cut off.
    expect(segments(contourLines(values, width, height, 0.6))).toEqual(['0,0.4 0.4,0', '0.6,1 1,0.6']);
  });

  it('is empty for a flat field and for levels out of range', () => {
    const { values, width, height } = picture(['###', '###']);
    expect(contourLines(values, width, height, 0.5).length).toBe(0);
    const p = picture(['#..', '...']);
    expect(contourLines(p.values, p.width, p.height, 2).length).toBe(0);
  });
});

describe('extractSlice', () => {
  const grid: Grid = { dims: [2, 3, 4], spacingMm: 1, originMm: [0, 0, 0] };
  const field = new Float32Array(24);
  for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) field[i + 2 * (j + 3 * k)] = 100 * i + 10 * j + k;

  it('axial, coronal and sagittal layouts', () => {
    const ax = extractSlice(field, grid, 2, 3);
    expect([ax.width, ax.height]).toEqual([2, 3]);
    expect(Array.from(ax.values)).toEqual([3, 103, 13, 113, 23, 123]);
    const co = extractSlice(field, grid, 1, 2);
    expect([co.width, co.height]).toEqual([2, 4]);
    expect(Array.from(co.values)).toEqual([20, 120, 21, 121, 22, 122, 23, 123]);
    const sa = extractSlice(field, grid, 0, 1);
    expect([sa.width, sa.height]).toEqual([3, 4]);
    expect(Array.from(sa.values)).toEqual([100, 110, 120, 101, 111, 121, 102, 112, 122, 103, 113, 123]);
  });

  it('rejects an index outside the grid', () => {
    expect(() => extractSlice(field, grid, 0, 2)).toThrow(RangeError);
    expect(() => extractSlice(field, grid, 2, -1)).toThrow(/outside/);
  });
});
