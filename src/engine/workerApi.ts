import type { Grid } from '../geometry/grid.ts';
import type { Plan } from '../plan/types.ts';
import type { CoverageMetrics, RunResult, Snapshot } from './types.ts';

/** An isosurface as an indexed mesh in mm (normals point toward warmer tissue). */
export interface IsosurfaceBuffers {
  /** Isotherm level [°C]. */
  level_C: number;
  /** 'current' = temperature now; 'ablation' = minimum temperature so far (the lethal zone). */
  field: 'current' | 'ablation';
  /** Vertices, xyz. */
  positions: Float32Array;
  /** Unit normal per vertex × 127 as signed bytes (geometry/marchingCubes.ts). */
  normals: Int8Array;
  /** Vertex-index triples, one per triangle. */
  indices: Uint32Array;
}

/**
 * A snapshot taken between report times: everything but the signed minimum margin (the costly
 * metric), whose `coverage.min_margin_mm` is then absent. At report times it is the report
 * snapshot itself, margin included.
 */
export type SampleSnapshot = Omit<Snapshot, 'coverage'> & {
  coverage?: Omit<CoverageMetrics, 'min_margin_mm'> & { min_margin_mm?: number | null };
};

/**
 * What the timeline keeps of a run: every `sampleEveryS` simulated seconds and at every report
 * time, metrics, sensor readings and both fields at about 2 mm (every `f`-th cell of the run's
 * grid on each axis, f = round(2 mm / spacing); point samples, so values are real cell values, to
 * 0.01 °C: Int16 halves what the timeline keeps, and tissue stays well within ±327 °C).
 */
export interface RunSample {
  t_s: number;
  snapshot: SampleSnapshot;
  /** Sensor readings at t_s [°C], by sensor name. */
  sensors_C: Record<string, number>;
  /** The decimated grid. */
  grid: Grid;
  /** Current temperature per cell [0.01 °C]. */
  temperature_cC: Int16Array;
  /** Minimum temperature so far per cell [0.01 °C]. */
  minTemperature_cC: Int16Array;
}

/** A run at one time as the views draw it. */
export interface FramePicture {
  t_s: number;
  grid: Grid;
  /** Current temperature [°C] per cell (transferred, not copied). */
  temperature_C: Float32Array;
  /** Minimum temperature reached so far [°C] per cell. */
  minTemperature_C: Float32Array;
  isosurfaces: IsosurfaceBuffers[];
}

/**
 * One progressive frame of a run, streamed from the worker to the page on a wall-clock cadence
 * (and at the end): the newest state at full resolution, plus the samples taken since the
 * previous frame. A frame's time is always one of its samples' times.
 */
export interface RunFrame extends FramePicture {
  runId: number;
  end_s: number;
  /** Full metrics at t_s, signed minimum margin included. */
  snapshot: Snapshot;
  /** Sensor readings at t_s [°C], by sensor name. */
  sensors_C: Record<string, number>;
  /** Samples since the previous frame, in time order (transferred). */
  samples: RunSample[];
}

export interface RunOptions {
  runId: number;
  /** Overrides plan.grid.spacing_mm (coarse preview while dragging). */
  spacingMm?: number;
  /** Simulated seconds between samples (report times are sampled too); default 20. */
  sampleEveryS?: number;
  /**
   * Wall-clock milliseconds between frames; default 250. Stretched when frames cost more than a
   * fifth of the run's time, so they never dominate it.
   */
  frameEveryMs?: number;
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
  /**
   * Steps later runs on `threads` z-slab threads (the engine thread stepping one when
   * `coordinatorWorks`, default true) where the context allows; says what it got. Call it
   * between runs, never during one.
   */
  setThreads(threads: number, coordinatorWorks?: boolean): Promise<EngineInfo>;
  /**
   * Hands back buffers of frames the page no longer draws from (their fields' and their surfaces'
   * of T, transferred): later frames copy their fields and surfaces into them instead of into new
   * memory.
   */
  recycle(buffers: ArrayBuffer[]): void;
  /**
   * Hands back the field buffers of samples the page no longer keeps (a superseded run's, or
   * those its timeline thinned out; transferred): later samples decimate into them.
   */
  recycleSamples(buffers: ArrayBuffer[]): void;
}
