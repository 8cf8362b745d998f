import { describe, expect, it } from 'vitest';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { kirchhoffOf, makeTissueModel, temperatureOf } from '../../src/physics/tissueModel.ts';
import {
  patersonFrontRadiusM, pennesSteadyCylinder, pennesSteadySphere, steadyIceBallCylinder,
} from '../reference/analytic.ts';
import { boxGrid, meanIsothermRadiusMm, setTemperatureField, tableTissue } from './helpers.ts';

const TABLE = { ks: 2, kl: 0.5, Cs: 1.8e6, Cl: 3.6e6, Lv: 2.5e8, Tm: 0, Ti: 37 };

describe('Paterson line sink (physics.md §5.2)', () => {
  /** A constant extraction q [W/m] along the z axis, spread bilinearly over the 4 nearest columns. */
  function runLineSink(qWm: number, spacingMm: number, seconds: number): number {
    const n = Math.round(48 / spacingMm);
    const grid = boxGrid([n, n, 3], spacingMm, [-(n / 2 - 0.3) * spacingMm, -(n / 2 - 0.6) * spacingMm, -spacingMm]);
    const tissue = makeTissueModel(tableTissue({ solidus_C: -0.25, liquidus_C: 0.25 }));
    const solver = new HeatSolver(grid, tissue, [], 'insulated');
    // The sink is applied from outside the solver: step the whole grid (no active region).
    solver.useActiveRegion = false;
    const h = spacingMm / 1000;
    const fx = -grid.originMm[0] / spacingMm, fy = -grid.originMm[1] / spacingMm;
    const i0 = Math.floor(fx), j0 = Math.floor(fy), u = fx - i0, v = fy - j0;
    const columns = [[i0, j0, (1 - u) * (1 - v)], [i0 + 1, j0, u * (1 - v)], [i0, j0 + 1, (1 - u) * v], [i0 + 1, j0 + 1, u * v]];
    const steps = Math.ceil(seconds / solver.maxStepS);
    const dt = seconds / steps;
    const f = solver.fields;
    for (let s = 0; s < steps; s++) {
      solver.step(dt);
      // Every z-plane (the outer ones mirror the middle), so the slab stays uniform in z.
      for (let k = 0; k < 3; k++) for (const [i, j, w] of columns) {
        const c = i + n * (j + n * k);
        f.H[c] -= (dt * qWm * w) / (h * h);
        const t = temperatureOf(tissue, f.H[c]);
        f.Tin[c] = t;
        f.phiIn[c] = kirchhoffOf(tissue, t);
      }
    }
    return meanIsothermRadiusMm(f.Tin, grid, 0, 0, 1, 0);
  }

  it.each([
    [200, 6.91],
    [400, 11.25],
  ])('q = %s W/m: the front at 600 s is within 0.5 mm of %s mm at a 1 mm grid', (q, exactMm) => {
    expect(patersonFrontRadiusM(TABLE, q, 600) * 1000).toBeCloseTo(exactMm, 1);
    expect(Math.abs(runLineSink(q, 1, 600) - exactMm)).toBeLessThan(0.5);
  });
});

describe('steady Pennes around a cold probe, no freezing (physics.md §5.3)', () => {
  const wc = 13680, qm = 4200, Ta = 37;
  const tissue = tableTissue({ perfusion_W_m3K: wc, metabolic_W_m3: qm, arterial_C: Ta });

  /**
   * Largest isotherm-position error [mm] over the cell centres between rMin and rMax [mm]: the
   * temperature error divided by the exact radial gradient there.
   */
  function positionErrorMm(solver: HeatSolver, exact: (rMm: number) => number, rMin: number, rMax: number, centre: (x: number, y: number, z: number) => number): number {
    const { grid } = solver;
    const [nx, ny, nz] = grid.dims;
    let worst = 0;
    for (let k = 1; k < nz - 1; k++)
      for (let j = 1; j < ny - 1; j++)
        for (let i = 1; i < nx - 1; i++) {
          const h = grid.spacingMm;
          const r = centre(grid.originMm[0] + i * h, grid.originMm[1] + j * h, grid.originMm[2] + k * h);
          if (r < rMin || r > rMax) continue;
          const gradient = (exact(r + 0.01) - exact(r - 0.01)) / 0.02;
          worst = Math.max(worst, Math.abs(solver.temperatureC[i + nx * (j + ny * k)] - exact(r)) / Math.abs(gradient));
        }
    return worst;
  }

  function cylinderErrorMm(spacingMm: number): number {
    const n = Math.round(48 / spacingMm);
    const grid = boxGrid([n, n, 3], spacingMm, [-(n / 2 - 0.3) * spacingMm, -(n / 2 - 0.2) * spacingMm, -spacingMm]);
    const solver = new HeatSolver(grid, makeTissueModel(tissue), [], 'insulated');
    const R = 0.0015;
    solver.setSources([{ body: cylinderBody([0, 0, -0.01], [0, 0, 0.01], R), surfaceC: 10 }]);
    solver.advance(1500);
    const exact = (rMm: number): number => pennesSteadyCylinder({ k: 0.5, wc, qm, Ta, R, TR: 10 }, rMm / 1000);
    return positionErrorMm(solver, exact, 2.5, 8, (x, y) => Math.hypot(x, y));
  }

  it('cylinder: isotherms at 2.5–8 mm within 0.2 mm at 1 mm, the error shrinking under refinement', () => {
    const e2 = cylinderErrorMm(2), e1 = cylinderErrorMm(1), e05 = cylinderErrorMm(0.5);
    expect(e1).toBeLessThan(0.2);
    expect(e1).toBeLessThan(0.7 * e2);
    expect(e05).toBeLessThan(0.7 * e1);
  });

  it('sphere: isotherms at 3.5–15 mm within 0.5 mm at 1 mm (octant with mirror planes)', () => {
    const h = 1;
    const grid = boxGrid([34, 34, 34], h, [-0.5 * h, -0.5 * h, -0.5 * h]);
    const solver = new HeatSolver(grid, makeTissueModel(tissue), [], 'insulated');
    const R = 0.0025;
    solver.setSources([{ body: { kind: 'sphere', centre: [0, 0, 0], radius: R }, surfaceC: 10 }]);
    solver.advance(1200);
    const exact = (rMm: number): number => pennesSteadySphere({ k: 0.5, wc, qm, Ta, R, TR: 10 }, rMm / 1000);
    expect(positionErrorMm(solver, exact, 3.5, 15, (x, y, z) => Math.hypot(x, y, z))).toBeLessThan(0.5);
  });
});

describe('steady maximal ice ball around a long probe (physics.md §5.4)', () => {
  it('started at the analytic steady state, the solver holds it: radii within 0.5 mm after an hour', () => {
    const p = { ks: 2, kl: 0.5, wc: 7200, qm: 4200, Ta: 37, Rp: 0.0012, Tp: -145, Tm: 0 };
    const ref = steadyIceBallCylinder(p);
    const h = 1;
    const n = 66;
    // Quarter domain: mirror planes through the probe axis at x = 0 and y = 0.
    const grid = boxGrid([n, n, 3], h, [-0.5 * h, -0.5 * h, -h]);
    const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: p.wc, metabolic_W_m3: p.qm, arterial_C: p.Ta, solidus_C: -0.1, liquidus_C: 0.1 }));
    const solver = new HeatSolver(grid, tissue, [], 'insulated');
    // The state is set from outside the solver: step the whole grid (no active region).
    solver.useActiveRegion = false;
    setTemperatureField(solver, (x, y) => ref.temperatureAt(Math.max(Math.hypot(x, y), 1.2) / 1000));
    solver.setSources([{ body: cylinderBody([0, 0, -0.01], [0, 0, 0.01], p.Rp), surfaceC: p.Tp }]);
    solver.advance(3600);
    // Quarter domain: rays over the first quadrant only, out to 60 mm.
    const radius = (level: number): number => meanIsothermRadiusMm(solver.temperatureC, grid, 0, 0, 1, level, 8, Math.PI / 2, 60);
    expect(ref.RfM * 1000).toBeCloseTo(34.4, 1);
    for (const level of [0, -20, -40]) expect(Math.abs(radius(level) - ref.radiusAtM(level) * 1000), `${level} °C`).toBeLessThan(0.5);
  });
});
