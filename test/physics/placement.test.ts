import { describe, expect, it } from 'vitest';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, meanIsothermRadiusMm, tableTissue } from './helpers.ts';

/**
 * An infinitely long probe (a z-parallel cylinder through a 3-cell slab with insulated faces) at
 * (cx, cy) mm; isotherm radii [mm] after `seconds`.
 */
export function longProbeRadii(
  diameterMm: number, surfaceC: number, cx: number, cy: number, seconds: number[], spacingMm = 1, levels = [0, -20, -40],
  tissueOver = { perfusion_W_m3K: 3.6e6 * 0.0036 * 3.8 / 3.6, metabolic_W_m3: 0 },
): Record<number, Record<number, number>> {
  const n = Math.round(64 / spacingMm);
  const grid = boxGrid([n, n, 3], spacingMm, [-(n / 2) * spacingMm, -(n / 2) * spacingMm, -spacingMm]);
  const solver = new HeatSolver(grid, makeTissueModel(tableTissue(tissueOver)), [], 'insulated');
  const r = diameterMm / 2000;
  solver.setSources([{ body: cylinderBody([cx / 1000, cy / 1000, -0.01], [cx / 1000, cy / 1000, 0.01], r), surfaceC }]);
  const out: Record<number, Record<number, number>> = {};
  for (const t of seconds) {
    solver.advance(t - solver.timeS);
    out[t] = {};
    for (const level of levels) out[t][level] = meanIsothermRadiusMm(solver.temperatureC, grid, cx, cy, 1, level);
  }
  return out;
}

describe('placement invariance of the sub-cell probe coupling', () => {
  it.each([
    [1.47, -145],
    [2.4, -145],
    [3.4, -196],
  ])('a %s mm probe moved by 0.3 and 0.5 of a cell changes no isotherm radius by more than 0.3 mm', (d, Tp) => {
    const times = [60, 300, 600];
    const base = longProbeRadii(d, Tp, 0, 0, times);
    for (const shift of [[0.3, 0], [0.5, 0], [0.3, 0.5], [0.5, 0.5]]) {
      const moved = longProbeRadii(d, Tp, shift[0], shift[1], times);
      for (const t of times)
        for (const level of [0, -20, -40]) {
          expect(Number.isFinite(base[t][level])).toBe(true);
          expect(Math.abs(moved[t][level] - base[t][level]), `shift ${shift} t ${t} level ${level}`).toBeLessThan(0.3);
        }
    }
  });
});
