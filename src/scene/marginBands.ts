import type { Grid } from '../geometry/grid.ts';
import { TriangleIndex } from '../geometry/triangleIndex.ts';
import { sampleTrilinear } from '../geometry/sample.ts';

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
  /** The lethal isosurface of the ablation field (triangle soup) [mm]. */
  ablationPositions: Float32Array | null;
  margin_mm: number;
  /** Distances are capped here [mm]; default 50. */
  maxMm?: number;
}

export interface MarginResult {
  /** Signed distance per vertex [mm]: > 0 inside the lethal zone. */
  signedMm: Float32Array;
  /** Band per vertex (BAND_*). */
  band: Uint8Array;
  /** Vertices per band [uncovered, thin, ok]. */
  counts: [number, number, number];
  minSignedMm: number;
}

/**
 * Signed distance from each tumour vertex to the lethal isotherm of the ablation field: the sign
 * from a trilinear sample of the minimum temperature (<= lethal = inside = positive), the size
 * from the nearest triangle of the ablation isosurface (geometry's bucket-grid TriangleIndex).
 */
export function computeMarginBands(input: MarginInput, out?: MarginResult): MarginResult {
  const { vertices, grid, minTemperature_C, lethal_C, margin_mm } = input;
  const maxMm = input.maxMm ?? 50;
  const n = Math.floor(vertices.length / 3);
  const res: MarginResult = out && out.signedMm.length === n
    ? out
    : { signedMm: new Float32Array(n), band: new Uint8Array(n), counts: [0, 0, 0], minSignedMm: 0 };
  res.counts[0] = res.counts[1] = res.counts[2] = 0;
  const index = input.ablationPositions && input.ablationPositions.length >= 9 ? new TriangleIndex(input.ablationPositions) : null;
  let minSigned = Infinity;
  for (let v = 0; v < n; v++) {
    const o = v * 3;
    const t = sampleTrilinear(minTemperature_C, grid, vertices[o], vertices[o + 1], vertices[o + 2]);
    const inside = t <= lethal_C;
    const d = index ? index.nearestDistanceXYZ(vertices[o], vertices[o + 1], vertices[o + 2], maxMm) : maxMm;
    const s = inside ? d : -d;
    res.signedMm[v] = s;
    const band = classifyMargin(s, margin_mm);
    res.band[v] = band;
    res.counts[band]++;
    if (s < minSigned) minSigned = s;
  }
  res.minSignedMm = n > 0 ? minSigned : 0;
  return res;
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
