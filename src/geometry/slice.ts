import type { Grid } from './grid.ts';

/** A 2D slice of a 3D field: values[u + width * v]. */
export interface Slice {
  values: Float32Array;
  width: number;
  height: number;
}

/**
 * One plane of cells of a field, normal to `axis`, at cell `index` along it:
 * - axis 2 (axial, z = index): width nx (u = i), height ny (v = j);
 * - axis 1 (coronal, y = index): width nx (u = i), height nz (v = k);
 * - axis 0 (sagittal, x = index): width ny (u = j), height nz (v = k).
 * Throws a RangeError when index is outside the grid.
 */
export function extractSlice(field: ArrayLike<number>, grid: Grid, axis: 0 | 1 | 2, index: number): Slice {
  const [nx, ny, nz] = grid.dims;
  const n = grid.dims[axis];
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`slice index ${index} outside 0..${n - 1} on axis ${axis}`);
  }
  if (axis === 2) {
    const values = new Float32Array(nx * ny);
    const off = nx * ny * index;
    for (let q = 0; q < nx * ny; q++) values[q] = field[off + q];
    return { values, width: nx, height: ny };
  }
  if (axis === 1) {
    const values = new Float32Array(nx * nz);
    for (let k = 0; k < nz; k++) {
      const src = nx * (index + ny * k), dst = nx * k;
      for (let i = 0; i < nx; i++) values[dst + i] = field[src + i];
    }
    return { values, width: nx, height: nz };
  }
  const values = new Float32Array(ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) values[j + ny * k] = field[index + nx * (j + ny * k)];
  }
  return { values, width: ny, height: nz };
}
