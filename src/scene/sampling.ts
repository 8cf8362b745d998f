import type { Grid } from '../geometry/grid.ts';

/**
 * Trilinear sample of a cell-centred scalar field (x fastest) at a point [mm]. Points outside
 * the grid are clamped to the nearest boundary cell centre (the field is extended flat).
 */
export function sampleTrilinear(field: ArrayLike<number>, grid: Grid, x: number, y: number, z: number): number {
  const [nx, ny, nz] = grid.dims;
  const inv = 1 / grid.spacingMm;
  let fx = (x - grid.originMm[0]) * inv;
  let fy = (y - grid.originMm[1]) * inv;
  let fz = (z - grid.originMm[2]) * inv;
  fx = fx < 0 ? 0 : fx > nx - 1 ? nx - 1 : fx;
  fy = fy < 0 ? 0 : fy > ny - 1 ? ny - 1 : fy;
  fz = fz < 0 ? 0 : fz > nz - 1 ? nz - 1 : fz;
  let i = Math.floor(fx);
  let j = Math.floor(fy);
  let k = Math.floor(fz);
  if (i > nx - 2) i = Math.max(0, nx - 2);
  if (j > ny - 2) j = Math.max(0, ny - 2);
  if (k > nz - 2) k = Math.max(0, nz - 2);
  const tx = fx - i;
  const ty = fy - j;
  const tz = fz - k;
  const sx = nx > 1 ? 1 : 0;
  const sy = ny > 1 ? nx : 0;
  const sz = nz > 1 ? nx * ny : 0;
  const b = i + nx * (j + ny * k);
  const c000 = field[b];
  const c100 = field[b + sx];
  const c010 = field[b + sy];
  const c110 = field[b + sx + sy];
  const c001 = field[b + sz];
  const c101 = field[b + sx + sz];
  const c011 = field[b + sy + sz];
  const c111 = field[b + sx + sy + sz];
  const c00 = c000 + (c100 - c000) * tx;
  const c10 = c010 + (c110 - c010) * tx;
  const c01 = c001 + (c101 - c001) * tx;
  const c11 = c011 + (c111 - c011) * tx;
  const c0 = c00 + (c10 - c00) * ty;
  const c1 = c01 + (c11 - c01) * ty;
  return c0 + (c1 - c0) * tz;
}
