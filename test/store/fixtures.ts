import { parsePlan } from '../../src/plan/parse.ts';
import type { RunFrame, RunSample } from '../../src/engine/workerApi.ts';
import type { Plan } from '../../src/plan/types.ts';

/** A small valid plan: an ellipsoid tumour, two probes 12 mm apart, freeze–thaw–freeze. */
export function twoProbePlan(): Plan {
  const r = parsePlan({
    format: 'cryoplan/1',
    name: 'store test',
    tissue: 'liver',
    tumor: { ellipsoid: { center_mm: [0, 0, 0], radii_mm: [12, 10, 10] } },
    probes: [
      { id: 'P1', type: 'argon-2.4mm', tip_mm: [-6, 0, -15], axis: [0, 0, 1] },
      { id: 'P2', type: 'argon-2.4mm', tip_mm: [6, 0, -15], axis: [0, 0, 1] },
    ],
    protocol: [
      { phase: 'freeze', duration_s: 600 },
      { phase: 'thaw', duration_s: 480, mode: 'passive' },
      { phase: 'freeze', duration_s: 600 },
    ],
    report_times_s: [60, 300, 1500],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}

const CELLS = 1000; // 4 kB per field at 1 mm
const COVERAGE = { lethal_C: -40, tumor_volume_ml: 10, tumor_covered_fraction: 0.5, margin_covered_fraction: 0.2 };

/** A sample at t_s, its two fields of 125 cells (250 bytes) each. */
export function sample(t_s: number): RunSample {
  return {
    t_s,
    snapshot: { t_s, isotherms: { '0': { volume_ml: t_s / 100, bbox_mm: null } }, structures: {}, coverage: COVERAGE },
    sensors_C: { TC1: 37 - t_s / 100 },
    grid: { dims: [5, 5, 5], spacingMm: 2, originMm: [0, 0, 0] },
    temperature_cC: new Int16Array(CELLS / 8),
    minTemperature_cC: new Int16Array(CELLS / 8),
  };
}

/** A frame at t_s carrying samples at `sampleTimes` (by default only t_s). */
export function frame(runId: number, t_s: number, end_s = 1200, sampleTimes = [t_s]): RunFrame {
  return {
    runId,
    t_s,
    end_s,
    grid: { dims: [10, 10, 10], spacingMm: 1, originMm: [0, 0, 0] },
    snapshot: { t_s, isotherms: { '0': { volume_ml: t_s / 100, bbox_mm: null } }, structures: {}, coverage: { ...COVERAGE, min_margin_mm: 1.5 } },
    temperature_C: new Float32Array(CELLS),
    minTemperature_C: new Float32Array(CELLS),
    isosurfaces: [
      { level_C: 0, field: 'current', positions: new Float32Array(0), normals: new Int8Array(0), indices: new Uint32Array(0) },
      { level_C: -40, field: 'ablation', positions: new Float32Array(0), normals: new Int8Array(0), indices: new Uint32Array(0) },
    ],
    sensors_C: { TC1: 37 - t_s / 100 },
    samples: sampleTimes.map(sample),
  };
}
