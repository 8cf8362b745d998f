/**
 * Closed-form reference solutions of physics.md §5 (SI units inside: m, s, W, J; temperatures °C).
 *
 * Independent of src/physics: used to check the 3D solver and the 1D reference solver.
 * Notation: k conductivity [W/(m K)], C volumetric heat capacity [J/(m^3 K)], Lv volumetric latent
 * heat [J/m^3], alpha = k/C [m^2/s], wc perfusion term [W/(m^3 K)], qm metabolic heat [W/m^3].
 */
import { besselK0, besselK1, bracketAndSolve, brent, erf, erfc, erfcinv, erfcx, erfinv, expIntE1 } from './special.ts';

// ---------------------------------------------------------------------------------------------
// 1. Neumann two-phase Stefan problem (planar half-space), Carslaw & Jaeger §11.2
// ---------------------------------------------------------------------------------------------

/** Parameters of the two-phase planar Stefan problem (sharp front at Tm). */
export interface NeumannParams {
  /** frozen conductivity [W/(m K)] */
  ks: number;
  /** unfrozen conductivity [W/(m K)] */
  kl: number;
  /** frozen volumetric heat capacity [J/(m^3 K)] */
  Cs: number;
  /** unfrozen volumetric heat capacity [J/(m^3 K)] */
  Cl: number;
  /** volumetric latent heat [J/m^3] */
  Lv: number;
  /** melting temperature [°C] */
  Tm: number;
  /** initial temperature of the half-space [°C], Ti > Tm */
  Ti: number;
  /** face temperature held from t = 0 [°C], Tw < Tm */
  Tw: number;
}

/**
 * Root λ of ks(Tm−Tw)e^{−λ²}/(erf(λ)√(π αs)) − kl(Ti−Tm)e^{−λ²αs/αl}/(erfc(λ√(αs/αl))√(π αl))
 * = Lv λ √αs. The front is X(t) = 2λ√(αs t).
 */
export function neumannLambda(p: NeumannParams): number {
  const as = p.ks / p.Cs;
  const al = p.kl / p.Cl;
  const nu = Math.sqrt(as / al);
  const f = (lam: number): number =>
    (p.ks * (p.Tm - p.Tw) * Math.exp(-lam * lam)) / (erf(lam) * Math.sqrt(Math.PI * as)) -
    // e^{-z^2}/erfc(z) = 1/erfcx(z): no 0/0 for large z
    (p.kl * (p.Ti - p.Tm)) / (erfcx(lam * nu) * Math.sqrt(Math.PI * al)) -
    p.Lv * lam * Math.sqrt(as);
  return bracketAndSolve(f, 1e-12, 1);
}

/** Front position X(t) = 2λ√(αs t) [m]. */
export function neumannFrontM(p: NeumannParams, t_s: number): number {
  return 2 * neumannLambda(p) * Math.sqrt((p.ks / p.Cs) * t_s);
}

/** Temperature [°C] at depth x [m] and time t [s] of the Neumann solution. */
export function neumannTemperature(p: NeumannParams, x_m: number, t_s: number): number {
  const lam = neumannLambda(p);
  const as = p.ks / p.Cs;
  const al = p.kl / p.Cl;
  const X = 2 * lam * Math.sqrt(as * t_s);
  if (x_m <= X) return p.Tw + ((p.Tm - p.Tw) * erf(x_m / (2 * Math.sqrt(as * t_s)))) / erf(lam);
  const nu = Math.sqrt(as / al);
  return p.Ti - ((p.Ti - p.Tm) * erfc(x_m / (2 * Math.sqrt(al * t_s)))) / erfc(lam * nu);
}

/**
 * Depth [m] of the T_C isotherm at time t. Frozen zone (Tw <= T <= Tm):
 * x* = 2√(αs t)·erfinv(erf(λ)(T−Tw)/(Tm−Tw)); unfrozen zone (Tm < T < Ti):
 * x* = 2√(αl t)·erfcinv(erfc(λ√(αs/αl))(Ti−T)/(Ti−Tm)). NaN outside (Tw, Ti).
 */
export function neumannIsothermPositionM(p: NeumannParams, T_C: number, t_s: number): number {
  const lam = neumannLambda(p);
  const as = p.ks / p.Cs;
  const al = p.kl / p.Cl;
  if (T_C < p.Tw || T_C >= p.Ti) return NaN;
  if (T_C <= p.Tm) return 2 * Math.sqrt(as * t_s) * erfinv((erf(lam) * (T_C - p.Tw)) / (p.Tm - p.Tw));
  const nu = Math.sqrt(as / al);
  return 2 * Math.sqrt(al * t_s) * erfcinv((erfc(lam * nu) * (p.Ti - T_C)) / (p.Ti - p.Tm));
}

// ---------------------------------------------------------------------------------------------
// 2. Paterson line sink (cylindrical, constant extraction q [W/m] per metre of line), C&J §11.3
// ---------------------------------------------------------------------------------------------

/** Paterson parameters: the Neumann set without the wall temperature. */
export type PatersonParams = Omit<NeumannParams, 'Tw'>;

/**
 * Root λ of (q/4π)e^{−λ²} − kl(Ti−Tm)e^{−λ²αs/αl}/E1(λ²αs/αl) = λ² αs Lv, for a line sink
 * extracting q [W/m] (q > 0 removes heat). The front is R(t) = 2λ√(αs t).
 */
export function patersonLambda(p: PatersonParams, q_W_per_m: number): number {
  const as = p.ks / p.Cs;
  const al = p.kl / p.Cl;
  const f = (lam: number): number => {
    const z = (lam * lam * as) / al;
    return (
      (q_W_per_m / (4 * Math.PI)) * Math.exp(-lam * lam) -
      (p.kl * (p.Ti - p.Tm) * Math.exp(-z)) / expIntE1(z) -
      lam * lam * as * p.Lv
    );
  };
  // f(0+) = q/4π > 0 (e^{-z}/E1(z) -> 0 as z -> 0); f decreases to -inf.
  return bracketAndSolve(f, 1e-12, 0.5);
}

/** Front radius R(t) = 2λ√(αs t) [m] of the Paterson line sink. */
export function patersonFrontRadiusM(p: PatersonParams, q_W_per_m: number, t_s: number): number {
  return 2 * patersonLambda(p, q_W_per_m) * Math.sqrt((p.ks / p.Cs) * t_s);
}

/**
 * Temperature [°C] at radius r [m], time t [s]. Frozen (r <= R):
 * T = Tm − q/(4π ks)[E1(r²/(4αs t)) − E1(λ²)]; unfrozen (r > R):
 * T = Ti − (Ti−Tm) E1(r²/(4αl t))/E1(λ²αs/αl).
 */
export function patersonTemperature(p: PatersonParams, q_W_per_m: number, r_m: number, t_s: number): number {
  const lam = patersonLambda(p, q_W_per_m);
  const as = p.ks / p.Cs;
  const al = p.kl / p.Cl;
  const R = 2 * lam * Math.sqrt(as * t_s);
  if (r_m <= R) {
    return p.Tm - (q_W_per_m / (4 * Math.PI * p.ks)) * (expIntE1((r_m * r_m) / (4 * as * t_s)) - expIntE1(lam * lam));
  }
  return p.Ti - ((p.Ti - p.Tm) * expIntE1((r_m * r_m) / (4 * al * t_s))) / expIntE1((lam * lam * as) / al);
}

/** Radius [m] of the T_C isotherm (T_C < Ti) of the Paterson solution at time t. */
export function patersonIsothermRadiusM(p: PatersonParams, q_W_per_m: number, T_C: number, t_s: number): number {
  if (T_C >= p.Ti) return NaN;
  const R = patersonFrontRadiusM(p, q_W_per_m, t_s);
  if (T_C === p.Tm) return R;
  const g = (r: number): number => patersonTemperature(p, q_W_per_m, r, t_s) - T_C;
  if (T_C < p.Tm) return brent(g, 1e-12 * R, R);
  let hi = 2 * R;
  while (g(hi) < 0) hi *= 2;
  return brent(g, R, hi);
}

// ---------------------------------------------------------------------------------------------
// 3. Steady Pennes around a cold cylinder or sphere (no freezing)
// ---------------------------------------------------------------------------------------------

/** Steady Pennes around a probe of radius R held at TR, single phase (k, wc, qm constant). */
export interface PennesSteadyParams {
  /** conductivity [W/(m K)] */
  k: number;
  /** perfusion wc [W/(m^3 K)], > 0 */
  wc: number;
  /** metabolic heat [W/m^3] */
  qm: number;
  /** arterial temperature Ta [°C]; the far field sits at Ta + qm/wc */
  Ta: number;
  /** probe radius [m] */
  R: number;
  /** probe surface temperature [°C] */
  TR: number;
}

/** Resting (undisturbed) temperature Ta + qm/wc [°C]. */
export function restingTemperature(Ta: number, qm: number, wc: number): number {
  return wc > 0 ? Ta + qm / wc : Ta;
}

/** Perfusion length L = √(k/wc) [m]. */
export function perfusionLength(k: number, wc: number): number {
  return Math.sqrt(k / wc);
}

/** Sphere: θ = θR (R/r) e^{−(r−R)/L}, θ = T − (Ta + qm/wc). Returns T [°C] at r >= R. */
export function pennesSteadySphere(p: PennesSteadyParams, r_m: number): number {
  const Tinf = restingTemperature(p.Ta, p.qm, p.wc);
  const L = perfusionLength(p.k, p.wc);
  return Tinf + (p.TR - Tinf) * (p.R / r_m) * Math.exp(-(r_m - p.R) / L);
}

/** Cylinder: θ = θR K0(r/L)/K0(R/L). Returns T [°C] at r >= R. */
export function pennesSteadyCylinder(p: PennesSteadyParams, r_m: number): number {
  const Tinf = restingTemperature(p.Ta, p.qm, p.wc);
  const L = perfusionLength(p.k, p.wc);
  return Tinf + ((p.TR - Tinf) * besselK0(r_m / L)) / besselK0(p.R / L);
}

// ---------------------------------------------------------------------------------------------
// 4. Steady maximal ice ball (physics.md §5.4)
// ---------------------------------------------------------------------------------------------

/**
 * Steady maximal ice ball. Frozen shell Rp < r < Rf conducts with ks (no perfusion, no
 * metabolism); outside, steady single-phase Pennes with kl, wc, qm; T = Tm and flux continuous at
 * r = Rf.
 *
 * Interpretation of Ta' in physics.md §5.4: Ta' is the far-field (resting) temperature
 * Ta + qm/wc, i.e. θ = T − (Ta + qm/wc) is what decays as K0(r/L). With Ta = 37 °C (arterial),
 * qm = 4200, wc = 7200 this is Ta' = 37.583 °C and gives Rf = 34.37 mm, r(−20) = 21.64 mm,
 * r(−40) = 13.62 mm, matching the published 34.4 / 21.6 / 13.6 mm. Taking Ta' = 37 (i.e. the
 * resting temperature 37 °C) would give 34.82 / 21.88 / 13.75 mm instead, which does NOT match.
 */
export interface SteadyIceBallParams {
  ks: number;
  kl: number;
  wc: number;
  qm: number;
  /** arterial blood temperature Ta [°C] (NOT the resting temperature) */
  Ta: number;
  /** probe radius [m] */
  Rp: number;
  /** probe surface temperature [°C] */
  Tp: number;
  /** phase-change temperature of the front [°C], default 0 */
  Tm?: number;
}

export interface SteadyIceBall {
  /** front (Tm isotherm) radius [m] */
  RfM: number;
  /** radius [m] of the T_C isotherm, Tp <= T_C < Ta' (frozen: log/hyperbolic profile) */
  radiusAtM(T_C: number): number;
  /** temperature [°C] at r >= Rp */
  temperatureAt(r_m: number): number;
}

/** Cylinder: ks(Tm−Tp)/(Rf ln(Rf/Rp)) = kl(Ta'−Tm) K1(Rf/L)/(L K0(Rf/L)), Ta' = Ta + qm/wc. */
export function steadyIceBallCylinder(p: SteadyIceBallParams): SteadyIceBall {
  const Tm = p.Tm ?? 0;
  const Tinf = restingTemperature(p.Ta, p.qm, p.wc);
  const L = perfusionLength(p.kl, p.wc);
  const f = (Rf: number): number =>
    (p.ks * (Tm - p.Tp)) / (Rf * Math.log(Rf / p.Rp)) - (p.kl * (Tinf - Tm) * besselK1(Rf / L)) / (L * besselK0(Rf / L));
  const Rf = bracketAndSolve(f, p.Rp * (1 + 1e-9), 2 * p.Rp, 2);
  const lnRatio = Math.log(Rf / p.Rp);
  return {
    RfM: Rf,
    radiusAtM(T_C: number): number {
      if (T_C <= Tm) return p.Rp * Math.exp((lnRatio * (T_C - p.Tp)) / (Tm - p.Tp));
      if (T_C >= Tinf) return NaN;
      // unfrozen: T = Tinf + (Tm − Tinf) K0(r/L)/K0(Rf/L)
      const k0f = besselK0(Rf / L);
      return brent((r) => Tinf + ((Tm - Tinf) * besselK0(r / L)) / k0f - T_C, Rf, Rf + 200 * L);
    },
    temperatureAt(r_m: number): number {
      if (r_m <= Rf) return p.Tp + ((Tm - p.Tp) * Math.log(r_m / p.Rp)) / lnRatio;
      return Tinf + ((Tm - Tinf) * besselK0(r_m / L)) / besselK0(Rf / L);
    },
  };
}

/** Sphere: ks(Tm−Tp)/(Rf²(1/Rp − 1/Rf)) = kl(Ta'−Tm)(1/Rf + 1/L), Ta' = Ta + qm/wc. */
export function steadyIceBallSphere(p: SteadyIceBallParams): SteadyIceBall {
  const Tm = p.Tm ?? 0;
  const Tinf = restingTemperature(p.Ta, p.qm, p.wc);
  const L = perfusionLength(p.kl, p.wc);
  const f = (Rf: number): number =>
    (p.ks * (Tm - p.Tp)) / (Rf * Rf * (1 / p.Rp - 1 / Rf)) - p.kl * (Tinf - Tm) * (1 / Rf + 1 / L);
  const Rf = bracketAndSolve(f, p.Rp * (1 + 1e-9), 2 * p.Rp, 2);
  const w = 1 / p.Rp - 1 / Rf;
  return {
    RfM: Rf,
    radiusAtM(T_C: number): number {
      if (T_C <= Tm) return 1 / (1 / p.Rp - (w * (T_C - p.Tp)) / (Tm - p.Tp));
      if (T_C >= Tinf) return NaN;
      return brent((r) => Tinf + (Tm - Tinf) * (Rf / r) * Math.exp(-(r - Rf) / L) - T_C, Rf, Rf + 200 * L);
    },
    temperatureAt(r_m: number): number {
      if (r_m <= Rf) return p.Tp + ((Tm - p.Tp) * (1 / p.Rp - 1 / r_m)) / w;
      return Tinf + (Tm - Tinf) * (Rf / r_m) * Math.exp(-(r_m - Rf) / L);
    },
  };
}
