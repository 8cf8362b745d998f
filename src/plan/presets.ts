/**
 * Tissue presets (SI), from shared/design/physics.md §2 and the sources it lists.
 *
 * Rules used for every preset (state of the numbers):
 * - Unfrozen k, ρ, c are published values (physics.md §2: liver, prostate, muscle, fat, bone; kidney
 *   ρ, c). C_unfrozen = ρ·c.
 * - Frozen values of water-rich tissue (liver, kidney, prostate, muscle, generic): the default
 *   table, k_frozen 2.0 W/(m·K), C_frozen 1.8 MJ/(m³·K), latent heat 250 MJ/m³ (≈ 75 % water ×
 *   334 MJ/m³; liver DSC gives 140–159 J/g, i.e. 150–170 MJ/m³, of which the table's value is the
 *   upper, "all tissue water freezes" end), mushy zone −8…−1 °C.
 * - Tissue with less water (fat, bone, breast): the change on freezing scales with
 *   s = water fraction / 0.75:  latent = 250 MJ/m³·s,  k_frozen = k_unfrozen + 1.5·s,
 *   C_frozen = C_unfrozen − 1.8 MJ/(m³·K)·s  (1.5 and 1.8 MJ are the default table's changes).
 *   Water fractions (assumptions, ICRP/ITIS-order values): fat 0.15 (s 0.2), cortical bone 0.19
 *   (s 0.25), breast (fibroglandular + fat mixture) 0.45 (s 0.6).
 * - Perfusion wc = w_b [1/s] × ρ_b c_b, with ρ_b c_b = 3.8 MJ/(m³·K) (physics.md §2).
 * - Resting temperature: the engine starts from the undisturbed steady state Ta + qm/wc. So that
 *   this is 37 °C, arterial_C = 37 − qm/wc (computed, not rounded), initial_C = 37.
 */

import type { TissuePresetName, TissueProperties, TissueSpec } from './types.ts';

/** Blood volumetric heat capacity ρ_b c_b [J/(m³·K)] (physics.md §2). */
export const BLOOD_C_J_m3K = 3.8e6;
/** Resting body temperature [°C]. */
export const BODY_C = 37;
/** Latent heat of water [J/m³]. */
export const WATER_LATENT_J_m3 = 3.34e8;

interface Base {
  k_unfrozen_W_mK: number;
  /** [kg/m³] */ rho: number;
  /** [J/(kg·K)] */ c: number;
  /** Blood perfusion rate w_b [1/s]. */ w_b: number;
  /** [W/m³] */ qm: number;
  /** Water fraction relative to water-rich tissue (1 = default frozen table). */ s: number;
}

/** Rounds to 6 decimals (removes float noise such as 1.3199999999999998). */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function tissue(b: Base): TissueProperties {
  const C_unfrozen = b.rho * b.c;
  const wc = b.w_b * BLOOD_C_J_m3K;
  const waterRich = b.s >= 1;
  return {
    k_unfrozen_W_mK: b.k_unfrozen_W_mK,
    k_frozen_W_mK: waterRich ? 2.0 : round6(b.k_unfrozen_W_mK + 1.5 * b.s),
    C_unfrozen_J_m3K: C_unfrozen,
    C_frozen_J_m3K: waterRich ? 1.8e6 : C_unfrozen - 1.8e6 * b.s,
    latent_J_m3: 2.5e8 * Math.min(1, b.s),
    solidus_C: -8,
    liquidus_C: -1,
    perfusion_W_m3K: wc,
    metabolic_W_m3: b.qm,
    arterial_C: wc > 0 ? BODY_C - b.qm / wc : BODY_C,
    initial_C: BODY_C,
  };
}

export const tissuePresets: Readonly<Record<TissuePresetName, Readonly<TissueProperties>>> = {
  // Default table exactly (k 0.5/2.0, C 3.6/1.8 MJ, Lv 250 MJ, −8…−1 °C); w_b 0.0005 /s → 1 900
  // W/(m³·K); qm 420 W/m³: a low resting value inside the table's 0–4 200 (assumption).
  generic: {
    k_unfrozen_W_mK: 0.5,
    k_frozen_W_mK: 2.0,
    C_unfrozen_J_m3K: 3.6e6,
    C_frozen_J_m3K: 1.8e6,
    latent_J_m3: 2.5e8,
    solidus_C: -8,
    liquidus_C: -1,
    perfusion_W_m3K: 0.0005 * BLOOD_C_J_m3K,
    metabolic_W_m3: 420,
    arterial_C: BODY_C - 420 / (0.0005 * BLOOD_C_J_m3K),
    initial_C: BODY_C,
  },
  // k 0.52, ρ 1079, c 3540 (physics.md §2); w_b 0.0036 /s; qm 4 200 (table's upper value,
  // metabolically active organ).
  liver: tissue({ k_unfrozen_W_mK: 0.52, rho: 1079, c: 3540, w_b: 0.0036, qm: 4200, s: 1 }),
  // ρ 1066, c 3763, w_b 0.0035 /s (physics.md §2); k 0.53 (ITIS database order, assumption);
  // qm 4 200 as liver.
  kidney: tissue({ k_unfrozen_W_mK: 0.53, rho: 1066, c: 3763, w_b: 0.0035, qm: 4200, s: 1 }),
  // k 0.51, ρ 1045, c 3760 (physics.md §2); w_b 0.002 /s (assumption: published prostate models
  // use 0.0005–0.006 /s); qm 4 200.
  prostate: tissue({ k_unfrozen_W_mK: 0.51, rho: 1045, c: 3760, w_b: 0.002, qm: 4200, s: 1 }),
  // Mixture of fibroglandular tissue and fat (assumption): k 0.42, ρ 1030, c 3300 (published
  // breast values span k 0.33–0.5, c 2960–3600); w_b 0.0007 /s; qm 450 W/m³ (normal breast value
  // common in breast thermal models); s 0.6.
  breast: tissue({ k_unfrozen_W_mK: 0.42, rho: 1030, c: 3300, w_b: 0.0007, qm: 450, s: 0.6 }),
  // k 0.49, ρ 1090, c 3421 (physics.md §2); resting muscle w_b 0.0006 /s, qm 1 000 W/m³
  // (≈ 0.9 W/kg at rest; assumptions).
  muscle: tissue({ k_unfrozen_W_mK: 0.49, rho: 1090, c: 3421, w_b: 0.0006, qm: 1000, s: 1 }),
  // k 0.21, ρ 911, c 2348 (physics.md §2); w_b 0.0003 /s, qm 300 W/m³ (assumptions); s 0.2.
  fat: tissue({ k_unfrozen_W_mK: 0.21, rho: 911, c: 2348, w_b: 0.0003, qm: 300, s: 0.2 }),
  // k 0.32, ρ 1908, c 1313 (physics.md §2, cortical bone); w_b 0.0001 /s, qm 100 W/m³
  // (assumptions); s 0.25.
  bone: tissue({ k_unfrozen_W_mK: 0.32, rho: 1908, c: 1313, w_b: 0.0001, qm: 100, s: 0.25 }),
  // Water-based gel phantom at body temperature (physics.md §2): k 0.6 / 2.22, C 4.18 / 1.92
  // MJ/(m³·K), Lv 334 MJ/m³, melting at 0 °C. The solver needs solidus < liquidus, so the
  // melting point is smeared over a narrow −0.5…0 °C mushy zone. No perfusion, no metabolism.
  gel: {
    k_unfrozen_W_mK: 0.6,
    k_frozen_W_mK: 2.22,
    C_unfrozen_J_m3K: 4.18e6,
    C_frozen_J_m3K: 1.92e6,
    latent_J_m3: WATER_LATENT_J_m3,
    solidus_C: -0.5,
    liquidus_C: 0,
    perfusion_W_m3K: 0,
    metabolic_W_m3: 0,
    arterial_C: BODY_C,
    initial_C: BODY_C,
  },
};

export const tissuePresetNames = Object.keys(tissuePresets) as TissuePresetName[];

export function isTissuePresetName(s: unknown): s is TissuePresetName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(tissuePresets, s);
}

/**
 * The full tissue properties of a plan's `tissue`: a preset, or an object over `base` (default
 * `generic`). When a custom object does not set `arterial_C`, it is derived so that the resting
 * temperature Ta + qm/wc equals `initial_C` (Ta = initial_C without perfusion). Throws on an
 * unknown preset name (parsePlan reports that as an issue first).
 */
export function resolveTissue(spec: TissueSpec): TissueProperties {
  if (typeof spec === 'string') {
    if (!isTissuePresetName(spec)) throw new Error(`unknown tissue preset '${String(spec)}'`);
    return { ...tissuePresets[spec] };
  }
  const baseName = spec.base ?? 'generic';
  if (!isTissuePresetName(baseName)) throw new Error(`unknown tissue preset '${String(baseName)}'`);
  const out: TissueProperties = { ...tissuePresets[baseName] };
  for (const key of Object.keys(out) as (keyof TissueProperties)[]) {
    const v = spec[key];
    if (v !== undefined) out[key] = v;
  }
  if (spec.arterial_C === undefined) {
    const wc = out.perfusion_W_m3K;
    out.arterial_C = wc > 0 ? out.initial_C - out.metabolic_W_m3 / wc : out.initial_C;
  }
  return out;
}
