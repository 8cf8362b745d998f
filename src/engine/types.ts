import type { Grid } from '../geometry/grid.ts';
import type { Vec3 } from '../geometry/vec.ts';

/** Volume and bounding box of the region colder than or at one isotherm (current field). */
export interface IsothermMetrics {
  volume_ml: number;
  /** null when the region is empty. */
  bbox_mm: { min: Vec3; max: Vec3 } | null;
}

export interface CoverageMetrics {
  lethal_C: number;
  tumor_volume_ml: number;
  /** Fraction of tumour volume whose minimum temperature so far is at or below lethal_C. */
  tumor_covered_fraction: number;
  /** Same for the shell between the tumour surface and tumour + margin_mm. */
  margin_covered_fraction: number;
  /**
   * Signed distance from the tumour surface to the lethal isotherm [mm]; negative = uncovered.
   * null while there is no ablation zone at all.
   */
  min_margin_mm: number | null;
}

export interface StructureMetrics {
  /** Lowest temperature reached so far [°C]; null if the structure covers no cell centre. */
  min_C: number | null;
  frozen_volume_ml: number;
  lethal_volume_ml: number;
}

/** One snapshot of the result file. Keys of `isotherms` are °C as strings ("0", "-20", ...). */
export interface Snapshot {
  t_s: number;
  isotherms: Record<string, IsothermMetrics>;
  /** Absent when the plan has no tumour. */
  coverage?: CoverageMetrics;
  structures: Record<string, StructureMetrics>;
}

export interface SensorTrace {
  t_s: number[];
  T_C: number[];
}

export interface SolverStats {
  cells: number;
  steps: number;
  /** Largest time step used [s]. */
  dt_s: number;
  wall_s: number;
}

/** The result file (`cryoplan-result/1`). */
export interface RunResult {
  format: 'cryoplan-result/1';
  grid: { spacing_mm: number; dims: [number, number, number]; origin_mm: Vec3 };
  end_s: number;
  snapshots: Snapshot[];
  sensors: Record<string, SensorTrace>;
  solver: SolverStats;
}

export type { Grid };
