/**
 * Frames kept for scrubbing back in time, at about 2 mm whatever the run's grid: every
 * `factor`-th cell on each axis (point samples, no averaging, so values are real cell values),
 * 1/8 of the memory at a 1 mm grid. Isosurfaces are not kept; they are rebuilt from the kept
 * fields (geometry's marching tetrahedra) only for the frame being shown, one at a time.
 */

import { isosurface } from '../geometry/marchingCubes.ts';
import type { Grid } from '../geometry/grid.ts';
import type { Snapshot } from '../engine/types.ts';
import type { IsosurfaceBuffers, RunFrame } from '../engine/workerApi.ts';

/** Cell size of scrub frames [mm] (the run's own when coarser). */
export const SCRUB_SPACING_MM = 2;

export interface ScrubFrame {
  runId: number;
  t_s: number;
  end_s: number;
  /** The decimated grid. */
  grid: Grid;
  temperature_C: Float32Array;
  minTemperature_C: Float32Array;
  snapshot: Snapshot;
  sensors_C: Record<string, number>;
  /** Isotherm levels of the run's current field [°C], and the lethal level of its ablation field. */
  isoLevels_C: number[];
  ablationLevel_C: number | null;
}

function decimate(field: Float32Array, dims: [number, number, number], f: number, out: [number, number, number]): Float32Array {
  const [nx, ny] = dims;
  const [mx, my, mz] = out;
  const res = new Float32Array(mx * my * mz);
  let o = 0;
  for (let k = 0; k < mz; k++) {
    for (let j = 0; j < my; j++) {
      const row = nx * (f * j + ny * f * k);
      for (let i = 0; i < mx; i++) res[o++] = field[row + f * i];
    }
  }
  return res;
}

export function toScrubFrame(frame: RunFrame): ScrubFrame {
  const g = frame.grid;
  const f = Math.max(1, Math.round(SCRUB_SPACING_MM / g.spacingMm));
  const dims: [number, number, number] = [
    Math.ceil(g.dims[0] / f), Math.ceil(g.dims[1] / f), Math.ceil(g.dims[2] / f),
  ];
  const keep = f === 1;
  const ablation = frame.isosurfaces.find((s) => s.field === 'ablation');
  return {
    runId: frame.runId,
    t_s: frame.t_s,
    end_s: frame.end_s,
    grid: { dims, spacingMm: g.spacingMm * f, originMm: g.originMm },
    temperature_C: keep ? frame.temperature_C : decimate(frame.temperature_C, g.dims, f, dims),
    minTemperature_C: keep ? frame.minTemperature_C : decimate(frame.minTemperature_C, g.dims, f, dims),
    snapshot: frame.snapshot,
    sensors_C: frame.sensors_C,
    isoLevels_C: frame.isosurfaces.filter((s) => s.field === 'current').map((s) => s.level_C),
    ablationLevel_C: ablation ? ablation.level_C : null,
  };
}

export function scrubFrameBytes(s: ScrubFrame): number {
  return s.temperature_C.byteLength + s.minTemperature_C.byteLength;
}

let cached: { source: ScrubFrame; frame: RunFrame } | null = null;

/** A displayable frame (with isosurfaces) for a scrub frame; the last one is cached. */
export function materialize(s: ScrubFrame): RunFrame {
  if (cached?.source === s) return cached.frame;
  const isosurfaces: IsosurfaceBuffers[] = s.isoLevels_C.map((level_C) => {
    const iso = isosurface(s.temperature_C, s.grid, level_C);
    return { level_C, field: 'current', positions: iso.positions, normals: iso.normals };
  });
  if (s.ablationLevel_C !== null) {
    const iso = isosurface(s.minTemperature_C, s.grid, s.ablationLevel_C);
    isosurfaces.push({ level_C: s.ablationLevel_C, field: 'ablation', positions: iso.positions, normals: iso.normals });
  }
  const frame: RunFrame = {
    runId: s.runId,
    t_s: s.t_s,
    end_s: s.end_s,
    grid: s.grid,
    snapshot: s.snapshot,
    temperature_C: s.temperature_C,
    minTemperature_C: s.minTemperature_C,
    isosurfaces,
    sensors_C: s.sensors_C,
  };
  cached = { source: s, frame };
  return frame;
}
