import { describe, expect, it } from 'vitest';
import { solveRadial } from '../reference/radial1d.ts';
import { longProbeRadii } from './helpers.ts';

// physics.md §2 table in perfused tissue (liver w_b 0.0036 /s × ρc_b 3.8 MJ/(m³·K)).
const PERFUSION = 0.0036 * 3.8e6;
const TIMES = [60, 120, 300, 600];
const LEVELS = [0, -20, -40];

function reference(diameterMm: number, surfaceC: number): Record<number, Record<number, number>> {
  const r = solveRadial({
    geometry: 'cylinder',
    tissue: { ks: 2, kl: 0.5, Cs: 1.8e6, Cl: 3.6e6, Lv: 2.5e8, Ts: -8, Tl: -1, wc: PERFUSION, qm: 0, Ta: 37 },
    probeRadiusM: diameterMm / 2000,
    outer: 'insulated',
    outerRadiusM: 0.045,
    inner: { kind: 'temperature', T_C: surfaceC },
    endTimeS: 600,
    reportTimesS: TIMES,
  });
  const out: Record<number, Record<number, number>> = {};
  for (const t of TIMES) {
    out[t] = {};
    for (const l of LEVELS) out[t][l] = r.isothermRadiusM(l, t) * 1000;
  }
  return out;
}

describe('long probe in perfused tissue against a converged 1D radial reference', () => {
  it.each([
    [2.4, -145],
    [3.4, -196],
  ])('%s mm at %s °C: isotherm radii at 60–600 s within 0.5 mm at a 1 mm grid', (d, Tp) => {
    const ref = reference(d, Tp);
    const tissue = { perfusion_W_m3K: PERFUSION, metabolic_W_m3: 0 };
    // Two placements: on a cell centre and between cells.
    for (const [cx, cy] of [[0, 0], [0.5, 0.3]]) {
      const got = longProbeRadii(d, Tp, cx, cy, TIMES, 1, LEVELS, tissue);
      for (const t of TIMES)
        for (const l of LEVELS) expect(Math.abs(got[t][l] - ref[t][l]), `t ${t} s, ${l} °C, at (${cx}, ${cy})`).toBeLessThan(0.5);
    }
  });

  it('converges: the error at 300 s shrinks from a 2 mm to a 1 mm to a 0.5 mm grid', () => {
    const times = [300];
    const ref = reference(2.4, -145);
    const tissue = { perfusion_W_m3K: PERFUSION, metabolic_W_m3: 0 };
    const err = (h: number): number => {
      const got = longProbeRadii(2.4, -145, 0.3 * h, 0.2 * h, times, h, LEVELS, tissue);
      return Math.max(...LEVELS.map((l) => Math.abs(got[300][l] - ref[300][l])));
    };
    const e2 = err(2), e1 = err(1), e05 = err(0.5);
    expect(e1).toBeLessThan(e2);
    expect(e05).toBeLessThan(e1);
  });
});
