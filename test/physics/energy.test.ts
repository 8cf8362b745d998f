import { describe, expect, it } from 'vitest';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, tableTissue } from './helpers.ts';

describe('energy balance (physics.md §5.5)', () => {
  it.each([
    ['gel-like, no perfusion', { perfusion_W_m3K: 0, metabolic_W_m3: 0, initial_C: 37 }],
    ['perfused with metabolism', { perfusion_W_m3K: 13680, metabolic_W_m3: 4200, arterial_C: 36.7 }],
  ])('%s: heat removed by the probe = change of enthalpy + perfusion/metabolic + boundary, within 1 %%', (_name, over) => {
    const grid = boxGrid([36, 36, 44], 1, [-17.6, -17.3, -21.8]);
    const solver = new HeatSolver(grid, makeTissueModel(tableTissue(over)), []);
    solver.setSources([{ body: cylinderBody([0, 0.0004, -0.012], [0.0002, 0, 0.012], 0.0012), surfaceC: -145 }]);
    const V = 1e-9;
    const h0 = solver.freeEnthalpySum() * V;
    solver.advance(240);
    const dH = solver.freeEnthalpySum() * V - h0;
    const { probes, perfusionAndMetabolism, fixedCells } = solver.energy;
    expect(probes).toBeLessThan(-100); // the probe removed heat [J]
    const imbalance = dH - (probes + perfusionAndMetabolism + fixedCells);
    expect(Math.abs(imbalance) / Math.abs(probes)).toBeLessThan(0.01);
  });
});
