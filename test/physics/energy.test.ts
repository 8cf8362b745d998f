import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.ts';
import { parsePlan, parsePlanText } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';
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

/** A plan run through the engine with the tally on, to `untilS`: its imbalance and the probes' heat [J]. */
function engineBalance(plan: Plan, untilS: number | 'end', spacingMm?: number): { imbalance: number; probesJ: number } {
  const sim = Simulation.fromPlan(plan, spacingMm ? { spacingMm } : undefined);
  sim.solver.tallyEnergy = true;
  const V = (sim.grid.spacingMm / 1000) ** 3;
  const h0 = sim.solver.freeEnthalpySum() * V;
  const from = { ...sim.solver.energy };
  sim.advanceTo(untilS === 'end' ? sim.endS : untilS);
  return { imbalance: imbalance(sim.solver, h0, from, V), probesJ: sim.solver.energy.probes - from.probes };
}

describe('energy balance (physics.md §5.5)', () => {
  it.each([
    ['gel-like, no perfusion', { perfusion_W_m3K: 0, metabolic_W_m3: 0, initial_C: 37 }],
    ['perfused with metabolism', { perfusion_W_m3K: 13680, metabolic_W_m3: 4200, arterial_C: 36.7 }],
  ])('%s: heat removed by the probe = change of enthalpy + perfusion/metabolic + boundary, through freeze, passive thaw, re-freeze and active thaw', (_name, over) => {
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
    // Active thaw: the probe's cells held warm; the kernels' perfusion on them is no heat.
    solver.setSources([{ body, surfaceC: 20 }]);
    solver.advance(60);
    expect(imbalance(solver, h0, from, V)).toBeLessThan(1e-4);
  });

  it('a vessel whose blood is not at rest (30 °C), single-rate and multi-rate: its cells\' kernel source is no heat either', () => {
    for (const multiRate of [false, true]) {
      const grid = boxGrid([36, 36, 44], 1, [-17.6, -17.3, -21.8]);
      const vessel: number[] = [];
      for (let k = 20; k < 24; k++) for (let i = 4; i < 8; i++) for (let j = 1; j < 35; j++) vessel.push(i + 36 * (j + 36 * k));
      const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200, arterial_C: 36.7 }));
      const solver = new HeatSolver(grid, tissue, [{ cells: Int32Array.from(vessel), bloodC: 30, wallH: 230 }]);
      solver.useActiveRegion = true;
      solver.multiRate = multiRate;
      solver.setSources([{ body: cylinderBody([0, 0.0004, -0.012], [0.0002, 0, 0.012], 0.0012), surfaceC: -145 }]);
      const V = 1e-9;
      const h0 = solver.freeEnthalpySum() * V;
      const from = { ...solver.energy };
      const dt = solver.maxStepS, M = multiRate ? solver.multiRateSubsteps(dt) : 1;
      for (let s = 0; s < 1200; s += M) solver.stepMany(dt, M);
      if (multiRate) expect(solver.multiRateStats.macro).toBeGreaterThan(50);
      expect(imbalance(solver, h0, from, V)).toBeLessThan(1e-4);
    }
  });

  it('a face onto a probe cell that no ray cuts still feeds the probe (an axis tilted by 6e-320)', () => {
    // Found by random plans: the tilt moves a cell centre across the probe surface, leaving a
    // neighbour whose face rays all start inside the body; its flux into the probe went untallied.
    const parsed = parsePlan({
      format: 'cryoplan/1', tissue: 'liver', grid: { spacing_mm: 1, padding_mm: 8 },
      probes: [{ id: 'P0', type: 'argon-2.4mm', tip_mm: [0, 0, 0], axis: [-12477 * Number.MIN_VALUE, 0, 1] }],
      protocol: [{ phase: 'freeze', duration_s: 5 }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(engineBalance(parsed.plan, 4.9).imbalance).toBeLessThan(1e-4);
  });

  it('a probe within a cell of the grid edge: its cut faces onto the outer layer pass only their unblocked share, and the tally says so', () => {
    // Found by random plans with a 2 mm padding at 3 mm cells: 8 cut faces onto outer-layer cells,
    // counted whole by the outer layer's inflow (0.38 % of the flows).
    const parsed = parsePlan({
      format: 'cryoplan/1', tissue: 'liver', grid: { spacing_mm: 3, padding_mm: 2 },
      structures: [{ name: 'v', role: 'vessel', blood_C: 37, wall_h_W_m2K: 230, cylinder: { from_mm: [-12, -20, 0], to_mm: [-12, 20, 0], radius_mm: 3 } }],
      probes: [{ id: 'P0', type: 'argon-1.47mm', tip_mm: [0, 0, 0], axis: [0, 0, 1] }],
      protocol: [{ phase: 'freeze', duration_s: 5 }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const balance = engineBalance(parsed.plan, 15);
    expect(balance.probesJ).toBeLessThan(-50);
    expect(balance.imbalance).toBeLessThan(1e-4);
  });

  it('the liver sample at 2 mm (multi-rate, vessel walls, 10-8-10) closes over its whole protocol', () => {
    const parsed = parsePlanText(readFileSync('public/cases/liver-3probe.cryoplan.json', 'utf8'));
    if (!parsed.ok) throw new Error('sample plan does not parse');
    const balance = engineBalance(parsed.plan, 'end', 2);
    expect(balance.probesJ).toBeLessThan(-5e4);
    expect(balance.imbalance).toBeLessThan(1e-4);
  });
});
