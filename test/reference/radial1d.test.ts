import { describe, expect, it } from 'vitest';
import {
  neumannIsothermPositionM,
  patersonIsothermRadiusM,
  pennesSteadyCylinder,
  pennesSteadySphere,
  steadyIceBallCylinder,
  steadyIceBallSphere,
} from './analytic.ts';
import { buildRadialMesh, solveRadial, type RadialTissue } from './radial1d.ts';

const mm = 1e-3;
const table = { ks: 2, kl: 0.5, Cs: 1.8e6, Cl: 3.6e6, Lv: 2.5e8 };
const neumann = { ...table, Tm: 0, Ti: 37, Tw: -145 };
/** narrow mushy zone centred on Tm = 0 (see README: keeps the Kirchhoff potential of the sharp model) */
const narrow = (halfWidth: number): RadialTissue => ({ ...table, Ts: -halfWidth, Tl: halfWidth });

describe('mesh', () => {
  it('starts exactly on the probe surface, is increasing and ends on the outer radius', () => {
    const r = buildRadialMesh(1.2e-3, 0.1, { hMinM: 1e-5, hMaxM: 5e-5, fineToM: 0.04 });
    expect(r[0]).toBe(1.2e-3);
    expect(r[r.length - 1]).toBe(0.1);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThan(r[i - 1]);
    for (let i = 1; i < r.length; i++) if (r[i] < 0.04) expect(r[i] - r[i - 1]).toBeLessThanOrEqual(5e-5 * (1 + 1e-9));
  });
});

describe('planar Neumann problem (sharp analytic vs narrow mushy zone)', () => {
  const times = [60, 300, 600];
  const run = (tissue: RadialTissue) =>
    solveRadial({
      geometry: 'planar',
      tissue,
      probeRadiusM: 0,
      outerRadiusM: 0.12,
      initial_C: 37,
      inner: { kind: 'temperature', T_C: -145 },
      endTimeS: 600,
      reportTimesS: times,
      mesh: { hMinM: 1e-4, hMaxM: 1e-4, fineToM: 0.05 },
    });
  for (const [label, tissue] of [
    ['mushy -0.25..0.25', narrow(0.25)],
    ['mushy -0.5..0', { ...table, Ts: -0.5, Tl: 0 }],
    ['sharp (Ts = Tl = 0)', narrow(0)],
  ] as const) {
    it(`${label}: 0/-20/-40 °C positions within 0.06 mm at 60/300/600 s`, () => {
      const res = run(tissue);
      for (const t of times) {
        for (const T of [0, -20, -40]) {
          const err = res.isothermRadiusM(T, t) - neumannIsothermPositionM(neumann, T, t);
          expect(Math.abs(err) / mm, `${T} °C at ${t} s`).toBeLessThan(0.06);
        }
      }
    });
  }
  it('ice-volume-equivalent front tracks X(t) within 0.02 mm; reference values 26.71/22.47/18.51 mm at 600 s', () => {
    const res = run(narrow(0.25));
    for (const t of times) {
      expect(Math.abs(res.frozenEquivalentRadiusM(t) - neumannIsothermPositionM(neumann, 0, t)) / mm).toBeLessThan(0.02);
    }
    expect(Math.abs(res.isothermRadiusM(0, 600) / mm - 26.71)).toBeLessThan(0.03);
    expect(Math.abs(res.isothermRadiusM(-20, 600) / mm - 22.47)).toBeLessThan(0.03);
    expect(Math.abs(res.isothermRadiusM(-40, 600) / mm - 18.51)).toBeLessThan(0.03);
  });
  it('a wrong latent heat is detected (the comparison can fail)', () => {
    const res = run({ ...narrow(0.25), Lv: 2.2e8 });
    expect(Math.abs(res.isothermRadiusM(0, 600) - neumannIsothermPositionM(neumann, 0, 600)) / mm).toBeGreaterThan(0.5);
  });
});

describe('Paterson line sink (cylinder, extraction q at Rp = 0.1 mm)', () => {
  for (const [q, R600] of [
    [200, 6.91],
    [400, 11.25],
  ] as const) {
    it(`q = ${q} W/m: R(600 s) = ${R600} mm within 0.05 mm, -20/-40 °C isotherms within 0.05 mm`, () => {
      const res = solveRadial({
        geometry: 'cylinder',
        tissue: narrow(0.25),
        probeRadiusM: 1e-4,
        outerRadiusM: 0.1,
        initial_C: 37,
        inner: { kind: 'extraction', q },
        endTimeS: 600,
        reportTimesS: [300, 600],
        mesh: { hMinM: 1e-5, hMaxM: 5e-5, fineToM: 0.03 },
      });
      const p = { ...table, Tm: 0, Ti: 37 };
      expect(Math.abs(res.isothermRadiusM(0, 600) / mm - R600)).toBeLessThan(0.05);
      for (const t of [300, 600]) {
        for (const T of [0, -20, -40]) {
          expect(Math.abs(res.isothermRadiusM(T, t) - patersonIsothermRadiusM(p, q, T, t)) / mm).toBeLessThan(0.05);
        }
      }
    });
  }
});

describe('steady Pennes, probe held at +10 °C (no freezing)', () => {
  const tissue: RadialTissue = { ...table, Ts: -8, Tl: -1, wc: 7200, qm: 4200, Ta: 37 };
  const Rp = 1.2e-3;
  for (const geometry of ['cylinder', 'sphere'] as const) {
    it(`${geometry}: profile within 0.01 K of the analytic steady state after 6000 s`, () => {
      const res = solveRadial({
        geometry,
        tissue,
        probeRadiusM: Rp,
        outerRadiusM: 0.1,
        inner: { kind: 'temperature', T_C: 10 },
        endTimeS: 6000,
        mesh: { hMaxM: 1e-4 },
        time: { dtMaxS: 20 },
      });
      const pp = { k: 0.5, wc: 7200, qm: 4200, Ta: 37, R: Rp, TR: 10 };
      const exact = geometry === 'cylinder' ? pennesSteadyCylinder : pennesSteadySphere;
      let maxErr = 0;
      for (let r = Rp; r < 0.06; r += 1e-4) maxErr = Math.max(maxErr, Math.abs(res.temperatureAt(r, 6000) - exact(pp, r)));
      expect(maxErr).toBeLessThan(0.01);
      // far field sits at the resting temperature Ta + qm/wc
      expect(Math.abs(res.temperatureAt(0.09, 6000) - (37 + 4200 / 7200))).toBeLessThan(1e-3);
    });
  }
});

describe('steady maximal ice ball (long freeze, mushy -0.1..0.1)', () => {
  const Rp = 1.2e-3;
  const tissue: RadialTissue = { ...narrow(0.1), wc: 7200, qm: 4200, Ta: 37 };
  const an = { ks: 2, kl: 0.5, wc: 7200, qm: 4200, Ta: 37, Rp, Tp: -145 };
  const t = 24 * 3600;
  const run = (geometry: 'cylinder' | 'sphere') =>
    solveRadial({
      geometry,
      tissue,
      probeRadiusM: Rp,
      outerRadiusM: 0.15,
      inner: { kind: 'temperature', T_C: -145 },
      endTimeS: t,
      mesh: { hMaxM: 1e-4, fineToM: 0.05 },
      time: { dtMaxS: 600, dtRelative: 0.02 },
    });
  it('cylinder: Rf 34.4 mm, r(-20) 21.6 mm, r(-40) 13.6 mm within 0.15 / 0.1 / 0.05 mm', () => {
    const res = run('cylinder');
    const s = steadyIceBallCylinder(an);
    expect(Math.abs(res.isothermRadiusM(0, t) - s.RfM) / mm).toBeLessThan(0.15);
    expect(Math.abs(res.isothermRadiusM(-20, t) - s.radiusAtM(-20)) / mm).toBeLessThan(0.1);
    expect(Math.abs(res.isothermRadiusM(-40, t) - s.radiusAtM(-40)) / mm).toBeLessThan(0.05);
  });
  it('sphere: radii within 0.06 mm', () => {
    const res = run('sphere');
    const s = steadyIceBallSphere(an);
    for (const T of [0, -20, -40]) expect(Math.abs(res.isothermRadiusM(T, t) - s.radiusAtM(T)) / mm).toBeLessThan(0.06);
  });
});

describe('mesh convergence', () => {
  it('planar Neumann: RMS isotherm error (100..600 s) at least halves per mesh halving (0.8 -> 0.4 -> 0.2 mm)', () => {
    const times = Array.from({ length: 26 }, (_, i) => 100 + 20 * i);
    const errs = [8e-4, 4e-4, 2e-4].map((h) => {
      const res = solveRadial({
        geometry: 'planar',
        tissue: narrow(0.25),
        probeRadiusM: 0,
        outerRadiusM: 0.12,
        initial_C: 37,
        inner: { kind: 'temperature', T_C: -145 },
        endTimeS: 600,
        reportTimesS: times,
        mesh: { hMinM: h, hMaxM: h, fineToM: 0.05 },
      });
      let sum = 0;
      for (const T of [0, -20, -40]) {
        let s2 = 0;
        for (const t of times) s2 += (res.isothermRadiusM(T, t) - neumannIsothermPositionM(neumann, T, t)) ** 2;
        sum += Math.sqrt(s2 / times.length);
      }
      return sum;
    });
    expect(errs[0] / errs[1]).toBeGreaterThan(1.8);
    expect(errs[1] / errs[2]).toBeGreaterThan(1.8);
  });
  it('steady Pennes cylinder: nodal error is second order (ratio > 3.5 per halving)', () => {
    const Rp = 1.2e-3;
    const pp = { k: 0.5, wc: 7200, qm: 4200, Ta: 37, R: Rp, TR: 10 };
    const errs = [8e-4, 4e-4, 2e-4].map((h) => {
      const res = solveRadial({
        geometry: 'cylinder',
        tissue: { ...table, Ts: -8, Tl: -1, wc: 7200, qm: 4200, Ta: 37 },
        probeRadiusM: Rp,
        outerRadiusM: 0.1,
        inner: { kind: 'temperature', T_C: 10 },
        endTimeS: 8000,
        mesh: { hMinM: h, hMaxM: h, hOuterM: h },
        time: { dtMaxS: 50 },
      });
      const T = res.temperaturesAt(8000);
      let e = 0;
      res.radiiM.forEach((r, i) => {
        if (r < 0.05) e = Math.max(e, Math.abs(T[i] - pennesSteadyCylinder(pp, r)));
      });
      return e;
    });
    expect(errs[0] / errs[1]).toBeGreaterThan(3.5);
    expect(errs[1] / errs[2]).toBeGreaterThan(3.5);
  });
});

describe('conservation and protocol behaviour', () => {
  it('energy balance closes: enthalpy change = -q t with extraction and insulated outer boundary', () => {
    const q = 300;
    const res = solveRadial({
      geometry: 'cylinder',
      tissue: { ...table, Ts: -8, Tl: -1 },
      probeRadiusM: 1e-3,
      outerRadiusM: 0.05,
      outer: 'insulated',
      initial_C: 37,
      inner: [{ untilS: 200, bc: { kind: 'extraction', q } }],
      endTimeS: 300,
      reportTimesS: [0, 200, 300],
      mesh: { hMaxM: 2e-4 },
    });
    const dE = res.enthalpyAt(200) - res.enthalpyAt(0);
    expect(Math.abs(dE + q * 200) / (q * 200)).toBeLessThan(1e-6);
    // insulated afterwards: nothing changes in total
    expect(Math.abs(res.enthalpyAt(300) - res.enthalpyAt(200)) / (q * 200)).toBeLessThan(1e-6);
  });

  it('freeze / passive thaw / freeze: ice grows while freezing, ablation zone never shrinks, lethal inside 0 °C', () => {
    const reports = [60, 120, 300, 600, 700, 900, 1000, 1500];
    const res = solveRadial({
      geometry: 'cylinder',
      tissue: { ...table, Ts: -8, Tl: -1, wc: 7200, qm: 4200, Ta: 37 },
      probeRadiusM: 1.2e-3,
      inner: [
        { untilS: 600, bc: { kind: 'temperature', T_C: -145 } },
        { untilS: 900, bc: { kind: 'insulated' } },
        { untilS: 1500, bc: { kind: 'temperature', T_C: -145 } },
      ],
      endTimeS: 1500,
      reportTimesS: reports,
      mesh: { hMaxM: 1e-4 },
    });
    const r0 = [60, 120, 300, 600].map((t) => res.isothermRadiusM(0, t));
    for (let i = 1; i < r0.length; i++) expect(r0[i]).toBeGreaterThan(r0[i - 1]);
    for (const t of [60, 300, 600, 1500]) {
      expect(res.isothermRadiusM(-40, t)).toBeLessThan(res.isothermRadiusM(-20, t));
      expect(res.isothermRadiusM(-20, t)).toBeLessThan(res.isothermRadiusM(0, t));
    }
    // the probe warms during passive thaw and the ice shrinks from outside (perfused tissue)
    expect(res.temperatureAt(1.2e-3, 900)).toBeGreaterThan(-100);
    expect(res.isothermRadiusM(0, 900)).toBeLessThan(res.isothermRadiusM(0, 600));
    let prev = 0;
    for (const t of reports) {
      const a = res.ablationRadiusM(-40, t);
      expect(a).toBeGreaterThanOrEqual(prev);
      prev = a;
      const minT = res.minTemperaturesAt(t);
      const T = res.temperaturesAt(t);
      for (let i = 0; i < T.length; i++) expect(minT[i]).toBeLessThanOrEqual(T[i]);
    }
    // second freeze reaches further than the first
    expect(res.isothermRadiusM(0, 1500)).toBeGreaterThan(res.isothermRadiusM(0, 600));
  });

  it('asks for a stored time explicitly', () => {
    const res = solveRadial({
      geometry: 'sphere',
      tissue: narrow(0.25),
      probeRadiusM: 1e-3,
      outerRadiusM: 0.02,
      inner: { kind: 'temperature', T_C: -100 },
      endTimeS: 10,
    });
    expect(() => res.isothermRadiusM(0, 5)).toThrow(/reportTimesS/);
    expect(res.isothermRadiusM(0, 10)).toBeGreaterThan(1e-3);
    expect(res.isothermRadiusM(-150, 10)).toBeNaN();
  });
});
