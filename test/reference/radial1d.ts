/**
 * Independent fine 1D enthalpy solver (planar / cylinder / sphere) for the model of physics.md §1.
 *
 *   dH/dt = div(k(T) grad T) + wc(T)(Ta − T) + qm(T),   H(T) = ∫C dT + Lv·fl(T)
 *
 * - fl linear across the mushy zone [Ts, Tl]; k, C linear in fl between frozen and unfrozen
 *   values; wc, qm scaled by fl (full above Tl, zero at/below Ts). Ts = Tl (sharp front) is allowed.
 * - Node-centred finite volumes on a non-uniform mesh whose first node sits exactly on the probe
 *   surface r = Rp (planar: x = Rp, usually 0). Control volumes end at node midpoints.
 * - Conservative fluxes in the Kirchhoff variable Φ(T) = ∫k dT with the exact steady geometric
 *   conductance between nodes (planar 1/Δr, cylinder 2π/ln(r2/r1), sphere 4π/(1/r1 − 1/r2)), so
 *   steady conduction with any k(T) is exact on any mesh; only sources/storage carry O(h²) error.
 * - Backward Euler in time, unknown H, Newton with an exact tridiagonal Jacobian; Newton steps are
 *   clipped at the kinks of T(H) (solidus/liquidus) so the iteration cannot cycle. Unconditionally
 *   stable; time steps grow with the time since the last boundary-condition change.
 * - Per-unit measure: planar per m², cylinder per m of length, sphere per probe. Heat extraction
 *   `q` of the flux boundary is therefore W/m² (planar), W/m (cylinder, Paterson's q), W (sphere).
 */

export type Geometry = 'planar' | 'cylinder' | 'sphere';

/** Tissue model (SI, temperatures °C). */
export interface RadialTissue {
  /** frozen / unfrozen conductivity [W/(m K)] */
  ks: number;
  kl: number;
  /** frozen / unfrozen volumetric heat capacity [J/(m^3 K)] */
  Cs: number;
  Cl: number;
  /** volumetric latent heat [J/m^3] */
  Lv: number;
  /** solidus and liquidus [°C], Ts <= Tl */
  Ts: number;
  Tl: number;
  /** perfusion wc [W/(m^3 K)] and metabolic heat [W/m^3] in unfrozen tissue (default 0) */
  wc?: number;
  qm?: number;
  /** arterial temperature [°C] (default 37) */
  Ta?: number;
}

/** Inner (probe) boundary condition. */
export type InnerBoundary =
  /** Dirichlet node at r = Rp (freeze, or active thaw) */
  | { kind: 'temperature'; T_C: number | ((t_s: number) => number) }
  /** prescribed heat extraction (q > 0 removes heat) per unit measure, see module doc */
  | { kind: 'extraction'; q: number | ((t_s: number) => number) }
  /** zero flux (passive thaw) */
  | { kind: 'insulated' };

/** A protocol phase: `bc` applies until `untilS` (time steps land exactly on it). */
export interface InnerPhase {
  untilS: number;
  bc: InnerBoundary;
}

export interface RadialMeshOptions {
  /** node spacing at the probe (default 0.01 mm) */
  hMinM?: number;
  /** spacing cap inside the fine zone (default 0.05 mm) */
  hMaxM?: number;
  /** the fine zone extends to this radius (default 45 mm) */
  fineToM?: number;
  /** geometric growth factor of the spacing (default 1.05) */
  growth?: number;
  /** spacing cap beyond the fine zone (default 1 mm) */
  hOuterM?: number;
}

export interface RadialTimeOptions {
  /** smallest step after a boundary change (default 1e-3 s) */
  dtMinS?: number;
  /** largest step (default 0.25 s) */
  dtMaxS?: number;
  /** step = dtRelative × (time since the last boundary change), clamped (default 0.005) */
  dtRelative?: number;
}

export interface RadialOptions {
  geometry: Geometry;
  tissue: RadialTissue;
  /** probe radius Rp [m] (cylinder/sphere: > 0; planar: position of the face, usually 0) */
  probeRadiusM: number;
  /** outer boundary radius [m] (default 0.1) */
  outerRadiusM?: number;
  /** outer boundary: held at the initial temperature (default) or zero flux */
  outer?: 'initial' | 'insulated';
  /** initial temperature [°C]; default Ta + qm/wc if wc > 0, else Ta */
  initial_C?: number;
  /** probe boundary: constant or a list of phases (after the last phase: insulated) */
  inner: InnerBoundary | InnerPhase[];
  /** simulated time [s] */
  endTimeS: number;
  /** times [s] at which full profiles are stored (endTimeS is always stored) */
  reportTimesS?: number[];
  mesh?: RadialMeshOptions;
  time?: RadialTimeOptions;
  /** Newton tolerance on the enthalpy update, in kelvin-equivalent (ΔH/max(Cs,Cl)); default 1e-8 */
  newtonTolK?: number;
}

export interface RadialResult {
  geometry: Geometry;
  /** node radii [m]; radiiM[0] = probe radius */
  radiiM: Float64Array;
  /** stored report times [s], ascending */
  reportTimesS: number[];
  /** temperature profile [°C] at a stored report time */
  temperaturesAt(t_s: number): Float64Array;
  /** minimum temperature over [0, t] per node [°C] at a stored report time */
  minTemperaturesAt(t_s: number): Float64Array;
  /**
   * Outermost radius [m] where T <= T_C at report time t (sub-node interpolation, linear in the
   * natural coordinate x / ln r / −1/r). NaN if no node is at or below T_C.
   */
  isothermRadiusM(T_C: number, t_s: number): number;
  /** same on the minimum-over-time temperature (ablation zone at threshold T_C) */
  ablationRadiusM(T_C: number, t_s: number): number;
  /**
   * Ice-volume-equivalent front radius [m] at report time t: the radius of the region whose volume
   * equals Σ (1 − fl_i) V_i (frozen fraction integrated over all control volumes). For a sharp or
   * symmetric mushy zone this tracks the Tm front smoothly (no node-to-node staircase).
   */
  frozenEquivalentRadiusM(t_s: number): number;
  /** total enthalpy Σ V_i H_i [J per unit measure] at report time t (reference H(Ts) = 0) */
  enthalpyAt(t_s: number): number;
  /** temperature [°C] at radius r at report time t (interpolated as above) */
  temperatureAt(r_m: number, t_s: number): number;
  stats: { nodes: number; steps: number; newtonIterations: number; rejectedSteps: number; wallMs: number };
}

/** Builds the node radii (exported for tests). */
export function buildRadialMesh(r0: number, outer: number, m: RadialMeshOptions = {}): Float64Array {
  const hMin = m.hMinM ?? 1e-5;
  const hMax = m.hMaxM ?? 5e-5;
  const fineTo = m.fineToM ?? 0.045;
  const growth = m.growth ?? 1.05;
  const hOuter = m.hOuterM ?? 1e-3;
  if (!(outer > r0) || !(hMin > 0) || !(hMax >= hMin) || !(growth >= 1)) throw new Error('bad mesh options');
  const nodes: number[] = [r0];
  let r = r0;
  let h = Math.min(hMin, hMax);
  for (;;) {
    if (r + h >= outer - 0.3 * h) {
      nodes.push(outer);
      break;
    }
    r += h;
    nodes.push(r);
    h = Math.min(h * growth, r < fineTo ? hMax : hOuter);
  }
  return Float64Array.from(nodes);
}

/** Piecewise-exact material relations for one tissue, as functions of the enthalpy H. */
class Material {
  readonly dT: number;
  readonly Hl: number;
  readonly Phil: number;
  private readonly a: number;
  private readonly b: number;
  constructor(private readonly m: Required<RadialTissue>) {
    this.dT = m.Tl - m.Ts;
    if (this.dT < 0) throw new Error('Ts must be <= Tl');
    this.Hl = ((m.Cs + m.Cl) / 2) * this.dT + m.Lv;
    this.Phil = ((m.ks + m.kl) / 2) * this.dT;
    this.a = ((m.Cl - m.Cs) * this.dT) / 2;
    this.b = m.Cs * this.dT + m.Lv;
  }
  /** H(T), reference H(Ts) = 0 */
  H(T: number): number {
    const m = this.m;
    if (T <= m.Ts) return m.Cs * (T - m.Ts);
    if (T >= m.Tl) return this.Hl + m.Cl * (T - m.Tl);
    const s = (T - m.Ts) / this.dT;
    return this.a * s * s + this.b * s;
  }
  /** liquid fraction in the mushy zone from H in (0, Hl) */
  sOf(H: number): number {
    if (this.dT === 0) return H / this.m.Lv;
    return (2 * H) / (this.b + Math.sqrt(Math.max(0, this.b * this.b + 4 * this.a * H)));
  }
  T(H: number): number {
    const m = this.m;
    if (H <= 0) return m.Ts + H / m.Cs;
    if (H >= this.Hl) return m.Tl + (H - this.Hl) / m.Cl;
    return m.Ts + this.sOf(H) * this.dT;
  }
}

function geometryMeasures(g: Geometry, r: Float64Array): { V: Float64Array; G: Float64Array } {
  const n = r.length;
  const V = new Float64Array(n);
  const G = new Float64Array(n - 1);
  const vol = (a: number, b: number): number =>
    g === 'planar' ? b - a : g === 'cylinder' ? Math.PI * (b * b - a * a) : ((4 * Math.PI) / 3) * (b * b * b - a * a * a);
  for (let i = 0; i < n; i++) {
    const lo = i === 0 ? r[0] : 0.5 * (r[i - 1] + r[i]);
    const hi = i === n - 1 ? r[n - 1] : 0.5 * (r[i] + r[i + 1]);
    V[i] = vol(lo, hi);
  }
  for (let i = 0; i < n - 1; i++) {
    const a = r[i];
    const b = r[i + 1];
    G[i] = g === 'planar' ? 1 / (b - a) : g === 'cylinder' ? (2 * Math.PI) / Math.log(b / a) : (4 * Math.PI) / (1 / a - 1 / b);
  }
  return { V, G };
}

function naturalCoord(g: Geometry, r: number): number {
  return g === 'planar' ? r : g === 'cylinder' ? Math.log(r) : -1 / r;
}

/** Outermost crossing radius of T <= level in a nodal profile (NaN if none). */
function outermostCrossing(g: Geometry, r: Float64Array, T: Float64Array, level: number): number {
  const n = r.length;
  let i = n - 1;
  while (i >= 0 && !(T[i] <= level)) i--;
  if (i < 0) return NaN;
  if (i === n - 1) return r[n - 1];
  const f = (level - T[i]) / (T[i + 1] - T[i]);
  const xa = naturalCoord(g, r[i]);
  const xb = naturalCoord(g, r[i + 1]);
  const x = xa + f * (xb - xa);
  return g === 'planar' ? x : g === 'cylinder' ? Math.exp(x) : -1 / x;
}

function valueOf(v: number | ((t: number) => number), t: number): number {
  return typeof v === 'function' ? v(t) : v;
}

/** Runs the 1D enthalpy model and stores profiles at the report times. */
export function solveRadial(opts: RadialOptions): RadialResult {
  const wall0 = performance.now();
  const g = opts.geometry;
  const tis: Required<RadialTissue> = { wc: 0, qm: 0, Ta: 37, ...opts.tissue };
  if ((g === 'cylinder' || g === 'sphere') && !(opts.probeRadiusM > 0)) throw new Error('probeRadiusM must be > 0');
  const mat = new Material(tis);
  const r = buildRadialMesh(opts.probeRadiusM, opts.outerRadiusM ?? 0.1, opts.mesh);
  const n = r.length;
  const { V, G } = geometryMeasures(g, r);
  const T0 = opts.initial_C ?? (tis.wc > 0 ? tis.Ta + tis.qm / tis.wc : tis.Ta);
  const outerFixed = (opts.outer ?? 'initial') === 'initial';
  const Cref = Math.max(tis.Cs, tis.Cl);
  const tolH = (opts.newtonTolK ?? 1e-8) * Cref;
  const dtMin = opts.time?.dtMinS ?? 1e-3;
  const dtMax = opts.time?.dtMaxS ?? 0.25;
  const dtRel = opts.time?.dtRelative ?? 0.005;

  const phases: InnerPhase[] = Array.isArray(opts.inner)
    ? [...opts.inner].sort((a, b) => a.untilS - b.untilS)
    : [{ untilS: Infinity, bc: opts.inner }];
  const afterLast: InnerBoundary = { kind: 'insulated' };
  const bcAt = (t: number): { bc: InnerBoundary; until: number } => {
    for (const p of phases) if (t < p.untilS - 1e-9) return { bc: p.bc, until: p.untilS };
    return { bc: afterLast, until: Infinity };
  };

  const reportTimes = [...new Set([...(opts.reportTimesS ?? []), opts.endTimeS])]
    .filter((t) => t >= 0 && t <= opts.endTimeS)
    .sort((a, b) => a - b);
  const snapshots = new Map<number, { T: Float64Array; minT: Float64Array; H: Float64Array }>();

  // state
  const H = new Float64Array(n).fill(mat.H(T0));
  const Hn = new Float64Array(n);
  const T = new Float64Array(n);
  const Phi = new Float64Array(n);
  const dPhi = new Float64Array(n);
  const S = new Float64Array(n);
  const dS = new Float64Array(n);
  const minT = new Float64Array(n).fill(T0);
  // tridiagonal work arrays
  const lo = new Float64Array(n);
  const di = new Float64Array(n);
  const up = new Float64Array(n);
  const rhs = new Float64Array(n);
  const cp = new Float64Array(n);
  const dp = new Float64Array(n);

  const { Ts, Tl, Cs, Cl, ks, kl, Lv, wc, qm, Ta } = tis;
  const Hl = mat.Hl;
  const Phil = mat.Phil;
  const dTm = mat.dT;

  const evaluate = (): void => {
    for (let i = 0; i < n; i++) {
      const h = H[i];
      let t: number;
      let phi: number;
      let dphi: number;
      let gfrac: number;
      let dg: number;
      let dTdH: number;
      if (h <= 0) {
        t = Ts + h / Cs;
        phi = ks * (t - Ts);
        dTdH = 1 / Cs;
        dphi = ks * dTdH;
        gfrac = 0;
        dg = 0;
      } else if (h >= Hl) {
        t = Tl + (h - Hl) / Cl;
        phi = Phil + kl * (t - Tl);
        dTdH = 1 / Cl;
        dphi = kl * dTdH;
        gfrac = 1;
        dg = 0;
      } else {
        const s = mat.sOf(h);
        t = Ts + s * dTm;
        const kk = ks + (kl - ks) * s;
        const cc = Cs + (Cl - Cs) * s;
        const dsdH = 1 / (cc * dTm + Lv);
        dTdH = dTm * dsdH;
        phi = dTm * (ks * s + ((kl - ks) * s * s) / 2);
        dphi = kk * dTdH;
        gfrac = s;
        dg = dsdH;
      }
      T[i] = t;
      Phi[i] = phi;
      dPhi[i] = dphi;
      const src = wc * (Ta - t) + qm;
      S[i] = gfrac * src;
      dS[i] = dg * src - gfrac * wc * dTdH;
    }
  };

  let t = 0;
  let tBreak = 0; // time of the last boundary change
  let steps = 0;
  let newtonIterations = 0;
  let rejected = 0;
  let reportIdx = 0;

  // report at t = 0 if requested
  evaluate();
  while (reportIdx < reportTimes.length && reportTimes[reportIdx] <= 0) {
    snapshots.set(reportTimes[reportIdx], { T: T.slice(), minT: minT.slice(), H: H.slice() });
    reportIdx++;
  }

  let currentBc = bcAt(0);
  let dtCap = Infinity; // shrinks after a rejected step, recovers afterwards
  while (t < opts.endTimeS - 1e-12) {
    const phase = bcAt(t);
    if (phase.bc !== currentBc.bc) {
      currentBc = phase;
      tBreak = t;
    }
    let dt = Math.min(dtMax, dtCap, Math.max(dtMin, dtRel * (t - tBreak)));
    const nextStop = Math.min(opts.endTimeS, phase.until, reportIdx < reportTimes.length ? reportTimes[reportIdx] : Infinity);
    if (t + dt > nextStop - 1e-9 * Math.max(1, dt)) dt = nextStop - t;
    else if (t + 2 * dt > nextStop) dt = (nextStop - t) / 2;

    const bc = phase.bc;
    const tNew = t + dt;
    Hn.set(H);
    const dirichletInner = bc.kind === 'temperature';
    const qIn = bc.kind === 'extraction' ? valueOf(bc.q, tNew) : 0;
    if (dirichletInner) H[0] = mat.H(valueOf(bc.T_C, tNew));
    const first = dirichletInner ? 1 : 0;
    const last = outerFixed ? n - 2 : n - 1;

    let converged = false;
    for (let it = 0; it < 60; it++) {
      newtonIterations++;
      evaluate();
      // assemble F and J for unknowns first..last
      for (let i = first; i <= last; i++) {
        let flux = 0;
        let dd = V[i] / dt - V[i] * dS[i];
        if (i > 0) {
          flux += G[i - 1] * (Phi[i - 1] - Phi[i]);
          dd += G[i - 1] * dPhi[i];
          lo[i] = i - 1 >= first ? -G[i - 1] * dPhi[i - 1] : 0;
        } else lo[i] = 0;
        if (i < n - 1) {
          flux += G[i] * (Phi[i + 1] - Phi[i]);
          dd += G[i] * dPhi[i];
          up[i] = i + 1 <= last ? -G[i] * dPhi[i + 1] : 0;
        } else up[i] = 0;
        let F = (V[i] * (H[i] - Hn[i])) / dt - flux - V[i] * S[i];
        if (i === 0) F += qIn;
        di[i] = dd;
        rhs[i] = -F;
      }
      // Thomas
      cp[first] = up[first] / di[first];
      dp[first] = rhs[first] / di[first];
      for (let i = first + 1; i <= last; i++) {
        const m = di[i] - lo[i] * cp[i - 1];
        cp[i] = up[i] / m;
        dp[i] = (rhs[i] - lo[i] * dp[i - 1]) / m;
      }
      for (let i = last - 1; i >= first; i--) dp[i] -= cp[i] * dp[i + 1];
      // update with kink clipping
      let maxStep = 0;
      let clipped = false;
      for (let i = first; i <= last; i++) {
        const h0 = H[i];
        let h1 = h0 + dp[i];
        if (h0 < 0 && h1 > 0) {
          h1 = 1e-12 * Lv;
          clipped = true;
        } else if (h0 > 0 && h1 < 0) {
          h1 = -1e-12 * Lv;
          clipped = true;
        } else if (h0 < Hl && h1 > Hl) {
          h1 = Hl + 1e-12 * Lv;
          clipped = true;
        } else if (h0 > Hl && h1 < Hl) {
          h1 = Hl - 1e-12 * Lv;
          clipped = true;
        }
        const step = Math.abs(h1 - h0);
        if (step > maxStep) maxStep = step;
        H[i] = h1;
      }
      if (!Number.isFinite(maxStep)) break;
      if (!clipped && maxStep < tolH) {
        converged = true;
        break;
      }
    }
    if (!converged) {
      // reject: restore and halve the step
      H.set(Hn);
      rejected++;
      dtCap = dt / 2;
      if (dtCap < 1e-10) throw new Error(`solveRadial: Newton failed at t=${t}`);
      continue;
    }
    evaluate();
    t = tNew;
    steps++;
    dtCap *= 2;
    for (let i = 0; i < n; i++) if (T[i] < minT[i]) minT[i] = T[i];
    while (reportIdx < reportTimes.length && reportTimes[reportIdx] <= t + 1e-9) {
      snapshots.set(reportTimes[reportIdx], { T: T.slice(), minT: minT.slice(), H: H.slice() });
      reportIdx++;
    }
  }

  const snap = (ts: number): { T: Float64Array; minT: Float64Array; H: Float64Array } => {
    for (const [k, v] of snapshots) if (Math.abs(k - ts) <= 1e-9 * Math.max(1, ts)) return v;
    throw new Error(`no stored profile at t=${ts}; add it to reportTimesS`);
  };
  const wallMs = performance.now() - wall0;
  return {
    geometry: g,
    radiiM: r,
    reportTimesS: reportTimes,
    temperaturesAt: (ts) => snap(ts).T,
    minTemperaturesAt: (ts) => snap(ts).minT,
    isothermRadiusM: (T_C, ts) => outermostCrossing(g, r, snap(ts).T, T_C),
    ablationRadiusM: (T_C, ts) => outermostCrossing(g, r, snap(ts).minT, T_C),
    enthalpyAt(ts: number): number {
      const Hs = snap(ts).H;
      let e = 0;
      for (let i = 0; i < n; i++) e += V[i] * Hs[i];
      return e;
    },
    frozenEquivalentRadiusM(ts: number): number {
      const Hs = snap(ts).H;
      let vol = 0;
      for (let i = 0; i < n; i++) {
        const h = Hs[i];
        const fl = h <= 0 ? 0 : h >= Hl ? 1 : mat.sOf(h);
        vol += (1 - fl) * V[i];
      }
      const r0 = r[0];
      if (g === 'planar') return r0 + vol;
      if (g === 'cylinder') return Math.sqrt(r0 * r0 + vol / Math.PI);
      return Math.cbrt(r0 * r0 * r0 + (3 * vol) / (4 * Math.PI));
    },
    temperatureAt(rm: number, ts: number): number {
      const Tp = snap(ts).T;
      if (rm <= r[0]) return Tp[0];
      if (rm >= r[n - 1]) return Tp[n - 1];
      let a = 0;
      let b = n - 1;
      while (b - a > 1) {
        const mid = (a + b) >> 1;
        if (r[mid] <= rm) a = mid;
        else b = mid;
      }
      const xa = naturalCoord(g, r[a]);
      const f = (naturalCoord(g, rm) - xa) / (naturalCoord(g, r[b]) - xa);
      return Tp[a] + f * (Tp[b] - Tp[a]);
    },
    stats: { nodes: n, steps, newtonIterations, rejectedSteps: rejected, wallMs },
  };
}
