import type { Grid } from './grid.ts';

/**
 * Trilinear interpolation of a cell-centred field at (x, y, z) [mm]; points outside the grid
 * take the nearest cell-centre values (clamped).
 */
export function sampleTrilinear(field: ArrayLike<number>, grid: Grid, x: number, y: number, z: number): number {
  const [nx, ny, nz] = grid.dims;
  const h = grid.spacingMm;
  const fx = clamp((x - grid.originMm[0]) / h, 0, nx - 1);
  const fy = clamp((y - grid.originMm[1]) / h, 0, ny - 1);
  const fz = clamp((z - grid.originMm[2]) / h, 0, nz - 1);
  const i = Math.min(Math.floor(fx), nx - 2), j = Math.min(Math.floor(fy), ny - 2), k = Math.min(Math.floor(fz), nz - 2);
  const u = fx - i, v = fy - j, w = fz - k;
  const c = i + nx * (j + ny * k);
  const nxy = nx * ny;
  const c00 = field[c] * (1 - u) + field[c + 1] * u;
  const c10 = field[c + nx] * (1 - u) + field[c + nx + 1] * u;
  const c01 = field[c + nxy] * (1 - u) + field[c + nxy + 1] * u;
  const c11 = field[c + nxy + nx] * (1 - u) + field[c + nxy + nx + 1] * u;
  return (c00 * (1 - v) + c10 * v) * (1 - w) + (c01 * (1 - v) + c11 * v) * w;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
