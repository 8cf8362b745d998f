import type { Grid } from '../../geometry/grid.ts';
import type { Vec3 } from '../../geometry/vec.ts';

/**
 * Patient frame (documented in README): LPS, as in DICOM/CT: +x toward the patient's Left,
 * +y toward Posterior, +z toward Superior. Slices are shown in radiological convention: the
 * patient's right on the screen's left; axial: anterior up; coronal and sagittal: superior up;
 * sagittal: anterior on the left.
 */
export type Axis = 0 | 1 | 2;

export interface SliceLayout {
  axis: Axis;
  name: 'Axial' | 'Coronal' | 'Sagittal';
  /** World axis drawn left→right. */
  u: Axis;
  /** World axis drawn vertically. */
  v: Axis;
  /** true: +v goes down the screen; false: +v goes up. */
  vDown: boolean;
  labels: { left: string; right: string; top: string; bottom: string };
}

export function sliceLayout(axis: Axis): SliceLayout {
  if (axis === 2) return { axis, name: 'Axial', u: 0, v: 1, vDown: true, labels: { left: 'R', right: 'L', top: 'A', bottom: 'P' } };
  if (axis === 1) return { axis, name: 'Coronal', u: 0, v: 2, vDown: false, labels: { left: 'R', right: 'L', top: 'S', bottom: 'I' } };
  return { axis, name: 'Sagittal', u: 1, v: 2, vDown: false, labels: { left: 'A', right: 'P', top: 'S', bottom: 'I' } };
}

/** Axis-aligned rectangle of the slice plane [mm] mapped to a canvas in CSS pixels, isotropic. */
export interface SliceViewport {
  layout: SliceLayout;
  uMin: number; uMax: number; vMin: number; vMax: number;
  /** CSS px per mm. */
  scale: number;
  /** CSS px of the rectangle's top-left corner. */
  ox: number; oy: number;
}

/** The grid's full extent (cell faces) along one axis [mm]. */
export function gridExtentMm(grid: Grid, a: Axis): [number, number] {
  const h = grid.spacingMm;
  return [grid.originMm[a] - 0.5 * h, grid.originMm[a] + (grid.dims[a] - 0.5) * h];
}

/** Fits [uMin,uMax]×[vMin,vMax] into a width×height canvas with `pad` CSS px around it. */
export function fitViewport(
  layout: SliceLayout, uRange: [number, number], vRange: [number, number], width: number, height: number, pad = 24,
): SliceViewport {
  const eu = Math.max(1e-6, uRange[1] - uRange[0]);
  const ev = Math.max(1e-6, vRange[1] - vRange[0]);
  const scale = Math.max(1e-6, Math.min((width - 2 * pad) / eu, (height - 2 * pad) / ev));
  return {
    layout, uMin: uRange[0], uMax: uRange[1], vMin: vRange[0], vMax: vRange[1], scale,
    ox: (width - eu * scale) / 2, oy: (height - ev * scale) / 2,
  };
}

/** In-plane coordinates [mm] → CSS px. */
export function mmToPx(vp: SliceViewport, u: number, v: number): [number, number] {
  const px = vp.ox + (u - vp.uMin) * vp.scale;
  const py = vp.layout.vDown ? vp.oy + (v - vp.vMin) * vp.scale : vp.oy + (vp.vMax - v) * vp.scale;
  return [px, py];
}

/** CSS px → in-plane coordinates [mm]. */
export function pxToMm(vp: SliceViewport, px: number, py: number): [number, number] {
  const u = vp.uMin + (px - vp.ox) / vp.scale;
  const v = vp.layout.vDown ? vp.vMin + (py - vp.oy) / vp.scale : vp.vMax - (py - vp.oy) / vp.scale;
  return [u, v];
}

/** A 3D point [mm] from in-plane (u, v) and the slice position along the axis. */
export function planeToWorld(layout: SliceLayout, u: number, v: number, slicePosMm: number): Vec3 {
  const p: Vec3 = [0, 0, 0];
  p[layout.axis] = slicePosMm;
  p[layout.u] = u;
  p[layout.v] = v;
  return p;
}

/** Index of the grid slice nearest to `mm` along axis `a`, clamped. */
export function sliceIndex(grid: Grid, a: Axis, mm: number): number {
  const i = Math.round((mm - grid.originMm[a]) / grid.spacingMm);
  return Math.min(grid.dims[a] - 1, Math.max(0, i));
}

/** A "nice" scale bar length [mm] (1, 2, 5 × 10^n) closest to `targetPx` CSS px long. */
export function scaleBarMm(pxPerMm: number, targetPx = 80): number {
  const raw = targetPx / pxPerMm;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  let best = p;
  for (const m of [1, 2, 5, 10]) if (Math.abs(m * p - raw) < Math.abs(best - raw)) best = m * p;
  return best;
}

/**
 * Values of one slice of a cell-centred field as a width×height image (row-major, row 0 =
 * vMin), width along layout.u and height along layout.v. Writes into `out` when large enough.
 */
export function sliceValues(field: Float32Array, grid: Grid, layout: SliceLayout, index: number, out?: Float32Array): { values: Float32Array; width: number; height: number } {
  const [nx, ny] = grid.dims;
  const width = grid.dims[layout.u];
  const height = grid.dims[layout.v];
  const values = out && out.length >= width * height ? out : new Float32Array(width * height);
  const stride = [1, nx, nx * ny];
  const su = stride[layout.u], sv = stride[layout.v];
  const base = index * stride[layout.axis];
  for (let b = 0; b < height; b++) {
    const row = base + b * sv;
    for (let a = 0; a < width; a++) values[a + b * width] = field[row + a * su];
  }
  return { values, width, height };
}
