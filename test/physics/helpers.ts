import type { Grid } from '../../src/geometry/grid.ts';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { enthalpyOf, kirchhoffOf, makeTissueModel } from '../../src/physics/tissueModel.ts';
import type { Vec3 } from '../../src/geometry/vec.ts';
import type { TissueProperties } from '../../src/plan/types.ts';

/** physics.md §2 default table; mushy zone and perfusion chosen per test. */
export function tableTissue(over: Partial<TissueProperties> = {}): TissueProperties {
  return {
    k_unfrozen_W_mK: 0.5, k_frozen_W_mK: 2, C_unfrozen_J_m3K: 3.6e6, C_frozen_J_m3K: 1.8e6,
    latent_J_m3: 2.5e8, solidus_C: -8, liquidus_C: -1, perfusion_W_m3K: 0, metabolic_W_m3: 0,
    arterial_C: 37, initial_C: 37, ...over,
  };
}

/** A grid of n[a] cells per axis at spacing h [mm] whose cell (0,0,0) centre is at `origin`. */
export function boxGrid(dims: [number, number, number], spacingMm: number, originMm: Vec3): Grid {
  return { dims, spacingMm, originMm };
}

/**
 * Position [mm] along +x where the row (j, k) of T first rises through `level` (linear between
 * cell centres), searching outward from index i0.
 */
export function crossingAlongX(T: ArrayLike<number>, grid: Grid, j: number, k: number, level: number, i0 = 0): number {
  const [nx, ny] = grid.dims;
  for (let i = i0; i < nx - 1; i++) {
    const c = i + nx * (j + ny * k);
    if (T[c] <= level && T[c + 1] > level) {
      return grid.originMm[0] + grid.spacingMm * (i + (level - T[c]) / (T[c + 1] - T[c]));
    }
  }
  return NaN;
}

/**
 * Mean radius [mm] of the `level` isotherm around a z-parallel axis through (cx, cy), in the
 * z-plane k: along `rays` directions the field is sampled bilinearly every 0.02 mm from the axis
 * outward and the first upward crossing of `level` is interpolated.
 */
export function meanIsothermRadiusMm(
  T: ArrayLike<number>, grid: Grid, cx: number, cy: number, k: number, level: number, rays = 16,
  /** Rays spread over [0, arc) [rad]: a full turn, or a quarter for a mirrored quarter domain. */
  arcRad = 2 * Math.PI,
  maxRMm = 0.5 * Math.min(grid.dims[0], grid.dims[1]) * grid.spacingMm - 2 * grid.spacingMm,
): number {
  let sum = 0;
  for (let r = 0; r < rays; r++) {
    const a = (arcRad * (r + 0.5)) / rays;
    const dx = Math.cos(a), dy = Math.sin(a);
    let prev = samplePlane(T, grid, k, cx, cy), found = NaN;
    for (let s = 0.02; s < maxRMm; s += 0.02) {
      const v = samplePlane(T, grid, k, cx + s * dx, cy + s * dy);
      if (prev <= level && v > level) {
        found = s - 0.02 + (0.02 * (level - prev)) / (v - prev);
        break;
      }
      prev = v;
    }
    sum += found;
  }
  return sum / rays;
}

/**
 * An infinitely long probe (a z-parallel cylinder through a 3-cell slab with insulated faces) at
 * (cx, cy) mm; isotherm radii [mm] after `seconds`.
 */
export function longProbeRadii(
  diameterMm: number, surfaceC: number, cx: number, cy: number, seconds: number[], spacingMm = 1, levels = [0, -20, -40],
  tissueOver = { perfusion_W_m3K: 3.6e6 * 0.0036 * 3.8 / 3.6, metabolic_W_m3: 0 },
): Record<number, Record<number, number>> {
  const n = Math.round(64 / spacingMm);
  const grid = boxGrid([n, n, 3], spacingMm, [-(n / 2) * spacingMm, -(n / 2) * spacingMm, -spacingMm]);
  const solver = new HeatSolver(grid, makeTissueModel(tableTissue(tissueOver)), [], 'insulated');
  const r = diameterMm / 2000;
  solver.setSources([{ body: cylinderBody([cx / 1000, cy / 1000, -0.01], [cx / 1000, cy / 1000, 0.01], r), surfaceC }]);
  const out: Record<number, Record<number, number>> = {};
  for (const t of seconds) {
    solver.advance(t - solver.timeS);
    out[t] = {};
    for (const level of levels) out[t][level] = meanIsothermRadiusMm(solver.temperatureC, grid, cx, cy, 1, level);
  }
  return out;
}


/** Overwrites the state of every cell with T(x, y, z) [°C] (x, y, z in mm). */
export function setTemperatureField(solver: HeatSolver, T: (x: number, y: number, z: number) => number): void {
  const { grid, fields, tissue } = solver;
  const [nx, ny, nz] = grid.dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const c = i + nx * (j + ny * k);
        const t = T(grid.originMm[0] + i * grid.spacingMm, grid.originMm[1] + j * grid.spacingMm, grid.originMm[2] + k * grid.spacingMm);
        fields.H[c] = enthalpyOf(tissue, t);
        fields.Tin[c] = fields.Tout[c] = t;
        fields.phiIn[c] = fields.phiOut[c] = kirchhoffOf(tissue, t);
        fields.Tmin[c] = t;
      }
}

/** Bilinear sample of plane k of a cell-centred field at (x, y) [mm]. */
export function samplePlane(T: ArrayLike<number>, grid: Grid, k: number, x: number, y: number): number {
  const [nx, ny] = grid.dims;
  const h = grid.spacingMm;
  const fx = (x - grid.originMm[0]) / h, fy = (y - grid.originMm[1]) / h;
  const i = Math.floor(fx), j = Math.floor(fy);
  const u = fx - i, v = fy - j;
  const c = i + nx * (j + ny * k);
  return (T[c] * (1 - u) + T[c + 1] * u) * (1 - v) + (T[c + nx] * (1 - u) + T[c + nx + 1] * u) * v;
}

/** Cells whose H, T, φ or Tmin differ between two solvers on the same grid (bit-identity tests). */
export function fieldMismatches(a: HeatSolver, b: HeatSolver): number {
  const fa = a.fields, fb = b.fields;
  let n = 0;
  for (let c = 0; c < fa.H.length; c++) {
    if (fa.H[c] !== fb.H[c] || fa.Tin[c] !== fb.Tin[c] || fa.phiIn[c] !== fb.phiIn[c] || fa.Tmin[c] !== fb.Tmin[c]) n++;
  }
  return n;
}
