import { describe, expect, it } from 'vitest';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, tableTissue } from './helpers.ts';

/** A perfused 40³ box, one probe off-centre, a vessel at blood temperature (≠ rest). */
function solver(active: boolean): HeatSolver {
  const n = 40;
  const grid = boxGrid([n, n, n], 1, [-20, -20, -20]);
  const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200 }));
  const vessel = new Int32Array([5 + n * (5 + n * 20), 6 + n * (5 + n * 20)]);
  const s = new HeatSolver(grid, tissue, [{ cells: vessel, bloodC: 37, wallH: 230 }]);
  s.useActiveRegion = active;
  s.setSources([{ body: cylinderBody([0.003, 0.001, -0.008], [0.003, 0.001, 0.008], 0.0012), surfaceC: -145 }]);
  return s;
}

describe('active region (cells the cold has not reached are not stepped)', () => {
  it('gives the same fields and energy as stepping the whole box, within 1e-6 °C, over 600 steps', () => {
    const a = solver(true), b = solver(false);
    const dt = a.maxStepS;
    let sawPartial = false;
    for (let s = 0; s < 600; s++) {
      a.step(dt);
      b.step(dt);
      if (a.activeCells < 38 ** 3) sawPartial = true;
    }
    expect(sawPartial).toBe(true);
    let maxDiff = 0, maxMinDiff = 0;
    for (let c = 0; c < a.temperatureC.length; c++) {
      maxDiff = Math.max(maxDiff, Math.abs(a.temperatureC[c] - b.temperatureC[c]));
      maxMinDiff = Math.max(maxMinDiff, Math.abs(a.minTemperatureC[c] - b.minTemperatureC[c]));
    }
    expect(maxDiff).toBeLessThan(1e-6);
    expect(maxMinDiff).toBeLessThan(1e-5);
    expect(a.energy.probes).toBeCloseTo(b.energy.probes, 3);
    expect(Math.abs(a.energy.fixedCells - b.energy.fixedCells)).toBeLessThan(1e-6 * Math.abs(b.energy.probes));
  });
});

describe('the outer cell layer (the "rest" boundary)', () => {
  it('holds the resting temperature on all six sides, even where a probe crosses it', () => {
    for (const kernel of ['js', 'wasm-simd'] as const) {
      HeatSolver.kernelPreference = kernel;
      try {
        const dims: [number, number, number] = [13, 11, 9];
        const s = new HeatSolver(boxGrid(dims, 1, [-6, -5, -4]), makeTissueModel(tableTissue()));
        const rest = s.temperatureC[0];
        // Probes along x, y and z through the whole grid, each crossing two faces of the layer.
        s.setSources([
          { body: cylinderBody([-0.01, 0.0004, -0.0003], [0.01, 0.0004, -0.0003], 0.0012), surfaceC: -145 },
          { body: cylinderBody([0.0021, -0.01, 0.0011], [0.0021, 0.01, 0.0011], 0.0012), surfaceC: -145 },
          { body: cylinderBody([-0.0031, -0.0022, -0.01], [-0.0031, -0.0022, 0.01], 0.0012), surfaceC: -145 },
        ]);
        for (let n = 0; n < 60; n++) s.step(s.maxStepS);
        const [nx, ny, nz] = dims;
        let outer = 0;
        for (let k = 0; k < nz; k++)
          for (let j = 0; j < ny; j++)
            for (let i = 0; i < nx; i++) {
              if (i > 0 && j > 0 && k > 0 && i < nx - 1 && j < ny - 1 && k < nz - 1) continue;
              expect(s.temperatureC[i + nx * (j + ny * k)], `${kernel} cell ${i},${j},${k}`).toBe(rest);
              outer++;
            }
        expect(outer).toBe(nx * ny * nz - (nx - 2) * (ny - 2) * (nz - 2));
        expect(Math.min(...s.temperatureC)).toBeLessThan(-100);
      } finally {
        HeatSolver.kernelPreference = 'auto';
      }
    }
  });
});
