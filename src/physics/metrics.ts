import type { Grid } from '../geometry/grid.ts';
import { isosurface, type Isosurface } from '../geometry/marchingCubes.ts';
import { sampleTrilinear } from '../geometry/sample.ts';
import { TriangleIndex } from '../geometry/triangleIndex.ts';
import type { Vec3 } from '../geometry/vec.ts';
import type { CoverageMetrics, IsothermMetrics, StructureMetrics } from '../engine/types.ts';

/** Millilitres per cell of spacing h [mm]. */
function cellMl(grid: Grid): number {
  return grid.spacingMm ** 3 / 1000;
}

/** Volume and bounds of the cells at or below `levelC` in the current field. */
export function isothermMetrics(T: ArrayLike<number>, grid: Grid, levelC: number): IsothermMetrics {
  return isothermMetricsAt(T, grid, [levelC])[0];
}

/**
 * For each level l, the cells of the field with !(T > levelsC[l]) (at or below the level, and
 * NaN): how many into counts[l], their inclusive index box [i0, i1, j0, j1, k0, k1] into
 * bounds[6l …] (meaningless when none). The solver's wasm kernel has one (HeatSolver.coldCellScan).
 */
export type ColdCellScan = (levelsC: readonly number[], counts: Float64Array, bounds: Int32Array) => void;

/**
 * isothermMetrics for several levels: with `scan`, the scan's; else one pass over the field in
 * which a cell above the highest level (most of the grid) costs one comparison (a timeline sample
 * measures three isotherms). Both give the same numbers (test/physics/kernelWasm.test.ts).
 */
export function isothermMetricsAt(T: ArrayLike<number>, grid: Grid, levelsC: readonly number[], scan: ColdCellScan | null = null): IsothermMetrics[] {
  const [nx, ny, nz] = grid.dims;
  const n = levelsC.length;
  const top = Math.max(...levelsC);
  const count = new Float64Array(n);
  // Per level: lowest and highest i, j, k of its cells.
  const lo = new Float64Array(3 * n).fill(Infinity), hi = new Float64Array(3 * n).fill(-Infinity);
  if (scan) {
    const b = new Int32Array(6 * n);
    scan(levelsC, count, b);
    for (let l = 0; l < n; l++)
      for (let a = 0; a < 3; a++) {
        lo[3 * l + a] = b[6 * l + 2 * a];
        hi[3 * l + a] = b[6 * l + 2 * a + 1];
      }
  } else {
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        const row = nx * (j + ny * k);
        for (let i = 0; i < nx; i++) {
          const t = T[row + i];
          if (t > top) continue;
          for (let l = 0; l < n; l++) {
            if (t > levelsC[l]) continue;
            count[l]++;
            const b = 3 * l;
            if (i < lo[b]) lo[b] = i;
            if (i > hi[b]) hi[b] = i;
            if (j < lo[b + 1]) lo[b + 1] = j;
            if (j > hi[b + 1]) hi[b + 1] = j;
            if (k < lo[b + 2]) lo[b + 2] = k;
            if (k > hi[b + 2]) hi[b + 2] = k;
          }
        }
      }
  }
  const h = grid.spacingMm, o = grid.originMm;
  return levelsC.map((_, l) => {
    if (count[l] === 0) return { volume_ml: 0, bbox_mm: null };
    // The box around the cells themselves: centres ± half a cell.
    const min = [0, 1, 2].map((a) => round3(o[a] + (lo[3 * l + a] - 0.5) * h)) as Vec3;
    const max = [0, 1, 2].map((a) => round3(o[a] + (hi[3 * l + a] + 0.5) * h)) as Vec3;
    return { volume_ml: round3(count[l] * cellMl(grid)), bbox_mm: { min, max } };
  });
}

/** Fraction of `cells` whose minimum temperature is at or below the threshold. */
function coveredFraction(Tmin: Float32Array, cells: Int32Array, lethalC: number): number {
  if (cells.length === 0) return 1;
  let covered = 0;
  for (let q = 0; q < cells.length; q++) if (Tmin[cells[q]] <= lethalC) covered++;
  return covered / cells.length;
}

/**
 * What the margin asks of a triangle index over the lethal surface: the exact distance [mm] from
 * a point to the nearest triangle, or `upperMm` when none is nearer (an upper bound that prunes
 * the search), trying triangle `seed` first (−1: none); then `nearestTriangle`, the triangle found
 * (−1 when none was nearer). geometry/triangleIndex.ts's TriangleIndex or the solver's wasm copy
 * of it (HeatSolver.nearestTrianglesOf): the same answers.
 */
export interface NearestTriangleSearch {
  nearestWithin(px: number, py: number, pz: number, upperMm: number, seed: number): number;
  readonly nearestTriangle: number;
}

/**
 * Signed minimum margin [mm] from the tumour surface to the lethal isotherm of the minimum-
 * temperature field: at each surface point, + the distance to the isosurface where the point is
 * ablated, − where it is not; the minimum over points. Sub-cell: the isosurface is interpolated on
 * cell edges and distances are exact to its triangles. null when there is no ablation zone yet.
 * `surface`: that isosurface (`isosurface(Tmin, grid, lethalC)`) where the caller has already
 * built it (a streamed frame has), so it is not built twice; `search`: an index over that surface
 * where the caller has one (the solver's in wasm), else a TriangleIndex is built.
 */
export function signedMinMarginMm(
  Tmin: Float32Array, grid: Grid, lethalC: number, surfacePointsMm: Float32Array,
  surface: Isosurface = isosurface(Tmin, grid, lethalC), search: NearestTriangleSearch | null = null,
): number | null {
  if (surface.indices.length === 0) return null;
  const index = search ?? new TriangleIndex(surface);
  // Points in order of falling minimum temperature: covered points nearest the threshold (so
  // nearest the surface) come first and give a tight bound at once, as do the uncovered points
  // farthest out; later points are bounded searches that mostly end in one bucket. The result is a
  // minimum, so the order does not change it.
  const n = surfacePointsMm.length / 3;
  const tAt = new Float64Array(n);
  for (let p = 0; p < n; p++) tAt[p] = sampleTrilinear(Tmin, grid, surfacePointsMm[3 * p], surfacePointsMm[3 * p + 1], surfacePointsMm[3 * p + 2]);
  const order = roughlyFalling(tAt);
  // best = the lowest signed value so far. Covered points (+d) matter only while best > 0 and only
  // if nearer than best; uncovered points (−d) only if farther than −best.
  let best = Infinity;
  let seed = -1;
  for (const p of order) {
    const x = surfacePointsMm[3 * p], y = surfacePointsMm[3 * p + 1], z = surfacePointsMm[3 * p + 2];
    if (tAt[p] <= lethalC) {
      if (best <= 0) continue;
      // `upperMm` prunes without rebuilding the index's distance mask (maxMm would, per new bound).
      const d = index.nearestWithin(x, y, z, best, seed);
      seed = index.nearestTriangle;
      if (d < best) best = d;
    } else {
      const worst = best < 0 ? -best : 0;
      // Is there a triangle within `worst`? Then this point cannot be farther out than the worst.
      if (worst > 0 && index.nearestWithin(x, y, z, worst, seed) < worst) continue;
      const d = index.nearestWithin(x, y, z, Infinity, seed);
      seed = index.nearestTriangle;
      if (-d < best) best = -d;
    }
  }
  return round3(best);
}

/** Bins of roughlyFalling. */
const ORDER_BINS = 256;

/**
 * Indices of `values` from the highest to the lowest, roughly: counted into ORDER_BINS equal bins
 * between their extremes, in index order within a bin (O(n); a comparison sort of the margin's
 * points took ~0.7 ms of a 1 mm frame's 4.4 ms metrics).
 */
function roughlyFalling(values: Float64Array): Uint32Array {
  const n = values.length;
  let lo = Infinity, hi = -Infinity;
  for (let p = 0; p < n; p++) {
    if (values[p] < lo) lo = values[p];
    if (values[p] > hi) hi = values[p];
  }
  const scale = hi > lo ? (ORDER_BINS - 1) / (hi - lo) : 0;
  const bin = new Uint8Array(n);
  const start = new Uint32Array(ORDER_BINS + 1);
  for (let p = 0; p < n; p++) {
    bin[p] = Math.min(ORDER_BINS - 1, Math.floor((hi - values[p]) * scale));
    start[bin[p] + 1]++;
  }
  for (let b = 0; b < ORDER_BINS; b++) start[b + 1] += start[b];
  const order = new Uint32Array(n);
  for (let p = 0; p < n; p++) order[start[bin[p]]++] = p;
  return order;
}

/**
 * Tumour coverage; `withMargin` false leaves out the signed minimum margin (the costly part);
 * `lethalSurface` and `search` (an index over that surface) as in signedMinMarginMm.
 */
export function coverageMetrics(
  Tmin: Float32Array, grid: Grid, lethalC: number,
  tumor: { cells: Int32Array; marginShellCells: Int32Array; surfacePointsMm: Float32Array },
): CoverageMetrics;
export function coverageMetrics(
  Tmin: Float32Array, grid: Grid, lethalC: number,
  tumor: { cells: Int32Array; marginShellCells: Int32Array; surfacePointsMm: Float32Array },
  withMargin: boolean, lethalSurface?: Isosurface, search?: NearestTriangleSearch | null,
): Omit<CoverageMetrics, 'min_margin_mm'> & { min_margin_mm?: number | null };
export function coverageMetrics(
  Tmin: Float32Array, grid: Grid, lethalC: number,
  tumor: { cells: Int32Array; marginShellCells: Int32Array; surfacePointsMm: Float32Array },
  withMargin = true, lethalSurface?: Isosurface, search: NearestTriangleSearch | null = null,
): Omit<CoverageMetrics, 'min_margin_mm'> & { min_margin_mm?: number | null } {
  const fractions = {
    lethal_C: lethalC,
    tumor_volume_ml: round3(tumor.cells.length * cellMl(grid)),
    tumor_covered_fraction: round4(coveredFraction(Tmin, tumor.cells, lethalC)),
    margin_covered_fraction: round4(coveredFraction(Tmin, tumor.marginShellCells, lethalC)),
  };
  return withMargin ? { ...fractions, min_margin_mm: signedMinMarginMm(Tmin, grid, lethalC, tumor.surfacePointsMm, lethalSurface, search) } : fractions;
}

/**
 * Organ-at-risk figures over the structure's measured cells, from the minimum temperature so far:
 * the lowest temperature reached, and the volume that has been frozen (≤ 0 °C) or reached the
 * lethal threshold at any time.
 */
export function structureMetrics(Tmin: Float32Array, cells: Int32Array, grid: Grid, lethalC: number): StructureMetrics {
  let min = Infinity, frozen = 0, lethal = 0;
  for (let q = 0; q < cells.length; q++) {
    const t = Tmin[cells[q]];
    if (t < min) min = t;
    if (t <= 0) frozen++;
    if (t <= lethalC) lethal++;
  }
  return {
    min_C: cells.length ? round3(min) : null,
    frozen_volume_ml: round3(frozen * cellMl(grid)),
    lethal_volume_ml: round3(lethal * cellMl(grid)),
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}
