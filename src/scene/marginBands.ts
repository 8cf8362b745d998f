import type { Grid } from '../geometry/grid.ts';
import type { TriangleMesh } from '../geometry/mesh.ts';
import { buildTriangleIndex, type TriangleIndex } from '../geometry/triangleIndex.ts';
import { sampleTrilinear, trilinearCorners } from '../geometry/sample.ts';

/** Margin band of one tumour-surface vertex. */
export const BAND_UNCOVERED = 0; // signed distance < 0: tumour surface outside the lethal zone
export const BAND_THIN = 1; // 0 <= d < margin
export const BAND_OK = 2; // d >= margin

/** Band colours (linear-ish sRGB 0..1): red, yellow, green. */
export const BAND_RGB: readonly (readonly [number, number, number])[] = [
  [0.9, 0.16, 0.16],
  [0.98, 0.8, 0.15],
  [0.2, 0.78, 0.35],
];

export function classifyMargin(signedMm: number, marginMm: number): number {
  if (!(signedMm >= 0)) return BAND_UNCOVERED;
  return signedMm >= marginMm ? BAND_OK : BAND_THIN;
}

export interface MarginInput {
  /** Tumour surface vertices, xyz [mm]. */
  vertices: Float32Array;
  grid: Grid;
  /** Minimum temperature so far per cell [°C]. */
  minTemperature_C: Float32Array;
  lethal_C: number;
  /** The lethal isosurface of the ablation field [mm]. */
  ablation: TriangleMesh | null;
  margin_mm: number;
  /** Distances are capped here [mm]; default 50. */
  maxMm?: number;
}

export interface MarginResult {
  /** Band per vertex (BAND_*). */
  band: Uint8Array;
  /** Vertices per band [uncovered, thin, ok]. */
  counts: [number, number, number];
  /** Signed minimum margin over the vertices [mm] (exact, capped at ±maxMm). */
  minSignedMm: number;
}

/**
 * Margin band of each tumour vertex, and the signed minimum margin, from the distance to the
 * lethal isotherm of the ablation field (geometry's bucket-grid TriangleIndex) signed by a
 * trilinear sample of the minimum temperature (≤ lethal = inside = positive). Only what the
 * bands and the minimum need is searched: a band needs the distance only up to the margin (a
 * search bounded there), and the minimum is the largest distance of an uncovered vertex or, with
 * none, the smallest of a covered one, each found with the best value so far as the search bound
 * (as physics/metrics does). Resumable: `step(untilMs)` works until performance.now() passes
 * untilMs and returns the result once done (null before), so a caller can spread it over tasks;
 * the first steps build the surface's index (geometry's buildTriangleIndex, in slices too).
 */
export function marginBandsJob(input: MarginInput, out?: MarginResult): { step(untilMs: number): MarginResult | null } {
  const { vertices, grid, minTemperature_C, lethal_C, margin_mm } = input;
  const maxMm = input.maxMm ?? 50;
  const n = Math.floor(vertices.length / 3);
  const res: MarginResult = out && out.band.length === n
    ? out
    : { band: new Uint8Array(n), counts: [0, 0, 0], minSignedMm: 0 };
  res.counts[0] = res.counts[1] = res.counts[2] = 0;
  // Built in the first steps, in slices of its own: the index of a 1 mm surface took 50-70 ms in
  // one go while its code was cold, the one task over 50 ms left after a run's first frames.
  const build = input.ablation && input.ablation.indices.length >= 3 ? buildTriangleIndex(input.ablation) : null;
  let index: TriangleIndex | null = null;
  // The last query's nearest triangle starts the next one's search: vertices come in mesh order,
  // so it is usually near, and a tight first bound ends most searches within a few buckets.
  let seed = -1;
  /**
   * Distance to the isosurface, exact below min(bound, cap) (else ≥ it), at most `cap` [mm]. A cap
   * of the margin lets the index answer "none within the margin" from a bucket mask, at once.
   */
  const distance = (o: number, bound: number, cap = maxMm): number => {
    if (!index) return cap;
    const d = index.nearestDistanceXYZ(vertices[o], vertices[o + 1], vertices[o + 2], cap, bound, seed);
    if (index.nearestTriangle >= 0) seed = index.nearestTriangle;
    return d;
  };
  /** Whether the isosurface comes nearer than r [mm] (≤ cap); the first such triangle ends the search. */
  const within = (o: number, r: number, cap = maxMm): boolean => {
    if (!index) return false;
    const yes = index.anyWithin(vertices[o], vertices[o + 1], vertices[o + 2], r, seed, cap);
    if (index.nearestTriangle >= 0) seed = index.nearestTriangle;
    return yes;
  };
  let farthestUncovered = -1;
  let nearestCovered = Infinity;
  const coveredOk: number[] = [];
  let v = 0; // next vertex of the first pass
  let k = 0; // next covered-OK vertex of the second pass
  return {
    step(untilMs: number): MarginResult | null {
      if (build && !index) {
        index = build.step(untilMs);
        if (!index || performance.now() > untilMs) return null;
      }
      // The clock is read before every vertex but the step's first, so every step makes progress.
      // (Every 64 let a step run 35-40 ms past its slice, every 4 still 13 ms on the first frame
      // with ice: an uncovered vertex far from the isotherm is an unbounded search of up to maxMm,
      // milliseconds while the code is not yet optimised. A clock read is ~0.2 µs.)
      const v0 = v, k0 = k;
      for (; v < n; v++) {
        if (v !== v0 && performance.now() > untilMs) return null;
        const o = v * 3;
        const inside = sampleTrilinear(minTemperature_C, grid, vertices[o], vertices[o + 1], vertices[o + 2]) <= lethal_C;
        let band = BAND_UNCOVERED;
        if (!inside) {
          // Matters only if no triangle is nearer than the farthest uncovered vertex so far.
          if (farthestUncovered < 0 || !within(o, farthestUncovered)) {
            farthestUncovered = Math.max(farthestUncovered, distance(o, Infinity));
          }
        } else if (within(o, margin_mm, Math.min(margin_mm, maxMm))) {
          band = BAND_THIN;
          // Its distance only where it beats the nearest so far (a search bounded there).
          nearestCovered = Math.min(nearestCovered, distance(o, Math.min(nearestCovered, margin_mm)));
        } else {
          band = BAND_OK;
          coveredOk.push(o);
        }
        res.band[v] = band;
        res.counts[band]++;
      }
      if (farthestUncovered >= 0) {
        res.minSignedMm = -farthestUncovered;
        return res;
      }
      // All covered: the nearest covered vertex; those at ≥ margin only if no thin one is nearer.
      for (; k < coveredOk.length && nearestCovered > margin_mm; k++) {
        if (k !== k0 && performance.now() > untilMs) return null;
        nearestCovered = Math.min(nearestCovered, distance(coveredOk[k], nearestCovered));
      }
      res.minSignedMm = n > 0 ? nearestCovered : 0;
      return res;
    },
  };
}

/**
 * All that a MarginInput's result depends on: the vertices (by identity), the grid, the scalars,
 * the ablation surface and the minimum temperature at the eight cells around each vertex. Two
 * inputs with equal keys (sameMarginKey) give the same MarginResult, so a frame whose lethal zone
 * did not move near the tumour (during a thaw, most of it) needs no new search.
 */
export interface MarginKey {
  vertices: Float32Array;
  grid: Grid;
  lethal_C: number;
  margin_mm: number;
  maxMm: number;
  ablation: TriangleMesh | null;
  /** Per vertex, the minimum temperature at sampleTrilinear's eight cells [°C]. */
  corners: Float32Array;
}

export function marginKey(input: MarginInput): MarginKey {
  const { vertices, grid, minTemperature_C } = input;
  const n = Math.floor(vertices.length / 3);
  const cells = new Int32Array(8 * n);
  for (let v = 0; v < n; v++) trilinearCorners(grid, vertices[3 * v], vertices[3 * v + 1], vertices[3 * v + 2], cells, 8 * v);
  const corners = new Float32Array(8 * n);
  for (let q = 0; q < corners.length; q++) corners[q] = minTemperature_C[cells[q]];
  return {
    vertices, grid, lethal_C: input.lethal_C, margin_mm: input.margin_mm, maxMm: input.maxMm ?? 50,
    ablation: input.ablation && input.ablation.indices.length >= 3 ? input.ablation : null, corners,
  };
}

export function sameMarginKey(a: MarginKey, b: MarginKey): boolean {
  const g = a.grid, h = b.grid;
  const sameGrid = g.spacingMm === h.spacingMm && g.dims.every((d, i) => d === h.dims[i]) && g.originMm.every((o, i) => o === h.originMm[i]);
  // Last: the longest comparison, and the corners differ first while the ice grows.
  const sameSurface = (): boolean => a.ablation === null || b.ablation === null
    ? a.ablation === b.ablation
    : sameValues(a.ablation.positions, b.ablation.positions) && sameValues(a.ablation.indices, b.ablation.indices);
  return a.vertices === b.vertices && sameGrid && a.lethal_C === b.lethal_C && a.margin_mm === b.margin_mm &&
    a.maxMm === b.maxMm && sameValues(a.corners, b.corners) && sameSurface();
}

/** Equal lengths and equal values (NaN matches NaN). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}

/** marginBandsJob in one go. */
export function computeMarginBands(input: MarginInput, out?: MarginResult): MarginResult {
  return marginBandsJob(input, out).step(Infinity)!;
}

/** Writes band colours (rgb per vertex) into `colors`. */
export function bandColors(band: Uint8Array, colors: Float32Array): void {
  for (let v = 0; v < band.length; v++) {
    const c = BAND_RGB[band[v]];
    colors[v * 3] = c[0];
    colors[v * 3 + 1] = c[1];
    colors[v * 3 + 2] = c[2];
  }
}
