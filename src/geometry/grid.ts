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
