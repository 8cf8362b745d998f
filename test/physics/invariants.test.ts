import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.ts';
import { sampleTrilinear } from '../../src/geometry/sample.ts';
import { resolveProbe } from '../../src/plan/catalog.ts';
import { parsePlan } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, tableTissue } from './helpers.ts';

/** A valid plan from a loose description (parsed, so defaults are filled as for a user's file). */
function plan(over: Record<string, unknown>): Plan {
  const r = parsePlan({
    format: 'cryoplan/1',
    tissue: 'liver',
    grid: { spacing_mm: 2, padding_mm: 16 },
    probes: [{ id: 'P1', type: 'argon-2.4mm', tip_mm: [0, 0, -20], axis: [0, 0, 1] }],
    protocol: [{ phase: 'freeze', duration_s: 300 }],
    ...over,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}

function cellsAtOrBelow(T: ArrayLike<number>, level: number): number {
  let n = 0;
  for (let c = 0; c < T.length; c++) if (T[c] <= level) n++;
  return n;
}

describe('invariants (physics.md §5.5)', () => {
  it('the ice ball grows monotonically while all probes freeze, and the lethal zone stays inside the ice', () => {
    const sim = Simulation.fromPlan(plan({ probes: [
      { id: 'P1', type: 'argon-2.4mm', tip_mm: [-6, 0, -20], axis: [0, 0, 1] },
      { id: 'P2', type: 'argon-1.47mm', tip_mm: [7, 3, -18], axis: [0.1, 0, 1] },
    ] }));
    let previous = -1;
    for (let t = 30; t <= 300; t += 30) {
      sim.advanceTo(t);
      const T = sim.solver.temperatureC, Tmin = sim.solver.minTemperatureC;
      const frozen = cellsAtOrBelow(T, 0);
      expect(frozen).toBeGreaterThanOrEqual(previous);
      previous = frozen;
      for (let c = 0; c < T.length; c++) if (Tmin[c] <= -40) expect(T[c]).toBeLessThanOrEqual(0);
    }
  });

  it('adding a probe never warms any cell (so no isotherm shrinks); under multi-rate no isotherm shrinks', () => {
    const two = [
      { id: 'P1', type: 'argon-2.4mm', tip_mm: [-7, 0, -20], axis: [0, 0, 1] },
      { id: 'P2', type: 'argon-2.4mm', tip_mm: [7, 0, -20], axis: [0, 0, 1] },
    ];
    const three = [...two, { id: 'P3', type: 'argon-1.7mm', tip_mm: [0, 9, -20], axis: [0, 0, 1] }];
    // The same explicit domain, so the grids coincide cell for cell.
    const grid = { spacing_mm: 2, padding_mm: 0, bounds_mm: { min: [-30, -30, -40], max: [30, 30, 40] } };
    // The comparison principle is a property of one monotone scheme: single-rate stepping. Multi-rate
    // partitions each run by its own ice (a different fast box is a different scheme), so there a
    // cell may come out warmer by up to multi-rate's own error (src/physics/README.md "Invariants on
    // random plans"); here 7.7e-4 °C, a cell beside the grid's edge where one run's fast box
    // reaches the outer layer and the other's does not. The isotherms still only grow.
    for (const multiRate of [false, true]) {
      const was = Simulation.multiRate;
      Simulation.multiRate = multiRate;
      const a = Simulation.fromPlan(plan({ probes: two, grid }));
      const b = Simulation.fromPlan(plan({ probes: three, grid }));
      Simulation.multiRate = was;
      a.advanceTo(240);
      b.advanceTo(240);
      const Ta = a.solver.temperatureC, Tb = b.solver.temperatureC;
      // Float32 fields: two histories may round a far, barely touched cell a few ulps apart (ulp of
      // 37 °C is 3.8e-6, H's 32 J/m³ ≈ 1e-5 K); 1e-4 °C is far below any physical warming.
      const tolerance = multiRate ? 5e-3 : 1e-4;
      for (let c = 0; c < Ta.length; c++) expect(Tb[c]).toBeLessThanOrEqual(Ta[c] + tolerance);
      for (const level of [0, -20, -40]) expect(cellsAtOrBelow(Tb, level)).toBeGreaterThan(cellsAtOrBelow(Ta, level));
    }
  });

  it('a mirrored layout gives the mirrored field', () => {
    const probes = [
      { id: 'P1', type: 'argon-2.4mm', tip_mm: [-9.3, 1.2, -20], axis: [0.2, 0, 1] },
      { id: 'P2', type: 'argon-1.47mm', tip_mm: [4.1, -3.3, -15], axis: [0, 0.1, 1] },
    ];
    const mirrored = probes.map((p) => ({ ...p, tip_mm: [-p.tip_mm[0], p.tip_mm[1], p.tip_mm[2]], axis: [-p.axis[0], p.axis[1], p.axis[2]] }));
    const grid = { spacing_mm: 2, padding_mm: 0, bounds_mm: { min: [-30, -30, -40], max: [30, 30, 40] } };
    const a = Simulation.fromPlan(plan({ probes, grid }));
    const b = Simulation.fromPlan(plan({ probes: mirrored, grid }));
    a.advanceTo(200);
    b.advanceTo(200);
    const [nx, ny, nz] = a.grid.dims;
    let worst = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++)
          worst = Math.max(worst, Math.abs(a.solver.temperatureC[i + nx * (j + ny * k)] - b.solver.temperatureC[nx - 1 - i + nx * (j + ny * k)]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('a spherical source gives spherical isotherms (radius along axes and diagonals within 0.3 mm)', () => {
    const h = 1;
    const grid = boxGrid([41, 41, 41], h, [-20.3, -19.8, -20.1]);
    const solver = new HeatSolver(grid, makeTissueModel(tableTissue({ perfusion_W_m3K: 13680 })), []);
    solver.setSources([{ body: { kind: 'sphere', centre: [0, 0, 0], radius: 0.003 }, surfaceC: -145 }]);
    solver.advance(180);
    const radiusAlong = (d: [number, number, number], level: number): number => {
      const len = Math.hypot(...d);
      let prev = -200;
      for (let r = 3; r < 19; r += 0.01) {
        const val = sampleTrilinear(solver.temperatureC, grid, (d[0] / len) * r, (d[1] / len) * r, (d[2] / len) * r);
        if (prev <= level && val > level) return r;
        prev = val;
      }
      return NaN;
    };
    const dirs: [number, number, number][] = [[1, 0, 0], [0, -1, 0], [0, 0, 1], [1, 1, 0], [1, -1, 1], [-1, 1, 1], [2, 1, 0]];
    for (const level of [0, -20, -40]) {
      const radii = dirs.map((d) => radiusAlong(d, level));
      expect(Math.max(...radii) - Math.min(...radii), `${level} °C: ${radii.map((r) => r.toFixed(2))}`).toBeLessThan(0.3);
    }
  });

  it('no NaN or runaway for any valid plan (temperatures stay between the coldest probe and the warmest source), and the energy balance closes', () => {
    const probeType = fc.constantFrom('argon-1.47mm', 'argon-1.7mm', 'argon-2.4mm', 'argon-3.4mm', 'ln2-2.4mm', 'ln2-3.4mm');
    const coord = fc.double({ min: -15, max: 15, noNaN: true });
    const probe = fc.record({ type: probeType, x: coord, y: coord, z: coord, ax: coord, ay: coord });
    const phase = fc.oneof(
      fc.record({ phase: fc.constant('freeze'), duration_s: fc.integer({ min: 5, max: 60 }) }),
      fc.record({ phase: fc.constant('thaw'), duration_s: fc.integer({ min: 5, max: 60 }), mode: fc.constantFrom('passive', 'active') }),
    );
    fc.assert(
      fc.property(fc.array(probe, { minLength: 1, maxLength: 3 }), fc.array(phase, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('liver', 'kidney', 'gel', 'fat', 'bone', 'breast'), fc.constantFrom(1.5, 2, 3), (probes, protocol, tissue, spacing) => {
          const p = plan({
            tissue,
            grid: { spacing_mm: spacing, padding_mm: 8 },
            probes: probes.map((q, i) => ({ id: `P${i}`, type: q.type, tip_mm: [q.x, q.y, q.z], axis: [q.ax / 30, q.ay / 30, 1] })),
            protocol,
          });
          const sim = Simulation.fromPlan(p);
          sim.solver.tallyEnergy = true;
          const V = (spacing / 1000) ** 3;
          const h0 = sim.solver.freeEnthalpySum() * V;
          const e0 = { ...sim.solver.energy };
          sim.advanceTo(sim.endS + 10);
          // What entered the free cells is their change of enthalpy, relative to all the flows
          // (+10 J: a short passive plan moves millijoules, and float32 rounding is ~1e-4 J).
          const e = sim.solver.energy;
          const flows = [e.probes - e0.probes, e.perfusionAndMetabolism - e0.perfusionAndMetabolism, e.fixedCells - e0.fixedCells, e.bodyCells - e0.bodyCells];
          const gap = sim.solver.freeEnthalpySum() * V - h0 - flows.reduce((a, b) => a + b, 0);
          expect(Math.abs(gap) / (flows.reduce((a, b) => a + Math.abs(b), 0) + 10)).toBeLessThan(1e-4);
          // Tmin holds every step's temperature: no cell was ever colder than the coldest probe.
          const coldest = Math.min(...p.probes.map((q) => resolveProbe(q.type).freeze_C));
          const T = sim.solver.temperatureC, Tmin = sim.solver.minTemperatureC;
          for (let c = 0; c < T.length; c++) {
            expect(Number.isFinite(T[c])).toBe(true);
            expect(Tmin[c]).toBeGreaterThanOrEqual(coldest - 1e-4);
            expect(T[c]).toBeLessThanOrEqual(37.001);
          }
          const snap = sim.snapshot();
          for (const iso of Object.values(snap.isotherms)) expect(Number.isFinite(iso.volume_ml)).toBe(true);
        }),
      { numRuns: 12, seed: 20261127 },
    );
  });
});
