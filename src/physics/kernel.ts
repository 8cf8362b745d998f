import type { TissueModel } from './tissueModel.ts';

/**
 * The arrays one explicit step reads and writes (flat, x fastest; see geometry/grid.ts). Float32:
 * half the memory traffic of Float64 and four cells per SIMD instruction; the finest resolution
 * that matters is that of H near body temperature (ulp 32 J/m³ ≈ 1e-5 K), far below anything
 * the isotherms or metrics see (README "Float32 fields").
 */
export interface StepFields {
  nx: number;
  ny: number;
  nz: number;
  /** Enthalpy [J/m³], updated in place. */
  H: Float32Array;
  /** Temperature [°C] and Kirchhoff potential [W/m] at the start of the step (read). */
  Tin: Float32Array;
  phiIn: Float32Array;
  /** The same after the step (written). */
  Tout: Float32Array;
  phiOut: Float32Array;
  /** Lowest temperature each cell has reached [°C], updated. */
  Tmin: Float32Array;
}

const f32 = Math.fround;

/** The kernels' tissue constants, rounded to float32 once (both kernels use exactly these). */
export interface KernelConstants {
  Ts: number; Tl: number; invW: number; ks: number; kl: number; invCs: number; invCl: number;
  mushyB: number; mushyBB: number; fourA: number; Hl: number; phiL: number; halfDk: number;
  /** Perfusion wc and wc·Ta + qm: the source is fl·(wcTaQm − wc·T). */
  wc: number; wcTaQm: number;
}

export function kernelConstants(m: TissueModel): KernelConstants {
  return {
    Ts: f32(m.Ts), Tl: f32(m.Tl), invW: f32(m.invMushyWidth), ks: f32(m.ks), kl: f32(m.kl),
    invCs: f32(1 / m.Cs), invCl: f32(1 / m.Cl), mushyB: f32(m.mushyB), mushyBB: f32(m.mushyB * m.mushyB),
    fourA: f32(4 * m.mushyA), Hl: f32(m.Hl), phiL: f32(m.phiL), halfDk: f32(0.5 * (m.kl - m.ks) * m.invMushyWidth),
    wc: f32(m.wc), wcTaQm: f32(m.wc * m.Ta + m.qm),
  };
}

/**
 * T and φ of a cell with enthalpy h, in float32 exactly as the kernels compute them (the solver
 * uses it for the resting state, so that rest is a fixed point of the kernel).
 */
export function kernelState(k: KernelConstants, hJ_m3: number): { T: number; phi: number } {
  const h = f32(hJ_m3);
  if (h >= k.Hl) {
    const u = f32(f32(h - k.Hl) * k.invCl);
    return { T: f32(k.Tl + u), phi: f32(k.phiL + f32(k.kl * u)) };
  }
  if (h <= 0) {
    const u = f32(h * k.invCs);
    return { T: f32(k.Ts + u), phi: f32(k.ks * u) };
  }
  const d = f32(f32(2 * h) / f32(k.mushyB + f32(Math.sqrt(f32(k.mushyBB + f32(k.fourA * h))))));
  return { T: f32(k.Ts + d), phi: f32(f32(k.ks * d) + f32(f32(k.halfDk * d) * d)) };
}

/**
 * One forward-Euler step of  dH/dt = ∇²φ + fl(T)·(wc (Ta − T) + qm)  for the cells of the box
 * [i0, i1) × [j0, j1) × [k0, k1) (clamped to the interior), then T and φ recovered from H
 * (tissueModel.ts). Float32 arithmetic (every operation rounded with Math.fround), so the
 * WebAssembly f32x4 kernel (assembly/kernel.ts) gives bit-identical fields. The box is the
 * solver's active region (outside it every cell is still at rest and would not change) or a slab
 * of it: boxes are independent within a step.
 * Returns the perfusion + metabolic heat added to these cells [J/m³ summed over cells] × dt. The
 * source is summed in float32 per row (cell i0 + 4n + l into lane sum l, the lane sums added as
 * (l0 + l1) + (l2 + l3), then the row's last (length mod 4) cells: the SIMD kernel's order), the
 * row sums in float64 per z-plane from 0 and the plane sums in k order, so threads that step
 * z-slabs give the same total when their plane sums (`planeSums[k]`, if given) are added in
 * order (slabPool.ts). With `spans` the region is a set of row spans instead (the multi-rate
 * fast region and the slow cells around it inside its box, solver.ts): row (j, k) of the box rows
 * [j0, j1) steps [spans[2q], spans[2q + 1]) with q = (k − spansK0)·(j1 − j0) + (j − j0) (empty
 * when not below), the same per-row operations.
 */
export function stepBox(
  f: StepFields, m: KernelConstants, dtS: number, hM: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number,
  planeSums?: Float64Array, spans?: Int32Array, spansK0 = 0,
): number {
  const { nx, ny, H, Tin, phiIn, Tout, phiOut, Tmin } = f;
  const nxy = nx * ny;
  const kStart = Math.max(1, k0);
  const kEnd = Math.min(f.nz - 1, k1);
  const jStart = Math.max(1, j0);
  const jEnd = Math.min(ny - 1, j1);
  const iStart = Math.max(1, i0);
  const iEnd = Math.min(nx - 1, i1);
  const dt = f32(dtS);
  const dtOverH2 = f32(dtS / (hM * hM));
  const { Ts, Tl, invW, ks, kl, invCs, invCl, mushyB, mushyBB, fourA, Hl, phiL, halfDk, wc, wcTaQm } = m;
  /** Steps cell c; returns its source term (float32). */
  const cell = (c: number): number => {
    const phiC = phiIn[c];
    const lap = f32(f32(f32(f32(f32(f32(phiIn[c - 1] + phiIn[c + 1]) + phiIn[c - nx]) + phiIn[c + nx]) + phiIn[c - nxy]) + phiIn[c + nxy]) - f32(6 * phiC));
    const t = Tin[c];
    let fl = f32(f32(t - Ts) * invW);
    fl = fl <= 0 ? 0 : fl >= 1 ? 1 : fl;
    const source = f32(fl * f32(wcTaQm - f32(wc * t)));
    const h = f32(f32(H[c] + f32(dtOverH2 * lap)) + f32(dt * source));
    H[c] = h;
    let tNew: number, phiNew: number;
    if (h >= Hl) {
      const u = f32(f32(h - Hl) * invCl);
      tNew = f32(Tl + u);
      phiNew = f32(phiL + f32(kl * u));
    } else if (h <= 0) {
      const u = f32(h * invCs);
      tNew = f32(Ts + u);
      phiNew = f32(ks * u);
    } else {
      const d = f32(f32(2 * h) / f32(mushyB + f32(Math.sqrt(f32(mushyBB + f32(fourA * h))))));
      tNew = f32(Ts + d);
      phiNew = f32(f32(ks * d) + f32(f32(halfDk * d) * d));
    }
    Tout[c] = tNew;
    phiOut[c] = phiNew;
    if (tNew < Tmin[c]) Tmin[c] = tNew;
    return source;
  };
  let total = 0;
  for (let k = kStart; k < kEnd; k++) {
    let plane = 0;
    for (let j = jStart; j < jEnd; j++) {
      const row = k * nxy + j * nx;
      const q = 2 * ((k - spansK0) * (j1 - j0) + (j - j0));
      const end = row + (spans ? spans[q + 1] : iEnd);
      let c = row + (spans ? spans[q] : iStart);
      let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
      for (; c + 3 < end; c += 4) {
        l0 = f32(l0 + cell(c));
        l1 = f32(l1 + cell(c + 1));
        l2 = f32(l2 + cell(c + 2));
        l3 = f32(l3 + cell(c + 3));
      }
      let rowSum = f32(f32(l0 + l1) + f32(l2 + l3));
      for (; c < end; c++) rowSum = f32(rowSum + cell(c));
      plane += rowSum;
    }
    if (planeSums) planeSums[k] = plane;
    total += plane;
  }
  return total * dt;
}

/**
 * Bounding box [i_lo, i_hi, j_lo, j_hi, k_lo, k_hi] (inclusive) of the cells with T < TsC within the
 * half-open box b, into `out`; false when there are none (the reference of the wasm kernel's frozenBounds; the solver's
 * multi-rate fast-box scan). With `rows`, each scanned row's first and last such i (or −1, −1) at
 * rows[2·(k·ny + j)].
 */
export function frozenBounds(T: Float32Array, nx: number, ny: number, b: Int32Array, TsC: number, out: Int32Array, rows?: Int32Array): boolean {
  const nxy = nx * ny;
  let i0 = b[1], i1 = -1, j0 = b[3], j1 = -1, k0 = b[5], k1 = -1;
  for (let k = b[4]; k < b[5]; k++)
    for (let j = b[2]; j < b[3]; j++) {
      const row = k * nxy + j * nx;
      let lo = -1, hi = -1;
      for (let i = b[0]; i < b[1]; i++) if (T[row + i] < TsC) { lo = i; break; }
      if (lo >= 0) for (let i = b[1] - 1; i >= lo; i--) if (T[row + i] < TsC) { hi = i; break; }
      if (rows) {
        rows[2 * (k * ny + j)] = lo;
        rows[2 * (k * ny + j) + 1] = hi;
      }
      if (lo < 0) continue;
      if (lo < i0) i0 = lo;
      if (hi > i1) i1 = hi;
      if (j < j0) j0 = j;
      if (j > j1) j1 = j;
      if (k < k0) k0 = k;
      if (k > k1) k1 = k;
    }
  if (i1 < 0) return false;
  out[0] = i0; out[1] = i1; out[2] = j0; out[3] = j1; out[4] = k0; out[5] = k1;
  return true;
}

/** Cut faces (solver.ts): cell `cells[i]` couples to a body surface at distance s·h instead of a neighbour. */
export interface CutFaces {
  /** Cells with at least one cut face (free cells next to an active body). */
  cells: Int32Array;
  /** Per cut cell: [start, end) into the face arrays. */
  faceStart: Int32Array;
  neighbour: Int32Array;
  /** Σ over the face's rays that meet the body of share / (s h²) [1/m²]. */
  inverseDistance2: Float64Array;
  /** Share of the face whose rays meet the body (their regular conduction is replaced). */
  blockedShare: Float64Array;
  /** φ of the surface [W/m]. */
  surfacePhi: Float64Array;
}

/** Tissue cells facing a walled vessel cell (solver.ts): the wall coefficient U [W/(m²·K)] and blood [°C]. */
export interface WallFaces {
  cell: Int32Array;
  vessel: Int32Array;
  U: Float64Array;
  bloodC: Float64Array;
}

/** Every face between a vessel cell and a non-vessel neighbour (solver.ts; wallH 0 = no wall). */
export interface VesselFaces {
  vessel: Int32Array;
  tissue: Int32Array;
  wallH: Float64Array;
  bloodC: Float64Array;
}

/**
 * A region of a box given as row spans (stepBox's `spans`): two i32 per row of the box's rows,
 * planes from k0 on, and the region's cells per plane (from k0).
 */
export interface RowSpans {
  spans: Int32Array;
  k0: number;
  planeCells: Int32Array;
}

/**
 * The multi-rate interface (solver.ts multiRateStep). The ring: the slow cells slow[r] next to the
 * fast region, in cell order, each with its slow-step T [°C] and φ [W/m] kept (ringT, ringPhi)
 * while the fast region substeps. Its faces q in [faceStart[r], faceStart[r + 1]) couple ring cell
 * r to fast cells fast[q], per face in f64 φ of the fast cell at the macro step's start [W/m] and
 * Σ over later substeps of φ − φ0 [W/m]. The wasm kernel has the same loops (same f64 operations).
 */
export interface InterfaceFaces {
  fast: Int32Array;
  phi0: Float64Array;
  acc: Float64Array;
  slow: Int32Array;
  faceStart: Int32Array;
  ringT: Float64Array;
  ringPhi: Float64Array;
}

export function allocateInterfaceFaces(capacity: number): InterfaceFaces {
  const f64 = (): Float64Array => new Float64Array(capacity);
  return {
    fast: new Int32Array(capacity), phi0: f64(), acc: f64(), slow: new Int32Array(capacity), faceStart: new Int32Array(capacity + 1),
    ringT: f64(), ringPhi: f64(),
  };
}

/** At the macro step's start: phi0 = φ of each fast cell at t, acc = 0. */
export function startFaces(phi: Float32Array, faces: InterfaceFaces, n: number): void {
  const { fast, phi0, acc } = faces;
  for (let q = 0; q < n; q++) {
    phi0[q] = phi[fast[q]];
    acc[q] = 0;
  }
}

/** After each fast substep but the last: acc += φ(fast cell) − φ0. */
export function accumulateFaces(phi: Float32Array, faces: InterfaceFaces, n: number): void {
  const { fast, phi0, acc } = faces;
  for (let q = 0; q < n; q++) acc[q] += phi[fast[q]] - phi0[q];
}

/** After the slow step: keep each ring cell's new T, φ (Out) and hold it at t (In) in Out too. */
export function holdRing(f: StepFields, faces: InterfaceFaces, n: number): void {
  const { slow, ringT, ringPhi } = faces;
  const { Tin, phiIn, Tout, phiOut } = f;
  for (let q = 0; q < n; q++) {
    const s = slow[q];
    ringT[q] = Tout[s];
    ringPhi[q] = phiOut[s];
    Tout[s] = Tin[s];
    phiOut[s] = phiIn[s];
  }
}

/** After the fast substeps: the ring cells back to their slow-step values. */
export function restoreRing(T: Float32Array, phi: Float32Array, faces: InterfaceFaces, n: number): void {
  const { slow, ringT, ringPhi } = faces;
  for (let q = 0; q < n; q++) {
    T[slow[q]] = ringT[q];
    phi[slow[q]] = ringPhi[q];
  }
}

/** Copies the box [i0, i1) × [j0, j1) × [k0, k1) of two fields: from → to, from2 → to2 (or its row spans, as stepBox). */
export function copyBox(
  from: Float32Array, to: Float32Array, from2: Float32Array, to2: Float32Array, nx: number, ny: number,
  i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, spans?: Int32Array, spansK0 = 0,
): void {
  for (let k = k0; k < k1; k++)
    for (let j = j0; j < j1; j++) {
      // A plain loop: rows are short, and a subarray view per row is garbage.
      const row = k * nx * ny + j * nx;
      const q = 2 * ((k - spansK0) * (j1 - j0) + (j - j0));
      const end = row + (spans ? spans[q + 1] : i1);
      for (let c = row + (spans ? spans[q] : i0); c < end; c++) {
        to[c] = from[c];
        to2[c] = from2[c];
      }
    }
}
