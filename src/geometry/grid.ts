import type { Vec3 } from './vec.ts';

/**
 * A regular grid of cell centres (vtk.js image vocabulary): cell (i, j, k) has its centre at
 * origin + (i, j, k) * spacing. Flat index = i + nx * (j + ny * k) (x fastest).
 */
export interface Grid {
  dims: [number, number, number];
  /** Cell size [mm], the same on every axis. */
  spacingMm: number;
  /** Centre of cell (0, 0, 0) [mm]. */
  originMm: Vec3;
}

export function cellIndex(grid: Grid, i: number, j: number, k: number): number {
  return i + grid.dims[0] * (j + grid.dims[1] * k);
}

/** A grid covering [min, max] (mm) with cells of `spacingMm`, centred on the box. */
export function gridCovering(minMm: Vec3, maxMm: Vec3, spacingMm: number): Grid {
  const dims = [0, 0, 0] as [number, number, number];
  const originMm = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    const extent = Math.max(maxMm[a] - minMm[a], spacingMm);
    dims[a] = Math.max(3, Math.ceil(extent / spacingMm));
    const centre = 0.5 * (minMm[a] + maxMm[a]);
    originMm[a] = centre - 0.5 * (dims[a] - 1) * spacingMm;
  }
  return { dims, spacingMm, originMm };
}

/** Inclusive cell index ranges [i0, i1, j0, j1, k0, k1] (empty on an axis where i1 < i0). */
export type CellBox = [number, number, number, number, number, number];

/** The cells whose centres lie within [minMm − padMm, maxMm + padMm] on every axis, clamped to the grid. */
export function cellsWithin(grid: Grid, minMm: Vec3, maxMm: Vec3, padMm = 0): CellBox {
  const h = grid.spacingMm;
  const out: CellBox = [0, 0, 0, 0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const o = grid.originMm[a], n = grid.dims[a];
    out[2 * a] = Math.max(0, Math.ceil((minMm[a] - padMm - o) / h - 1e-9));
    out[2 * a + 1] = Math.min(n - 1, Math.floor((maxMm[a] + padMm - o) / h + 1e-9));
  }
  return out;
}
