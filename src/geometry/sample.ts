import type { Grid } from './grid.ts';

/**
 * Trilinear interpolation of a cell-centred field at (x, y, z) [mm]; points outside the grid
 * take the nearest cell-centre values (clamped).
 */
export function sampleTrilinear(field: ArrayLike<number>, grid: Grid, x: number, y: number, z: number): number {
  const c = lowerCorner(grid, x, y, z);
  const u = frac[0], v = frac[1], w = frac[2];
  const nx = grid.dims[0], nxy = nx * grid.dims[1];
  const c00 = field[c] * (1 - u) + field[c + 1] * u;
  const c10 = field[c + nx] * (1 - u) + field[c + nx + 1] * u;
  const c01 = field[c + nxy] * (1 - u) + field[c + nxy + 1] * u;
  const c11 = field[c + nxy + nx] * (1 - u) + field[c + nxy + nx + 1] * u;
  return (c00 * (1 - v) + c10 * v) * (1 - w) + (c01 * (1 - v) + c11 * v) * w;
}

/**
 * The eight cells sampleTrilinear reads at (x, y, z), as flat indices into `out` from `at`: the
 * lower corner c, c + 1, c + nx, c + nx + 1, then the same one plane up (c + nx·ny …).
 */
export function trilinearCorners(grid: Grid, x: number, y: number, z: number, out: Int32Array, at: number): void {
  const c = lowerCorner(grid, x, y, z);
  const nx = grid.dims[0], nxy = nx * grid.dims[1];
  out[at] = c; out[at + 1] = c + 1; out[at + 2] = c + nx; out[at + 3] = c + nx + 1;
  out[at + 4] = c + nxy; out[at + 5] = c + nxy + 1; out[at + 6] = c + nxy + nx; out[at + 7] = c + nxy + nx + 1;
}

/** lowerCorner's fractions of the way to the next cell centre along x, y, z. */
const frac = new Float64Array(3);

/** The flat index of the lower corner of the cell-centre cube holding (x, y, z) (clamped); its fractions into `frac`. */
function lowerCorner(grid: Grid, x: number, y: number, z: number): number {
  const [nx, ny, nz] = grid.dims;
  const h = grid.spacingMm;
  const fx = clamp((x - grid.originMm[0]) / h, 0, nx - 1);
  const fy = clamp((y - grid.originMm[1]) / h, 0, ny - 1);
  const fz = clamp((z - grid.originMm[2]) / h, 0, nz - 1);
  const i = Math.min(Math.floor(fx), nx - 2), j = Math.min(Math.floor(fy), ny - 2), k = Math.min(Math.floor(fz), nz - 2);
  frac[0] = fx - i;
  frac[1] = fy - j;
  frac[2] = fz - k;
  return i + nx * (j + ny * k);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
