import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.ts';
import { parsePlanText } from '../../src/plan/parse.ts';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { type EnergyTally, HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, tableTissue } from './helpers.ts';

/**
 * Energy balance (physics.md §5.5): the change of the free cells' enthalpy equals what the tally
 * says entered them since `from`, relative to the heat the probes removed. physics.md asks for
 * 1 %; the solver's bookkeeping is exact up to float32 rounding (measured ≤ 7e-6), so the bound is
 * 1e-4: a forgotten term (before: cells a passive thaw releases, 0.15–0.34 %) fails it.
 */
function imbalance(solver: HeatSolver, h0: number, from: EnergyTally, V: number): number {
  const dH = solver.freeEnthalpySum() * V - h0;
  const e = solver.energy;
  const entered = e.probes - from.probes + (e.perfusionAndMetabolism - from.perfusionAndMetabolism) +
    (e.fixedCells - from.fixedCells) + (e.bodyCells - from.bodyCells);
  return Math.abs(dH - entered) / Math.abs(e.probes - from.probes);
}

describe('energy balance (physics.md §5.5)', () => {
  it.each([
    ['gel-like, no perfusion', { perfusion_W_m3K: 0, metabolic_W_m3: 0, initial_C: 37 }],
    ['perfused with metabolism', { perfusion_W_m3K: 13680, metabolic_W_m3: 4200, arterial_C: 36.7 }],
  ])('%s: heat removed by the probe = change of enthalpy + perfusion/metabolic + boundary, through freeze, passive thaw and re-freeze', (_name, over) => {
    const grid = boxGrid([36, 36, 44], 1, [-17.6, -17.3, -21.8]);
    const solver = new HeatSolver(grid, makeTissueModel(tableTissue(over)), []);
    const body = cylinderBody([0, 0.0004, -0.012], [0.0002, 0, 0.012], 0.0012);
    solver.setSources([{ body, surfaceC: -145 }]);
    const V = 1e-9;
    const h0 = solver.freeEnthalpySum() * V;
    const from = { ...solver.energy };
    solver.advance(240);
    expect(solver.energy.probes).toBeLessThan(-100); // the probe removed heat [J]
    expect(imbalance(solver, h0, from, V)).toBeLessThan(1e-4);
    // Passive thaw: the probe's cells become tissue at −145 °C; then it freezes again.
    solver.setSources([{ body, surfaceC: null }]);
    solver.advance(120);
    expect(imbalance(solver, h0, from, V)).toBeLessThan(1e-4);
    solver.setSources([{ body, surfaceC: -145 }]);
    solver.advance(60);
    expect(imbalance(solver, h0, from, V)).toBeLessThan(1e-4);
  });

  it('the liver sample at 2 mm (multi-rate, vessel walls, 10-8-10) closes over its whole protocol', () => {
    const parsed = parsePlanText(readFileSync('public/cases/liver-3probe.cryoplan.json', 'utf8'));
    if (!parsed.ok) throw new Error('sample plan does not parse');
    const sim = Simulation.fromPlan(parsed.plan, { spacingMm: 2 });
    const V = 8e-9;
    const h0 = sim.solver.freeEnthalpySum() * V;
    const from = { ...sim.solver.energy };
    sim.advanceTo(sim.endS);
    expect(sim.solver.energy.probes).toBeLessThan(-5e4);
    expect(imbalance(sim.solver, h0, from, V)).toBeLessThan(1e-4);
  });
});
