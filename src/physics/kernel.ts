import type { TissueModel } from './tissueModel.ts';

/** The arrays one explicit step reads and writes (flat, x fastest; see geometry/grid.ts). */
export interface StepFields {
  nx: number;
  ny: number;
  nz: number;
  /** Enthalpy [J/m³], updated in place. */
  H: Float64Array;
  /** Temperature [°C] and Kirchhoff potential [W/m] at the start of the step (read). */
  Tin: Float64Array;
  phiIn: Float64Array;
  /** The same after the step (written). */
  Tout: Float64Array;
  phiOut: Float64Array;
  /** Lowest temperature each cell has reached [°C], updated. */
  Tmin: Float32Array;
}

/**
 * One forward-Euler step of  dH/dt = ∇²φ + fl(T)·(wc (Ta − T) + qm)  for the cells of the box
 * [i0, i1) × [j0, j1) × [k0, k1) (clamped to the interior), then T and φ recovered from H
 * (tissueModel.ts). The box is the solver's active region (outside it every cell is still at rest
 * and would not change) or a slab of it: boxes are independent within a step.
 * Returns the perfusion + metabolic heat added to these cells [J/m³ summed over cells].
 * The source is summed per z-plane (from 0) and the plane sums added in k order, so threads that
 * step z-slabs give the same total when their plane sums (`planeSums[k]`, if given) are added in
 * order (slabPool.ts).
 */
export function stepBox(
  f: StepFields, m: TissueModel, dtS: number, hM: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number,
  planeSums?: Float64Array,
): number {
  const { nx, ny, H, Tin, phiIn, Tout, phiOut, Tmin } = f;
  const nxy = nx * ny;
  const kStart = Math.max(1, k0);
  const kEnd = Math.min(f.nz - 1, k1);
  const jStart = Math.max(1, j0);
  const jEnd = Math.min(ny - 1, j1);
  const iStart = Math.max(1, i0);
  const iEnd = Math.min(nx - 1, i1);
  const dtOverH2 = dtS / (hM * hM);
  const Ts = m.Ts, Tl = m.Tl, invW = m.invMushyWidth;
  const ks = m.ks, kl = m.kl, Cs = m.Cs, Cl = m.Cl, mushyB = m.mushyB, fourA = 4 * m.mushyA, Hl = m.Hl, phiL = m.phiL;
  const halfDk = 0.5 * (kl - ks) * invW;
  // Reciprocals, so the WebAssembly kernel (assembly/kernel.ts) can do the same operations and
  // round identically (both kernels give bit-identical fields).
  const invCs = 1 / Cs, invCl = 1 / Cl;
  const wc = m.wc, qm = m.qm, Ta = m.Ta;
  let total = 0;
  for (let k = kStart; k < kEnd; k++) {
    let sourceSum = 0;
    for (let j = jStart; j < jEnd; j++) {
      const row = k * nxy + j * nx;
      for (let c = row + iStart; c < row + iEnd; c++) {
        const phiC = phiIn[c];
        const lap = phiIn[c - 1] + phiIn[c + 1] + phiIn[c - nx] + phiIn[c + nx] + phiIn[c - nxy] + phiIn[c + nxy] - 6 * phiC;
        const t = Tin[c];
        let fl = (t - Ts) * invW;
        fl = fl <= 0 ? 0 : fl >= 1 ? 1 : fl;
        const source = fl * (wc * (Ta - t) + qm);
        sourceSum += source;
        const h = H[c] + dtOverH2 * lap + dtS * source;
        H[c] = h;
        let tNew: number, phiNew: number;
        if (h <= 0) {
          tNew = Ts + h * invCs;
          phiNew = ks * (tNew - Ts);
        } else if (h >= Hl) {
          tNew = Tl + (h - Hl) * invCl;
          phiNew = phiL + kl * (tNew - Tl);
        } else {
          const d = (2 * h) / (mushyB + Math.sqrt(mushyB * mushyB + fourA * h));
          tNew = Ts + d;
          phiNew = ks * d + halfDk * d * d;
        }
        Tout[c] = tNew;
        phiOut[c] = phiNew;
        if (tNew < Tmin[c]) Tmin[c] = tNew;
      }
    }
    if (planeSums) planeSums[k] = sourceSum;
    total += sourceSum;
  }
  return total * dtS;
}
