import type { Grid } from '../geometry/grid.ts';
import type { Plan } from '../plan/types.ts';
import type { RunResult, Snapshot } from './types.ts';

/** An isosurface as a triangle soup in mm (normals point toward warmer tissue). */
export interface IsosurfaceBuffers {
  /** Isotherm level [°C]. */
  level_C: number;
  /** 'current' = temperature now; 'ablation' = minimum temperature so far (the lethal zone). */
  field: 'current' | 'ablation';
  positions: Float32Array;
  normals: Float32Array;
}

/** One progressive frame of a run, streamed from the worker to the page. */
export interface RunFrame {
  runId: number;
  t_s: number;
  end_s: number;
  grid: Grid;
  snapshot: Snapshot;
  /** Current temperature [°C] per cell (transferred, not copied). */
  temperature_C: Float32Array;
  /** Minimum temperature reached so far [°C] per cell. */
  minTemperature_C: Float32Array;
  isosurfaces: IsosurfaceBuffers[];
  /** Sensor readings at t_s [°C], by sensor name. */
  sensors_C: Record<string, number>;
}

export interface RunOptions {
  runId: number;
  /** Overrides plan.grid.spacing_mm (coarse preview while dragging). */
  spacingMm?: number;
  /** Simulated seconds between frames; default 20. */
  frameEveryS?: number;
  /** Isotherm levels [°C] to extract on the current field; the lethal level is also extracted on the ablation field. */
  isoLevels_C?: number[];
}

/**
 * What an engine worker exposes through comlink. `run` streams frames through `onFrame`
 * (a comlink proxy) and resolves with the full result; `cancel` stops the run between chunks.
 */
/** How the engine computes here (for the UI and the bench). */
export interface EngineInfo {
  /** Threads stepping one run. */
  threads: number;
  /** Whether the context is cross-origin isolated (SharedArrayBuffer usable); true in Node. */
  isolated: boolean;
  kernel: 'wasm-simd' | 'js';
  /** Why fewer threads or the plain kernel are used, when they are. */
  reason?: string;
}

export interface EngineWorkerApi {
  run(plan: Plan, options: RunOptions, onFrame: (frame: RunFrame) => void): Promise<RunResult | null>;
  cancel(runId: number): void;
  /** Kernel and threading in use (added; optional so older engines still satisfy the type). */
  engineInfo?(): EngineInfo;
}
