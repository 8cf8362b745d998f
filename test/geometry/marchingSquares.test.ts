import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contourPaths } from '../../src/geometry/marchingSquares.ts';
import { chainSegments, type Polylines } from '../../src/geometry/segmentChains.ts';
import type { Grid } from '../../src/geometry/grid.ts';
import { extractSlice } from '../../src/geometry/slice.ts';

/** A picture: rows top to bottom are y = 0, 1, ...; '#' = 1, '.' = 0. */
function picture(rows: string[]): { values: Float32Array; width: number; height: number } {
  const width = rows[0].length, height = rows.length;
  const values = new Float32Array(width * height);
  rows.forEach((r, y) => [...r].forEach((c, x) => (values[x + width * y] = c === '#' ? 1 : 0)));
  return { values, width, height };
}

/** The paths' segments (consecutive points, and last to first for loops), each as "p q" with p < q, sorted. */
function segments(c: Polylines): string[] {
  const s: string[] = [];
  const r = (v: number): number => Math.round(v * 1e6) / 1e6;
  const point = (i: number): string => `${r(c.points[2 * i])},${r(c.points[2 * i + 1])}`;
  for (let p = 0; p + 1 < c.starts.length; p++) {
    const a = c.starts[p], b = c.starts[p + 1];
    for (let i = a; i < b; i++) {
      const j = i + 1 < b ? i + 1 : c.closed[p] ? a : -1;
      if (j < 0) continue;
      const [x, y] = [point(i), point(j)];
      s.push(x < y ? `${x} ${y}` : `${y} ${x}`);
    }
  }
  return s.sort();
}

const contourLines = (values: Float32Array, width: number, height: number, level: number): string[] => segments(contourPaths(values, width, height, level));

describe('contourPaths', () => {
  it('a single hot sample gives a closed diamond at level 0.5', () => {
    const { values, width, height } = picture([
      '...',
      '.#.',
      '...',
    ]);
    expect((contourLines(values, width, height, 0.5))).toEqual([
      '0.5,1 1,0.5', '0.5,1 1,1.5', '1,0.5 1.5,1', '1,1.5 1.5,1',
    ]);
  });

  it('a vertical edge gives a straight line at the interpolated x', () => {
    const { values, width, height } = picture([
      '..##',
      '..##',
      '..##',
    ]);
    expect((contourLines(values, width, height, 0.25))).toEqual(['1.25,0 1.25,1', '1.25,1 1.25,2']);
  });

  it('saddles are resolved by the centre value', () => {
    const { values, width, height } = picture([
      '#.',
      '.#',
    ]);
    // Centre mean 0.5 ≥ 0.5: the two hot corners connect, the cold corners are cut off.
    expect((contourLines(values, width, height, 0.5))).toEqual(['0,0.5 0.5,1', '0.5,0 1,0.5']);
    // Level 0.6: centre below, hot corners cut off.
    expect((contourLines(values, width, height, 0.6))).toEqual(['0,0.4 0.4,0', '0.6,1 1,0.6']);
  });

  it('is empty for a flat field and for levels out of range', () => {
    const { values, width, height } = picture(['###', '###']);
    expect(contourLines(values, width, height, 0.5)).toEqual([]);
    const p = picture(['#..', '...']);
    expect(contourLines(p.values, p.width, p.height, 2)).toEqual([]);
  });

  it('joins the squares into paths: a loop round a hot sample, an open line across the grid', () => {
    const diamond = contourPaths(picture(['...', '.#.', '...']).values, 3, 3, 0.5);
    expect(Array.from(diamond.starts)).toEqual([0, 4]);
    expect(Array.from(diamond.closed)).toEqual([1]);
    const line = contourPaths(picture(['..##', '..##', '..##']).values, 4, 3, 0.25);
    expect(Array.from(line.starts)).toEqual([0, 3]);
    expect(Array.from(line.closed)).toEqual([0]);
    expect(Array.from(line.points)).toEqual([1.25, 0, 1.25, 1, 1.25, 2]);
  });

  it('a NaN sample opens the loop that would pass round it', () => {
    const { values, width, height } = picture(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(Array.from(contourPaths(values, width, height, 0.5).closed)).toEqual([1]);
    values[1 + width * 2] = NaN; // on the loop's left side: its two squares are skipped
    const c = contourPaths(values, width, height, 0.5);
    expect(Array.from(c.closed)).toEqual([0]);
    expect(c.starts.length).toBe(2);
  });

  it('every crossed grid edge gives one path point, and paths end only at the grid border', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 81, maxLength: 81 }), fc.constantFrom(0.5, 1.5, 2, 2.5),
      (width, height, raw, level) => {
        const values = Float32Array.from(raw.slice(0, width * height));
        const c = contourPaths(values, width, height, level);
        // Crossing points of the edges whose ends are classified differently (≥ level or not).
        const expected: string[] = [];
        const at = (x: number, y: number): number => values[x + width * y];
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
          if (x + 1 < width && (at(x, y) >= level) !== (at(x + 1, y) >= level)) expected.push(`${Math.fround(x + (level - at(x, y)) / (at(x + 1, y) - at(x, y)))},${y}`);
          if (y + 1 < height && (at(x, y) >= level) !== (at(x, y + 1) >= level)) expected.push(`${x},${Math.fround(y + (level - at(x, y)) / (at(x, y + 1) - at(x, y)))}`);
        }
        const got = Array.from({ length: c.points.length / 2 }, (_, i) => `${c.points[2 * i]},${c.points[2 * i + 1]}`);
        expect(got.sort()).toEqual(expected.sort());
        for (let p = 0; p + 1 < c.starts.length; p++) {
          if (c.closed[p]) continue;
          for (const i of [c.starts[p], c.starts[p + 1] - 1]) {
            const x = c.points[2 * i], y = c.points[2 * i + 1];
            expect(x === 0 || y === 0 || x === width - 1 || y === height - 1).toBe(true);
          }
        }
      }), { numRuns: 300 });
  });
});

describe('chainSegments', () => {
  it('joins ends by key, a key seen a third time starts a new join, loops close', () => {
    // Segments: A 0→1, B 1→2, C 2→0 (a triangle loop), D 5→6 and E 6→7 (a line).
    const pts = Float32Array.from([0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 5, 5, 6, 5, 6, 5, 7, 5]);
    const keys = [0, 1, 1, 2, 2, 0, 5, 6, 6, 7];
    const c = chainSegments(pts, keys, 5);
    expect(Array.from(c.starts)).toEqual([0, 3, 6]);
    expect(Array.from(c.closed)).toEqual([0, 1]);
    expect(Array.from(c.points)).toEqual([5, 5, 6, 5, 7, 5, 0, 0, 1, 0, 1, 1]);
    // Three ends on one key: the first two join, the third ends its path.
    const y = chainSegments(Float32Array.from([0, 0, 1, 1, 2, 2, 1, 1, 1, 1, 3, 3]), [0, 9, 8, 9, 9, 7], 3);
    expect(y.starts.length - 1).toBe(2);
    expect(Array.from(y.closed)).toEqual([0, 0]);
    expect(y.points.length / 2).toBe(5);
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
