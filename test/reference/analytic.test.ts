import { describe, expect, it } from 'vitest';
import {
  neumannFrontM,
  neumannIsothermPositionM,
  neumannLambda,
  neumannTemperature,
  patersonFrontRadiusM,
  patersonIsothermRadiusM,
  patersonLambda,
  patersonTemperature,
  pennesSteadyCylinder,
  pennesSteadySphere,
  steadyIceBallCylinder,
  steadyIceBallSphere,
  type NeumannParams,
} from './analytic.ts';

/** Default tissue table (physics.md §2), sharp front at 0 °C, Ti 37, face at -145. */
const tissue: NeumannParams = { ks: 2, kl: 0.5, Cs: 1.8e6, Cl: 3.6e6, Lv: 2.5e8, Tm: 0, Ti: 37, Tw: -145 };
const mm = 1e-3;

describe('Neumann two-phase Stefan problem', () => {
  it('reproduces lambda = 0.51729 (physics.md §5.1)', () => {
    expect(Math.abs(neumannLambda(tissue) - 0.51729)).toBeLessThan(5e-6);
  });

  // data/measurements.json "neumann-tissue-145" (values published to 0.01 mm)
  const published: Record<number, Record<number, number>> = {
    60: { 0: 8.45, [-20]: 7.11, [-40]: 5.85 },
    300: { 0: 18.89, [-20]: 15.89, [-40]: 13.09 },
    600: { 0: 26.71, [-20]: 22.47, [-40]: 18.51 },
  };
  for (const [t, row] of Object.entries(published)) {
    for (const [T, x] of Object.entries(row)) {
      it(`isotherm ${T} °C at ${t} s = ${x} mm`, () => {
        expect(Math.abs(neumannIsothermPositionM(tissue, Number(T), Number(t)) / mm - x)).toBeLessThanOrEqual(0.0051);
      });
    }
  }

  it('is self-consistent: T(x(T)) = T in both phases, front at Tm, Stefan condition holds', () => {
    const t = 300;
    for (const T of [-140, -40, -0.1, 0, 1, 20, 36.9]) {
      const x = neumannIsothermPositionM(tissue, T, t);
      expect(Math.abs(neumannTemperature(tissue, x, t) - T)).toBeLessThan(1e-9);
    }
    const X = neumannFrontM(tissue, t);
    expect(Math.abs(neumannIsothermPositionM(tissue, 0, t) - X)).toBeLessThan(1e-12);
    // Stefan: ks dT/dx|s - kl dT/dx|l = Lv dX/dt
    const h = 1e-7;
    const gs = (neumannTemperature(tissue, X, t) - neumannTemperature(tissue, X - h, t)) / h;
    const gl = (neumannTemperature(tissue, X + h, t) - neumannTemperature(tissue, X, t)) / h;
    const dXdt = X / (2 * t);
    expect(Math.abs(tissue.ks * gs - tissue.kl * gl - tissue.Lv * dXdt) / (tissue.Lv * dXdt)).toBeLessThan(1e-4);
  });
});

describe('Paterson line sink', () => {
  const p = { ks: 2, kl: 0.5, Cs: 1.8e6, Cl: 3.6e6, Lv: 2.5e8, Tm: 0, Ti: 37 };
  it('reproduces lambda = 0.1338 and R(600 s) = 6.91 mm for q = 200 W/m', () => {
    expect(Math.abs(patersonLambda(p, 200) - 0.1338)).toBeLessThan(5e-5);
    expect(Math.abs(patersonFrontRadiusM(p, 200, 600) / mm - 6.91)).toBeLessThan(0.005);
  });
  it('reproduces R(600 s) = 11.25 mm for q = 400 W/m', () => {
    expect(Math.abs(patersonFrontRadiusM(p, 400, 600) / mm - 11.25)).toBeLessThan(0.005);
  });
  it('satisfies the heat equation, the front condition and the sink strength', () => {
    const q = 200;
    const t = 600;
    const R = patersonFrontRadiusM(p, q, t);
    expect(Math.abs(patersonTemperature(p, q, R * (1 - 1e-12), t))).toBeLessThan(1e-9);
    expect(Math.abs(patersonTemperature(p, q, R * (1 + 1e-12), t))).toBeLessThan(1e-9);
    // near the line: -2 pi r ks dT/dr -> -q (heat flows toward the sink)
    const r = 1e-6;
    const dTdr = (patersonTemperature(p, q, r * 1.001, t) - patersonTemperature(p, q, r * 0.999, t)) / (0.002 * r);
    expect(Math.abs(2 * Math.PI * r * p.ks * dTdr - q) / q).toBeLessThan(1e-4);
    // heat equation in the frozen zone: C dT/dt = k (T'' + T'/r)
    const r0 = 0.5 * R;
    const h = 1e-6;
    const dt = 1e-2;
    const T = (rr: number, tt: number): number => patersonTemperature(p, q, rr, tt);
    const lap = (T(r0 + h, t) - 2 * T(r0, t) + T(r0 - h, t)) / (h * h) + (T(r0 + h, t) - T(r0 - h, t)) / (2 * h * r0);
    const Tt = (T(r0, t + dt) - T(r0, t - dt)) / (2 * dt);
    expect(Math.abs(p.Cs * Tt - p.ks * lap) / Math.abs(p.Cs * Tt)).toBeLessThan(1e-3);
    // isotherm inversion
    for (const Tc of [-40, -20, 0, 10]) {
      expect(Math.abs(T(patersonIsothermRadiusM(p, q, Tc, t), t) - Tc)).toBeLessThan(1e-8);
    }
  });
});

describe('steady Pennes around a probe', () => {
  const pp = { k: 0.5, wc: 7200, qm: 4200, Ta: 37, R: 1.2e-3, TR: 10 };
  const L = Math.sqrt(pp.k / pp.wc);
  it('satisfies k lap(T) + wc (Ta - T) + qm = 0 with T(R) = TR and T -> Ta + qm/wc', () => {
    const cases = [
      { f: pennesSteadyCylinder, m: 1 },
      { f: pennesSteadySphere, m: 2 },
    ];
    for (const { f, m } of cases) {
      expect(Math.abs(f(pp, pp.R) - pp.TR)).toBeLessThan(1e-12);
      expect(Math.abs(f(pp, pp.R + 30 * L) - (37 + 4200 / 7200))).toBeLessThan(1e-9);
      for (const r of [1.5e-3, 4e-3, 1e-2, 3e-2]) {
        const h = 2e-6;
        const T0 = f(pp, r);
        const lap = (f(pp, r + h) - 2 * T0 + f(pp, r - h)) / (h * h) + (m * (f(pp, r + h) - f(pp, r - h))) / (2 * h * r);
        const res = pp.k * lap + pp.wc * (pp.Ta - T0) + pp.qm;
        expect(Math.abs(res) / (pp.wc * 27)).toBeLessThan(2e-5);
      }
    }
  });
});

describe('steady maximal ice ball (physics.md §5.4)', () => {
  const base = { ks: 2, kl: 0.5, qm: 4200, wc: 7200, Ta: 37, Rp: 1.2e-3, Tp: -145 };
  it("reproduces Rf 34.4, r(-20) 21.6, r(-40) 13.6 mm with Ta' = Ta + qm/wc (Ta = 37 arterial)", () => {
    const s = steadyIceBallCylinder(base);
    expect(Math.abs(s.RfM / mm - 34.4)).toBeLessThan(0.05);
    expect(Math.abs(s.radiusAtM(-20) / mm - 21.6)).toBeLessThan(0.05);
    expect(Math.abs(s.radiusAtM(-40) / mm - 13.6)).toBeLessThan(0.05);
  });
  it("does NOT reproduce them if Ta' = 37 were the resting temperature (documents the interpretation)", () => {
    // resting 37 => arterial Ta = 37 - qm/wc
    const s = steadyIceBallCylinder({ ...base, Ta: 37 - 4200 / 7200 });
    expect(s.RfM / mm).toBeGreaterThan(34.7);
  });
  it('temperature profile is continuous with continuous flux at the front (cylinder and sphere)', () => {
    for (const s of [steadyIceBallCylinder(base), steadyIceBallSphere(base)]) {
      const R = s.RfM;
      expect(Math.abs(s.temperatureAt(R))).toBeLessThan(1e-9);
      expect(Math.abs(s.temperatureAt(base.Rp) - base.Tp)).toBeLessThan(1e-9);
      const h = 1e-8;
      const fs = (base.ks * (s.temperatureAt(R) - s.temperatureAt(R - h))) / h;
      const fl = (base.kl * (s.temperatureAt(R + h) - s.temperatureAt(R))) / h;
      expect(Math.abs(fs - fl) / fs).toBeLessThan(1e-5);
      for (const Tc of [-100, -40, -20, 0, 20]) expect(Math.abs(s.temperatureAt(s.radiusAtM(Tc)) - Tc)).toBeLessThan(1e-8);
    }
  });
});
