/**
 * Frames kept for scrubbing back in time: the engine's samples (RunSample: both fields at about
 * 2 mm whatever the run's grid, in 0.01 °C, taken in the worker), with the isotherm levels of
 * their run. Pictures (°C fields and isosurfaces, geometry's marching tetrahedra) are rebuilt only
 * for the frame being shown, one at a time.
 */

import { isosurface } from '../geometry/marchingCubes.ts';
import type { Grid } from '../geometry/grid.ts';
import type { FramePicture, IsosurfaceBuffers, RunFrame, RunSample } from '../engine/workerApi.ts';

export interface ScrubFrame {
  t_s: number;
  /** The sample's (decimated) grid. */
  grid: Grid;
  /** Temperature [0.01 °C] per cell of `grid`. */
  temperature_cC: Int16Array;
  minTemperature_cC: Int16Array;
  /** Isotherm levels of the run's current field [°C], and the lethal level of its ablation field. */
  isoLevels_C: number[];
  ablationLevel_C: number | null;
}

/** A sample of `frame`'s run, ready to be scrubbed to (fields kept by reference). */
export function toScrubFrame(sample: RunSample, frame: RunFrame): ScrubFrame {
  const ablation = frame.isosurfaces.find((s) => s.field === 'ablation');
  return {
    t_s: sample.t_s,
    grid: sample.grid,
    temperature_cC: sample.temperature_cC,
    minTemperature_cC: sample.minTemperature_cC,
    isoLevels_C: frame.isosurfaces.filter((s) => s.field === 'current').map((s) => s.level_C),
    ablationLevel_C: ablation ? ablation.level_C : null,
  };
}

export function scrubFrameBytes(s: ScrubFrame): number {
  return s.temperature_cC.byteLength + s.minTemperature_cC.byteLength;
}

function toCelsius(field_cC: Int16Array): Float32Array {
  const out = new Float32Array(field_cC.length);
  for (let i = 0; i < field_cC.length; i++) out[i] = field_cC[i] / 100;
  return out;
}

let cached: { source: ScrubFrame; picture: FramePicture } | null = null;

/** A displayable picture (with isosurfaces) of a scrub frame; the last one is cached. */
export function materialize(s: ScrubFrame): FramePicture {
  if (cached?.source === s) return cached.picture;
  const temperature_C = toCelsius(s.temperature_cC);
  const minTemperature_C = toCelsius(s.minTemperature_cC);
  const isosurfaces: IsosurfaceBuffers[] = s.isoLevels_C.map((level_C) => {
    const iso = isosurface(temperature_C, s.grid, level_C);
    return { level_C, field: 'current', ...iso };
  });
  if (s.ablationLevel_C !== null) {
    const iso = isosurface(minTemperature_C, s.grid, s.ablationLevel_C);
    isosurfaces.push({ level_C: s.ablationLevel_C, field: 'ablation', ...iso });
  }
  const picture: FramePicture = {
    t_s: s.t_s,
    grid: s.grid,
    temperature_C,
    minTemperature_C,
    isosurfaces,
  };
  cached = { source: s, picture };
  return picture;
}
