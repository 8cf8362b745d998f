import { isosurface } from '../geometry/marchingCubes.ts';
import type { Plan } from '../plan/types.ts';
import { PlanRun } from './run.ts';
import type { RunResult } from './types.ts';
import type { IsosurfaceBuffers, RunFrame, RunOptions } from './workerApi.ts';
import { REPORTED_ISOTHERMS_C } from './simulation.ts';

/** Longest stretch of solver work between checks for cancellation [ms]. */
const SLICE_MS = 40;

/** Builds one progressive frame: field copies (to be transferred) and isosurfaces. */
export function buildFrame(run: PlanRun, runId: number, isoLevels: number[]): RunFrame {
  const sim = run.sim;
  const lethal = sim.prepared.plan.lethal_C;
  const T = Float32Array.from(sim.solver.temperatureC);
  const Tmin = Float32Array.from(sim.solver.minTemperatureC);
  const isosurfaces: IsosurfaceBuffers[] = isoLevels.map((level) => {
    const s = isosurface(T, sim.grid, level);
    return { level_C: level, field: 'current', positions: s.positions, normals: s.normals };
  });
  const ablation = isosurface(Tmin, sim.grid, lethal);
  isosurfaces.push({ level_C: lethal, field: 'ablation', positions: ablation.positions, normals: ablation.normals });
  return {
    runId,
    t_s: sim.timeS,
    end_s: run.endS,
    grid: sim.grid,
    snapshot: run.currentSnapshot(),
    temperature_C: T,
    minTemperature_C: Tmin,
    isosurfaces,
    sensors_C: sim.sensorReadings(),
  };
}

/** The buffers of a frame, for zero-copy transfer between threads. */
export function frameTransferables(frame: RunFrame): ArrayBuffer[] {
  const out: ArrayBuffer[] = [frame.temperature_C.buffer as ArrayBuffer, frame.minTemperature_C.buffer as ArrayBuffer];
  for (const s of frame.isosurfaces) out.push(s.positions.buffer as ArrayBuffer, s.normals.buffer as ArrayBuffer);
  return out;
}

/**
 * Runs a plan to its end, emitting a frame every `frameEveryS` simulated seconds (and at the end).
 * Between short slices of solver work it yields to the event loop and asks `isCancelled`, so a
 * superseded run stops within about SLICE_MS; it then resolves with null.
 */
export async function streamRun(
  plan: Plan,
  options: RunOptions,
  onFrame: (frame: RunFrame) => void | Promise<void>,
  isCancelled: () => boolean,
  yieldToEventLoop: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
): Promise<RunResult | null> {
  const run = new PlanRun(plan, { spacingMm: options.spacingMm });
  const frameEvery = options.frameEveryS ?? 20;
  const levels = options.isoLevels_C ?? [...new Set([...REPORTED_ISOTHERMS_C, plan.lethal_C])];
  await onFrame(buildFrame(run, options.runId, levels));
  let nextFrameS = frameEvery;
  // Simulated seconds per slice, adapted so each slice takes about SLICE_MS.
  let sliceS = 1;
  while (!run.done) {
    if (isCancelled()) return null;
    const target = Math.min(nextFrameS, run.endS, run.sim.timeS + sliceS);
    const started = performance.now();
    run.advanceTo(target);
    const ms = performance.now() - started;
    if (ms > 0) sliceS = Math.max(0.1, Math.min(frameEvery, sliceS * Math.min(2, SLICE_MS / ms)));
    if (run.sim.timeS >= nextFrameS - 1e-9 || run.done) {
      await onFrame(buildFrame(run, options.runId, levels));
      nextFrameS += frameEvery;
    }
    await yieldToEventLoop();
  }
  return isCancelled() ? null : run.result();
}
