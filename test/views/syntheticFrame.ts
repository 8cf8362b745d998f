/**
 * A synthetic run frame for view tests and the screenshot fixture: a spherical ice ball
 * T(r) = 37 - 187·exp(-r / L) around ICE_CENTRE (isosurfaces: spheres of radius radiusOf(level),
 * extracted with geometry's marching tetrahedra), and a minimum temperature a few degrees colder.
 */
import type { RunFrame, IsosurfaceBuffers } from '../../src/engine/workerApi.ts';
import type { Grid } from '../../src/geometry/grid.ts';
import type { Plan, Vec3 } from '../../src/plan/types.ts';
import { isosurface } from '../../src/geometry/marchingCubes.ts';

export const ICE_CENTRE: Vec3 = [5, 2, 0];
export const LENGTH_MM = 18;
export const MIN_OFFSET_C = 3;

export function temperatureAt(r: number): number {
  return 37 - 187 * Math.exp(-r / LENGTH_MM);
}
/** Radius where T(r) = level. */
export function radiusOf(level: number): number {
  return -LENGTH_MM * Math.log((37 - level) / 187);
}

export function syntheticFrame(lethal_C = -40, t_s = 600, halfMm = 45, spacingMm = 1): RunFrame {
  const n = Math.round((2 * halfMm) / spacingMm) + 1;
  const grid: Grid = { dims: [n, n, n], spacingMm, originMm: [-halfMm, -halfMm, -halfMm] };
  const temperature_C = new Float32Array(n * n * n);
  const minTemperature_C = new Float32Array(n * n * n);
  for (let k = 0, p = 0; k < n; k++) {
    const z = grid.originMm[2] + k * spacingMm - ICE_CENTRE[2];
    for (let j = 0; j < n; j++) {
      const y = grid.originMm[1] + j * spacingMm - ICE_CENTRE[1];
      for (let i = 0; i < n; i++, p++) {
        const x = grid.originMm[0] + i * spacingMm - ICE_CENTRE[0];
        const t = temperatureAt(Math.hypot(x, y, z));
        temperature_C[p] = t;
        minTemperature_C[p] = t - MIN_OFFSET_C;
      }
    }
  }
  // Isosurfaces as the engine extracts them (marching tetrahedra on the cell-centred fields).
  const isosurfaces: IsosurfaceBuffers[] = [0, -20, -40].map((level_C) => ({
    level_C, field: 'current' as const, ...isosurface(temperature_C, grid, level_C),
  }));
  isosurfaces.push({ level_C: lethal_C, field: 'ablation', ...isosurface(minTemperature_C, grid, lethal_C) });
  return {
    runId: 1, t_s, end_s: 1680, grid,
    snapshot: { t_s, isotherms: {}, structures: {} },
    temperature_C, minTemperature_C, isosurfaces, sensors_C: {}, samples: [],
  };
}

export const samplePlan: Plan = {
  format: 'cryoplan/1',
  name: 'Fixture: renal tumour, two probes',
  tissue: 'kidney',
  lethal_C: -40,
  margin_mm: 5,
  grid: { spacing_mm: 1, padding_mm: 25 },
  tumor: { ellipsoid: { center_mm: [0, 0, 0], radii_mm: [12, 10, 10] } },
  structures: [
    { name: 'bowel', role: 'avoid', ellipsoid: { center_mm: [0, 32, 0], radii_mm: [9, 8, 20] } },
    { name: 'renal vein', role: 'vessel', blood_C: 37, wall_h_W_m2K: 1000,
      cylinder: { from_mm: [-40, -20, -5], to_mm: [40, -20, -5], radius_mm: 4 } },
    { name: 'renal artery', role: 'vessel', blood_C: 37,
      cylinder: { from_mm: [-40, -8, 24], to_mm: [40, -8, 24], radius_mm: 2.5 } },
  ],
  probes: [
    { id: 'P1', type: { diameter_mm: 2.4, active_length_mm: 35, active_offset_mm: 3, freeze_C: -145, active_thaw_C: 20 },
      tip_mm: [6, 2, -14], axis: [0.196, -0.098, 0.976] },
    { id: 'P2', type: { diameter_mm: 1.5, active_length_mm: 30, active_offset_mm: 2, freeze_C: -145, active_thaw_C: 20 },
      tip_mm: [-6, -3, -12], axis: [-0.287, -0.191, 0.939] },
  ],
  protocol: [{ phase: 'freeze', duration_s: 600 }, { phase: 'thaw', duration_s: 480, mode: 'passive' }, { phase: 'freeze', duration_s: 600 }],
  sensors: [{ name: 'TC1', at_mm: [15, 0, 0] }, { name: 'TC2', at_mm: [0, 20, 0] }],
  report_times_s: [300, 600],
};
