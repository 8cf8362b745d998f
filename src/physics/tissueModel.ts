import type { TissueProperties } from '../plan/types.ts';

/**
 * The constitutive model of physics.md §1 with constants precomputed for the hot loop.
 *
 * Enthalpy H(T) [J/m³], referenced to H = 0 at the solidus Ts:
 *   T ≤ Ts:        H = Cs (T − Ts)
 *   Ts < T < Tl:   H = Cmushy (T − Ts),  Cmushy = (Cs + Cl)/2 + Lv/(Tl − Ts)
 *   T ≥ Tl:        H = Hl + Cl (T − Tl), Hl = Cmushy (Tl − Ts)
 * Inside the mushy zone C is taken at its mean, which makes H(T) piecewise linear (exact, cheap
 * inversion) and exact at both ends of the zone: ∫C dT over the zone equals the mean × width.
 *
 * Kirchhoff potential φ(T) = ∫ k dT [W/m], with k linear through the mushy zone; the heat flux
 * between two points is then (φ2 − φ1)/distance, exact for steady 1D conduction with k(T).
 *
 * Perfusion and metabolism are scaled by the liquid fraction fl(T) (0 at Ts, 1 at Tl).
 */
export interface TissueModel {
  /** Solidus, liquidus [°C]. */
  Ts: number;
  Tl: number;
  /** 1 / (Tl − Ts) [1/K]. */
  invMushyWidth: number;
  ks: number;
  kl: number;
  Cs: number;
  Cl: number;
  /** Apparent capacity in the mushy zone, latent heat included [J/(m³·K)]. */
  Cmushy: number;
  /** H at Tl [J/m³]. */
  Hl: number;
  /** φ at Tl [W/m]. */
  phiL: number;
  /** Perfusion wc [W/(m³·K)], metabolism qm [W/m³], arterial Ta [°C]. */
  wc: number;
  qm: number;
  Ta: number;
  /** Undisturbed resting temperature [°C]: Ta + qm/wc with perfusion, else initial_C. */
  restC: number;
}

export function makeTissueModel(p: TissueProperties): TissueModel {
  const Ts = p.solidus_C;
  const Tl = p.liquidus_C;
  if (!(Tl > Ts)) throw new Error(`tissue: liquidus_C (${Tl}) must be above solidus_C (${Ts})`);
  const width = Tl - Ts;
  const Cmushy = 0.5 * (p.C_frozen_J_m3K + p.C_unfrozen_J_m3K) + p.latent_J_m3 / width;
  const restC = p.perfusion_W_m3K > 0 ? p.arterial_C + p.metabolic_W_m3 / p.perfusion_W_m3K : p.initial_C;
  return {
    Ts,
    Tl,
    invMushyWidth: 1 / width,
    ks: p.k_frozen_W_mK,
    kl: p.k_unfrozen_W_mK,
    Cs: p.C_frozen_J_m3K,
    Cl: p.C_unfrozen_J_m3K,
    Cmushy,
    Hl: Cmushy * width,
    phiL: 0.5 * (p.k_frozen_W_mK + p.k_unfrozen_W_mK) * width,
    wc: p.perfusion_W_m3K,
    qm: p.metabolic_W_m3,
    Ta: p.arterial_C,
    restC,
  };
}

/** H(T) [J/m³]. */
export function enthalpyOf(m: TissueModel, T: number): number {
  if (T <= m.Ts) return m.Cs * (T - m.Ts);
  if (T >= m.Tl) return m.Hl + m.Cl * (T - m.Tl);
  return m.Cmushy * (T - m.Ts);
}

/** T(H) [°C], the exact inverse of enthalpyOf. */
export function temperatureOf(m: TissueModel, H: number): number {
  if (H <= 0) return m.Ts + H / m.Cs;
  if (H >= m.Hl) return m.Tl + (H - m.Hl) / m.Cl;
  return m.Ts + H / m.Cmushy;
}

/** Kirchhoff potential φ(T) = ∫_Ts^T k dT [W/m]. */
export function kirchhoffOf(m: TissueModel, T: number): number {
  if (T <= m.Ts) return m.ks * (T - m.Ts);
  if (T >= m.Tl) return m.phiL + m.kl * (T - m.Tl);
  const d = T - m.Ts;
  return m.ks * d + 0.5 * (m.kl - m.ks) * d * d * m.invMushyWidth;
}

/** Conductivity k(T) [W/(m·K)]. */
export function conductivityOf(m: TissueModel, T: number): number {
  if (T <= m.Ts) return m.ks;
  if (T >= m.Tl) return m.kl;
  return m.ks + (m.kl - m.ks) * (T - m.Ts) * m.invMushyWidth;
}

/** dH/dT at T [J/(m³·K)] (apparent capacity, latent heat included). */
export function capacityOf(m: TissueModel, T: number): number {
  if (T < m.Ts) return m.Cs;
  if (T > m.Tl) return m.Cl;
  return m.Cmushy;
}

/** Liquid fraction fl(T) ∈ [0, 1]: scales perfusion and metabolism. */
export function liquidFractionOf(m: TissueModel, T: number): number {
  const f = (T - m.Ts) * m.invMushyWidth;
  return f <= 0 ? 0 : f >= 1 ? 1 : f;
}

/** Largest stable explicit step [s] for the 7-point stencil at spacing h [m] (whole model). */
export function stableStepS(m: TissueModel, h: number): number {
  // dH/dt = ∇²φ: the explicit scheme is monotone when dt · 6 (k/C)_max / h² ≤ 1. The largest
  // diffusivity is frozen tissue (k high, C low); the mushy zone is far slower (latent heat).
  const diffusivityMax = Math.max(m.ks / m.Cs, m.kl / m.Cl, Math.max(m.ks, m.kl) / m.Cmushy);
  const conduction = (h * h) / (6 * diffusivityMax);
  // Perfusion is a decay term wc/C; keep its explicit factor well below 1.
  const perfusion = m.wc > 0 ? 0.5 * m.Cl / m.wc : Infinity;
  return Math.min(conduction, perfusion);
}
