import { describe, expect, it } from 'vitest';
import { HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, crossingAlongX, tableTissue } from './helpers.ts';

// physics.md §5.1 / measurements.json "neumann-tissue-145": planar half-space at 37 °C, face held
// at −145 °C from t = 0, tissue table, sharp front at 0 °C (here a narrow 0.5 K mushy zone).
const EXACT_MM: Record<number, Record<number, number>> = {
  60: { 0: 8.45, [-20]: 7.11, [-40]: 5.85 },
  300: { 0: 18.89, [-20]: 15.89, [-40]: 13.09 },
  600: { 0: 26.71, [-20]: 22.47, [-40]: 18.51 },
};

/** Isotherm positions for a face at x = 0 that sits `offsetCells` into a cell. */
function runPlanar(spacingMm: number, offsetCells: number): Record<number, Record<number, number>> {
  const nx = Math.round(70 / spacingMm);
  const grid = boxGrid([nx, 3, 3], spacingMm, [-(3 - offsetCells) * spacingMm, 0, 0]);
  const solver = new HeatSolver(grid, makeTissueModel(tableTissue({ solidus_C: -0.5, liquidus_C: 0 })), [], 'insulated');
  solver.setSources([{ body: { kind: 'halfspace', point: [0, 0, 0], normal: [1, 0, 0] }, surfaceC: -145 }]);
  const out: Record<number, Record<number, number>> = {};
  for (const t of [60, 300, 600]) {
    solver.advance(t - solver.timeS);
    out[t] = {};
    for (const level of [0, -20, -40]) out[t][level] = crossingAlongX(solver.temperatureC, grid, 1, 1, level);
  }
  return out;
}

describe('Neumann two-phase Stefan problem (planar)', () => {
  it('puts the 0 / −20 / −40 °C isotherms within 0.5 mm of the exact solution at a 1 mm grid', () => {
    for (const offset of [0, 0.3, 0.5, 0.8]) {
      const got = runPlanar(1, offset);
      for (const t of [60, 300, 600])
        for (const level of [0, -20, -40]) expect(Math.abs(got[t][level] - EXACT_MM[t][level]), `t ${t} s, ${level} °C, offset ${offset}`).toBeLessThan(0.5);
    }
  });

  it('converges under refinement (error at 600 s shrinks from 2 mm to 1 mm to 0.5 mm)', () => {
    const err = (h: number): number => {
      // Average over face offsets: the front's cell-crossing wobble is not the convergence signal.
      let sum = 0;
      const offsets = [0, 0.25, 0.5, 0.75];
      for (const o of offsets) {
        const got = runPlanar(h, o)[600];
        sum += Math.max(...[0, -20, -40].map((l) => Math.abs(got[l] - EXACT_MM[600][l])));
      }
      return sum / offsets.length;
    };
    const e2 = err(2), e1 = err(1), e05 = err(0.5);
    expect(e1).toBeLessThan(e2);
    expect(e05).toBeLessThan(e1);
    expect(e05).toBeLessThan(0.15);
  });
});
