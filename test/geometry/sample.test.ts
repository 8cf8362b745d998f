import { describe, expect, it } from 'vitest';
import type { Grid } from '../../src/geometry/grid.ts';
import { sampleTrilinear } from '../../src/geometry/sample.ts';

describe('sampleTrilinear', () => {
  const grid: Grid = { dims: [3, 3, 3], spacingMm: 2, originMm: [-2, -2, -2] };
  const field = new Float32Array(27);
  // A linear field f = x + 2y + 3z is reproduced exactly inside; clamped outside.
  for (let k = 0; k < 3; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) {
    field[i + 3 * (j + 3 * k)] = (2 * i - 2) + 2 * (2 * j - 2) + 3 * (2 * k - 2);
  }
  it('is exact for a linear field and clamps at the border', () => {
    expect(sampleTrilinear(field, grid, 0.5, -1.25, 1.5)).toBeCloseTo(0.5 - 2.5 + 4.5, 5);
    expect(sampleTrilinear(field, grid, 2, 2, 2)).toBeCloseTo(12, 5);
    expect(sampleTrilinear(field, grid, 9, 0, 0)).toBeCloseTo(2, 5);
  });
});
