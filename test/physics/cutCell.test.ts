import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanRun } from '../../src/engine/run.ts';
import { Simulation } from '../../src/engine/simulation.ts';
import { parsePlan, parsePlanText } from '../../src/plan/parse.ts';
import { cutCellStep } from '../../src/physics/solver.ts';
import { capacityOf, conductivityOf, enthalpyOf, kirchhoffOf, makeTissueModel, stableStepS, temperatureOf } from '../../src/physics/tissueModel.ts';
import { tableTissue } from './helpers.ts';

/**
 * The cut cells' coupling to a probe surface (solver.ts cutCellStep): backward Euler, so a cell
 * never passes the surface's temperature, whatever phase it starts in.
 */
describe('cut cell coupling', () => {
  const m = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680 }));
  const h = 0.002;
  const dt = 0.95 * stableStepS(m, h);
  // A surface 0.05 of a cell away on two faces: the strongest coupling buildCutFaces makes.
  const conductance = 2 / (0.05 * h * h);
  const surfacePhi = kirchhoffOf(m, -145);
  const step = (tOld: number): { x: number; estimate: number } => {
    const hOld = enthalpyOf(m, tOld);
    const rateDrive = conductance * (surfacePhi - kirchhoffOf(m, tOld));
    const slope = conductivityOf(m, tOld) / capacityOf(m, tOld);
    return { x: cutCellStep(m, hOld, tOld, dt, rateDrive, conductance), estimate: (dt * rateDrive) / (1 + dt * slope * conductance) };
  };

  it('a mushy cell next to a −145 °C surface (a re-freeze) lands between the two, solving backward Euler', () => {
    for (const tOld of [-7.5, -5, -2, -1.2]) {
      const hOld = enthalpyOf(m, tOld);
      const { x, estimate } = step(tOld);
      // The linearisation at the mushy slope overshoots far past the surface.
      expect(temperatureOf(m, hOld + estimate)).toBeLessThan(-145);
      const tNew = temperatureOf(m, hOld + x);
      expect(tNew).toBeGreaterThanOrEqual(-145);
      expect(tNew).toBeLessThan(tOld);
      const residual = x - dt * conductance * (surfacePhi - kirchhoffOf(m, tNew));
      expect(Math.abs(residual)).toBeLessThanOrEqual(1e-3);
    }
  });

  it('a frozen or a warm cell that stays so keeps the point-implicit step (exact there: φ is linear in H)', () => {
    const frozen = step(-100);
    expect(frozen.x).toBe(frozen.estimate);
    const hot = makeTissueModel(tableTissue());
    const hOld = enthalpyOf(hot, 20);
    const rateDrive = 1e-3 * (kirchhoffOf(hot, 10) - kirchhoffOf(hot, 20));
    const slope = conductivityOf(hot, 20) / capacityOf(hot, 20);
    expect(cutCellStep(hot, hOld, 20, dt, rateDrive, 1e-3)).toBe((dt * rateDrive) / (1 + dt * slope * 1e-3));
  });

  it('a probe through a walled vessel: the cut cells next to the wall stay at or above the probe (walls before the coupling)', () => {
    // Found by random plans: with the wall applied after the implicit coupling, a cut cell that
    // also faces the vessel lost the wall's correction to the coupling and went to −145.001 °C.
    const parsed = parsePlan({
      format: 'cryoplan/1', tissue: 'liver', grid: { spacing_mm: 1, padding_mm: 8 },
      structures: [{ name: 'v', role: 'vessel', blood_C: 37, wall_h_W_m2K: 230, cylinder: { from_mm: [-12, -20, 0], to_mm: [-12, 20, 0], radius_mm: 3 } }],
      probes: [
        { id: 'P0', type: 'argon-1.47mm', tip_mm: [-9.708217523749287, 0, 0], axis: [0, 0, 1] },
        { id: 'P1', type: 'argon-1.47mm', tip_mm: [0, 0, 0], axis: [0, 0, 1] },
      ],
      protocol: [{ phase: 'thaw', duration_s: 54, mode: 'active' }, { phase: 'freeze', duration_s: 14 }, { phase: 'freeze', duration_s: 49 }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const sim = Simulation.fromPlan(parsed.plan);
    sim.advanceTo(sim.endS);
    const Tmin = sim.solver.minTemperatureC;
    let coldest = Infinity;
    for (let c = 0; c < Tmin.length; c++) coldest = Math.min(coldest, Tmin[c]);
    expect(coldest).toBeGreaterThanOrEqual(-145.0001);
  });

  it('the liver sample at 2 mm: no cell is ever colder than its −145 °C probes (the re-freeze reached −263 °C before)', () => {
    const parsed = parsePlanText(readFileSync('public/cases/liver-3probe.cryoplan.json', 'utf8'));
    if (!parsed.ok) throw new Error('sample plan does not parse');
    const run = new PlanRun(parsed.plan, { spacingMm: 2 });
    run.advanceTo(run.endS);
    const Tmin = run.sim.solver.minTemperatureC;
    let coldest = Infinity;
    for (let c = 0; c < Tmin.length; c++) coldest = Math.min(coldest, Tmin[c]);
    expect(coldest).toBeGreaterThanOrEqual(-145.001);
    expect(coldest).toBeLessThan(-140);
  });
});
