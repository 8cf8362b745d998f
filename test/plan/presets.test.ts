import { describe, expect, it } from 'vitest';
import { resolveTissue, tissuePresetNames, tissuePresets } from '../../src/plan/presets.ts';

describe('tissue presets', () => {
  it('has exactly the preset names of the contract', () => {
    expect([...tissuePresetNames].sort()).toEqual(
      ['bone', 'breast', 'fat', 'gel', 'generic', 'kidney', 'liver', 'muscle', 'prostate'],
    );
  });

  it('generic is the default table of physics.md §2', () => {
    const g = tissuePresets.generic;
    expect(g).toMatchObject({
      k_unfrozen_W_mK: 0.5, k_frozen_W_mK: 2.0, C_unfrozen_J_m3K: 3.6e6, C_frozen_J_m3K: 1.8e6,
      latent_J_m3: 2.5e8, solidus_C: -8, liquidus_C: -1, initial_C: 37,
    });
    expect(g.perfusion_W_m3K).toBeCloseTo(1900, 6);
  });

  it('uses the published unfrozen properties and perfusion rates', () => {
    expect(tissuePresets.liver.C_unfrozen_J_m3K).toBeCloseTo(1079 * 3540, 3);
    expect(tissuePresets.liver.k_unfrozen_W_mK).toBe(0.52);
    expect(tissuePresets.liver.perfusion_W_m3K).toBeCloseTo(0.0036 * 3.8e6, 6);
    expect(tissuePresets.kidney.perfusion_W_m3K).toBeCloseTo(0.0035 * 3.8e6, 6);
    expect(tissuePresets.kidney.C_unfrozen_J_m3K).toBeCloseTo(1066 * 3763, 3);
    expect(tissuePresets.fat.k_unfrozen_W_mK).toBe(0.21);
    expect(tissuePresets.bone.C_unfrozen_J_m3K).toBeCloseTo(1908 * 1313, 3);
  });

  for (const name of tissuePresetNames) {
    it(`${name}: physically sane`, () => {
      const t = tissuePresets[name];
      expect(t.solidus_C).toBeLessThan(t.liquidus_C);
      expect(t.k_unfrozen_W_mK).toBeGreaterThan(0);
      expect(t.C_unfrozen_J_m3K).toBeGreaterThan(0);
      expect(t.C_frozen_J_m3K).toBeGreaterThan(0);
      // Ice conducts better and stores less heat per kelvin than water.
      expect(t.k_frozen_W_mK).toBeGreaterThan(t.k_unfrozen_W_mK);
      expect(t.C_frozen_J_m3K).toBeLessThan(t.C_unfrozen_J_m3K);
      expect(t.latent_J_m3).toBeGreaterThan(0);
      expect(t.latent_J_m3).toBeLessThanOrEqual(3.34e8);
      expect(t.perfusion_W_m3K).toBeGreaterThanOrEqual(0);
      // Resting temperature Ta + qm/wc is the starting temperature, 37 °C.
      const rest = t.perfusion_W_m3K > 0 ? t.arterial_C + t.metabolic_W_m3 / t.perfusion_W_m3K : t.arterial_C;
      expect(rest).toBeCloseTo(37, 9);
      expect(t.initial_C).toBe(37);
    });
  }

  it('water-rich tissue freezes to the default table; fat and bone change less', () => {
    for (const n of ['liver', 'kidney', 'prostate', 'muscle'] as const) {
      expect(tissuePresets[n].k_frozen_W_mK).toBe(2.0);
      expect(tissuePresets[n].latent_J_m3).toBe(2.5e8);
    }
    for (const n of ['fat', 'bone'] as const) {
      expect(tissuePresets[n].latent_J_m3).toBeLessThan(tissuePresets.liver.latent_J_m3 / 2);
      expect(tissuePresets[n].k_frozen_W_mK).toBeLessThan(1);
    }
  });

  it('gel: no perfusion, water latent heat, melting at 0 °C', () => {
    const g = tissuePresets.gel;
    expect(g).toMatchObject({ k_unfrozen_W_mK: 0.6, k_frozen_W_mK: 2.22, latent_J_m3: 3.34e8, liquidus_C: 0 });
    expect(g.perfusion_W_m3K).toBe(0);
    expect(g.metabolic_W_m3).toBe(0);
    expect(g.solidus_C).toBeGreaterThanOrEqual(-1);
  });

  it('resolveTissue: presets by name, overrides over a base, arterial re-derived', () => {
    expect(resolveTissue('liver')).toEqual(tissuePresets.liver);
    expect(resolveTissue('liver')).not.toBe(tissuePresets.liver);
    const t = resolveTissue({ base: 'kidney', k_frozen_W_mK: 2.2, metabolic_W_m3: 0 });
    expect(t.k_frozen_W_mK).toBe(2.2);
    expect(t.k_unfrozen_W_mK).toBe(tissuePresets.kidney.k_unfrozen_W_mK);
    expect(t.arterial_C).toBe(37);
    const explicit = resolveTissue({ base: 'liver', arterial_C: 36 });
    expect(explicit.arterial_C).toBe(36);
    expect(resolveTissue({ latent_J_m3: 0 })).toEqual({ ...tissuePresets.generic, latent_J_m3: 0 });
    expect(() => resolveTissue('lung' as never)).toThrow(/lung/);
  });
});
