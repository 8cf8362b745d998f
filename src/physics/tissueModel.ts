import type { TissueProperties } from '../plan/types.ts';

/**
 * The constitutive model of physics.md §1 with constants precomputed for the hot loop.
 *
 * Enthalpy H(T) [J/m³], referenced to H = 0 at the solidus Ts, with d = T − Ts, W = Tl − Ts:
 *   T ≤ Ts:        H = Cs d
 *   Ts < T < Tl:   H = b d + a d²,  b = Cs + Lv/W,  a = (Cl − Cs)/(2W)   (C linear across the zone)
 *   T ≥ Tl:        H = Hl + Cl (T − Tl), Hl = (Cs + Cl) W/2 + Lv
 * Inversion in the zone is the stable root d = 2H / (b + √(b² + 4aH)): exact and cheap.
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
  /** Mushy zone: H = mushyB·d + mushyA·d² (see above) [J/(m³·K)], [J/(m³·K²)]. */
  mushyB: number;
  mushyA: number;
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
  const restC = p.perfusion_W_m3K > 0 ? p.arterial_C + p.metabolic_W_m3 / p.perfusion_W_m3K : p.initial_C;
  return {
    Ts,
    Tl,
    invMushyWidth: 1 / width,
    ks: p.k_frozen_W_mK,
    kl: p.k_unfrozen_W_mK,
    Cs: p.C_frozen_J_m3K,
    Cl: p.C_unfrozen_J_m3K,
    mushyB: p.C_frozen_J_m3K + p.latent_J_m3 / width,
    mushyA: (p.C_unfrozen_J_m3K - p.C_frozen_J_m3K) / (2 * width),
    Hl: 0.5 * (p.C_frozen_J_m3K + p.C_unfrozen_J_m3K) * width + p.latent_J_m3,
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
  const d = T - m.Ts;
  return m.mushyB * d + m.mushyA * d * d;
}

/** T within the mushy zone for 0 < H < Hl. */
function mushyTemperature(m: TissueModel, H: number): number {
  return m.Ts + (2 * H) / (m.mushyB + Math.sqrt(m.mushyB * m.mushyB + 4 * m.mushyA * H));
}

/** T(H) [°C], the exact inverse of enthalpyOf. */
export function temperatureOf(m: TissueModel, H: number): number {
  if (H <= 0) return m.Ts + H / m.Cs;
  if (H >= m.Hl) return m.Tl + (H - m.Hl) / m.Cl;
  return mushyTemperature(m, H);
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
  return m.mushyB + 2 * m.mushyA * (T - m.Ts);
}

/**
 * Perfusion + metabolic source of a cell at T [W/m³]: fl(T)·(wc (Ta − T) + qm), the liquid
 * fraction fl 0 at or below the solidus, 1 at or above the liquidus (what the kernels add).
 */
export function sourceOf(m: TissueModel, T: number): number {
  const fl = Math.min(1, Math.max(0, (T - m.Ts) * m.invMushyWidth));
  return fl * (m.wc * m.Ta + m.qm - m.wc * T);
}

/** Largest stable explicit step [s] for the 7-point stencil at spacing h [m] (whole model). */
export function stableStepS(m: TissueModel, h: number): number {
  // dH/dt = ∇²φ: the explicit scheme is monotone when dt · 6 (k/C)_max / h² ≤ 1. The largest
  // diffusivity is frozen tissue (k high, C low); the mushy zone is far slower (latent heat).
  const diffusivityMax = Math.max(m.ks / m.Cs, m.kl / m.Cl, Math.max(m.ks, m.kl) / Math.min(m.mushyB, m.mushyB + 2 * m.mushyA / m.invMushyWidth));
  const conduction = (h * h) / (6 * diffusivityMax);
  // Perfusion is a decay term wc/C; keep its explicit factor well below 1.
  const perfusion = m.wc > 0 ? 0.5 * m.Cl / m.wc : Infinity;
  return Math.min(conduction, perfusion);
}
