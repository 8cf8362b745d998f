import type { Grid } from '../geometry/grid.ts';
import { type Isosurface, isosurface } from '../geometry/marchingCubes.ts';
import type { Plan } from '../plan/types.ts';
import { FrameBufferPool } from './frameBuffers.ts';
import { DEFAULT_SENSOR_EVERY_S, PlanRun, reportTimes } from './run.ts';
import { REPORTED_ISOTHERMS_C } from './simulation.ts';
import type { RunResult, Snapshot } from './types.ts';
import type { IsosurfaceBuffers, RunFrame, RunOptions, RunSample, SampleSnapshot } from './workerApi.ts';

/** Longest stretch of solver work between yields to the event loop (and checks for cancellation) [ms]. */
const SLICE_MS = 25;
/** Cell size of samples [mm] (the run's own when coarser). */
const SAMPLE_SPACING_MM = 2;
const DEFAULT_FRAME_EVERY_MS = 250;
/** Frames take at most about this share of a run's wall time: the cadence stretches when they cost more. */
const FRAME_SHARE = 0.2;

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

let taskChannel: MessageChannel | null = null;
const waitingForTask: (() => void)[] = [];

/**
 * Resolves in a new task, after whatever messages (a cancel) were queued before it. In a browser
 * a message to ourselves, which runs at once, where a nested setTimeout(0) is clamped to 4 ms (a
 * 1 mm run yields ~200 times); in Node setImmediate (a port there drains its queue in one go,
 * new messages included, and would starve timers).
 */
export function nextTask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((r) => setImmediate(r));
  if (typeof MessageChannel !== 'function') return new Promise((r) => setTimeout(r, 0));
  if (!taskChannel) {
    taskChannel = new MessageChannel();
    taskChannel.port1.onmessage = () => waitingForTask.shift()?.();
  }
  const channel = taskChannel;
  return new Promise((resolve) => {
    waitingForTask.push(resolve);
    channel.port2.postMessage(null);
  });
}

/** Every `f`-th cell on each axis of a field [°C], in hundredths of a degree, into `res` (the out dims' cells). */
function decimate(field: Float32Array, dims: readonly number[], f: number, out: readonly number[], res: Int16Array): Int16Array {
  const [nx, ny] = dims;
  const [mx, my, mz] = out;
  let o = 0;
  for (let k = 0; k < mz; k++) {
    for (let j = 0; j < my; j++) {
      let c = nx * (f * j + ny * f * k);
      // floor(v + 0.5) is Math.round for these values, and ~5× faster in V8 on fractions.
      for (let i = 0; i < mx; i++, c += f) res[o++] = Math.floor(field[c] * 100 + 0.5);
    }
  }
  return res;
}

/**
 * Metrics now without the signed minimum margin (the costly one; a frame has it), or the report
 * snapshot itself at a report time.
 */
function sampleSnapshot(run: PlanRun): SampleSnapshot {
  return run.reportSnapshotNow() ?? run.sim.snapshotWithoutMargin();
}

/**
 * The run now, as the timeline keeps it: metrics without the margin, sensors, fields at ~2 mm (in
 * sample buffers the page handed back where `buffers` holds some).
 */
function buildSample(run: PlanRun, buffers: FrameBufferPool): RunSample {
  const sim = run.sim;
  const g = sim.grid;
  const f = Math.max(1, Math.round(SAMPLE_SPACING_MM / g.spacingMm));
  const dims: [number, number, number] = [Math.ceil(g.dims[0] / f), Math.ceil(g.dims[1] / f), Math.ceil(g.dims[2] / f)];
  const grid: Grid = { dims, spacingMm: g.spacingMm * f, originMm: g.originMm };
  const cells = dims[0] * dims[1] * dims[2];
  const T = buffers.sampleField(cells), Tmin = buffers.sampleField(cells);
  return {
    t_s: round6(sim.timeS),
    snapshot: sampleSnapshot(run),
    sensors_C: sim.sensorReadings(),
    grid,
    // In wasm where the solver has it (the same numbers), else here.
    temperature_cC: sim.solver.decimatedCentidegrees('T', f, ...dims, T) ?? decimate(sim.solver.temperatureC, g.dims, f, dims, T),
    minTemperature_cC: sim.solver.decimatedCentidegrees('Tmin', f, ...dims, Tmin) ?? decimate(sim.solver.minTemperatureC, g.dims, f, dims, Tmin),
  };
}

/**
 * Field copies (to be transferred), isosurfaces and metrics of the run now: a frame less its
 * samples. `between` runs before each isosurface (a 1 mm surface is 2-6 ms) and before the
 * metrics, and may yield; null when it says the run was cancelled.
 */
async function framePart(
  run: PlanRun, isoLevels: number[], between: () => Promise<boolean>, frameBuffers: FrameBufferPool,
): Promise<Pick<RunFrame, 'temperature_C' | 'minTemperature_C' | 'isosurfaces' | 'snapshot'> | null> {
  const sim = run.sim;
  const solver = sim.solver;
  const lethal = sim.prepared.plan.lethal_C;
  // The first surfaces of T on the slab workers where there are any, while this thread copies the
  // fields and builds the rest, the ablation surface and the metrics (nothing steps meanwhile).
  // Each surface has the same values wherever it is built: in wasm on the solver's own fields
  // where it can, else in TypeScript on the copies. Those of T are copied out of wasm memory into
  // buffers the 3D view handed back (frameBuffers).
  const onWorkers = solver.startIsosurfaces(isoLevels);
  const fromWorkers: (Isosurface | null)[] = [];
  let own: OwnFramePart | null = null;
  try {
    own = await ownFramePart(run, isoLevels.slice(onWorkers?.count ?? 0), lethal, between, frameBuffers);
  } finally {
    // Always: the solver may not step before the workers are done.
    if (onWorkers) fromWorkers.push(...onWorkers.take(frameBuffers.copySurface));
  }
  if (!own) return null;
  const T = own.temperature_C;
  const isosurfaces: IsosurfaceBuffers[] = isoLevels.map((level, l) => {
    if (l >= fromWorkers.length) return { level_C: level, field: 'current', ...own.surfaces[l - fromWorkers.length] };
    // A worker's surface that did not fit its scratch is built here.
    const s = fromWorkers[l] ?? solver.isosurfaceOf('T', level, frameBuffers.copySurface) ?? isosurface(T, sim.grid, level);
    return { level_C: level, field: 'current', ...s };
  });
  isosurfaces.push({ level_C: lethal, field: 'ablation', ...own.ablation });
  return { temperature_C: T, minTemperature_C: own.minTemperature_C, snapshot: own.snapshot, isosurfaces };
}

/** This thread's part of a frame: field copies, surfaces of T at its levels, the ablation surface, metrics. */
interface OwnFramePart {
  temperature_C: Float32Array;
  minTemperature_C: Float32Array;
  surfaces: Isosurface[];
  ablation: Isosurface;
  snapshot: Snapshot;
}

async function ownFramePart(
  run: PlanRun, levels: number[], lethalC: number, between: () => Promise<boolean>, frameBuffers: FrameBufferPool,
): Promise<OwnFramePart | null> {
  const sim = run.sim;
  const T = frameBuffers.copyOf(sim.solver.temperatureC);
  const Tmin = frameBuffers.copyOf(sim.solver.minTemperatureC);
  const surfaces: Isosurface[] = [];
  for (const level of levels) {
    if (!(await between())) return null;
    surfaces.push(sim.solver.isosurfaceOf('T', level, frameBuffers.copySurface) ?? isosurface(T, sim.grid, level));
  }
  if (!(await between())) return null;
  const ablation = sim.solver.isosurfaceOf('Tmin', lethalC) ?? isosurface(Tmin, sim.grid, lethalC);
  if (!(await between())) return null;
  // The frame's ablation surface is the margin's lethal isosurface (same Tmin, nothing stepped since).
  const snapshot = run.currentSnapshot(ablation);
  return { temperature_C: T, minTemperature_C: Tmin, surfaces, ablation, snapshot };
}

/** The buffers of a frame and its samples, for zero-copy transfer between threads. */
export function frameTransferables(frame: RunFrame): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>([frame.temperature_C.buffer as ArrayBuffer, frame.minTemperature_C.buffer as ArrayBuffer]);
  // A surface's three arrays may share one buffer (FrameBufferPool.copySurface): listed once.
  for (const s of frame.isosurfaces) for (const a of [s.positions, s.normals, s.indices]) out.add(a.buffer as ArrayBuffer);
  for (const s of frame.samples) out.add(s.temperature_cC.buffer as ArrayBuffer).add(s.minTemperature_cC.buffer as ArrayBuffer);
  return [...out];
}

/** Sample times: every `everyS` from 0 and every report time, sorted, up to the end. */
function sampleTimes(plan: Plan, endS: number, everyS: number): number[] {
  const times = new Set<number>(reportTimes(plan, endS));
  for (let i = 0; i * everyS < endS; i++) times.add(round6(i * everyS));
  return [...times].sort((a, b) => a - b);
}

/**
 * Runs a plan to its end. A sample (RunSample) is taken every `sampleEveryS` simulated seconds
 * and at every report time; a frame (full-resolution fields, isosurfaces, full metrics) goes out
 * at the start, then at the first sample time after `frameEveryMs` of wall time, and at the end,
 * carrying the samples taken since the previous one; at most one frame is in flight (the run goes
 * on while `onFrame`'s promise is pending, and waits for it before the next frame and before
 * resolving). At checkpoints between short slices of solver work, before each isosurface of a
 * frame and before its metrics, it asks `isCancelled` and yields to the event loop once SLICE_MS
 * of work has passed, so a superseded run stops within about SLICE_MS plus one isosurface or one
 * frame's metrics; it then resolves with null. A frame's field copies and surfaces of T, and the
 * samples' fields, go into `frameBuffers`' buffers where it holds some large enough (the page
 * hands them back).
 */
export async function streamRun(
  plan: Plan,
  options: RunOptions,
  onFrame: (frame: RunFrame) => void | Promise<void>,
  isCancelled: () => boolean,
  yieldToEventLoop: () => Promise<void> = nextTask,
  frameBuffers = new FrameBufferPool(),
): Promise<RunResult | null> {
  const sampleEveryS = options.sampleEveryS ?? DEFAULT_SENSOR_EVERY_S;
  // Sensors at the sample times, which are then the only anchors between report times: a drag's
  // preview sampling every 120 s takes fewer, fuller multi-rate groups (2 mm: ~7 % of the run).
  const run = new PlanRun(plan, { spacingMm: options.spacingMm, sensorEveryS: sampleEveryS });
  // The solver's memory goes to the next run however this one ends.
  try {
    const frameEveryMs = options.frameEveryMs ?? DEFAULT_FRAME_EVERY_MS;
    const levels = options.isoLevels_C ?? [...new Set([...REPORTED_ISOTHERMS_C, plan.lethal_C])];
    const times = sampleTimes(plan, run.endS, sampleEveryS);
    let pending: RunSample[] = [];
    let lastFrameEndMs = 0;
    let frameCostMs = 0;
    // At most one frame in flight: the run goes on while the page takes a frame, and waits only if
    // the page has not taken the previous one when the next is due.
    let delivered: Promise<void> = Promise.resolve();
    // Yield (and look for a cancel) once per SLICE_MS of work, not per piece of work: even an
    // unclamped yield lets the page's other messages in.
    let lastYieldMs = performance.now();
    /** Yields when SLICE_MS of work has passed since the last yield; false once cancelled. */
    const checkpoint = async (): Promise<boolean> => {
      if (performance.now() - lastYieldMs >= SLICE_MS) {
        await yieldToEventLoop();
        lastYieldMs = performance.now();
      }
      return !isCancelled();
    };

    /** Sends a frame of the run now; false when the run was cancelled meanwhile. */
    const sendFrame = async (): Promise<boolean> => {
      const started = performance.now();
      const part = await framePart(run, levels, checkpoint, frameBuffers);
      if (!part) return false;
      const cost = performance.now() - started;
      const newest = pending[pending.length - 1];
      const frame: RunFrame = {
        runId: options.runId, t_s: newest.t_s, end_s: run.endS, grid: run.sim.grid, ...part,
        sensors_C: newest.sensors_C, samples: pending,
      };
      pending = [];
      await delivered;
      if (isCancelled()) return false;
      delivered = Promise.resolve(onFrame(frame));
      frameCostMs = cost;
      lastFrameEndMs = performance.now();
      return true;
    };

    pending.push(buildSample(run, frameBuffers));
    if (!(await sendFrame())) return null;
    let next = 1;
    // Simulated seconds per slice, adapted so each slice takes about SLICE_MS.
    let sliceS = 1;
    while (!run.done) {
      if (!(await checkpoint())) return null;
      const target = Math.min(times[next], run.sim.timeS + sliceS);
      const before = run.sim.timeS;
      const started = performance.now();
      run.advanceTo(target);
      const ms = performance.now() - started;
      // A slice shorter than one multi-rate group does nothing: lengthen it without the clock (a
      // coarse or stopped one reads 0 ms, and the loop would never end).
      if (run.sim.timeS <= before) sliceS = Math.min(sampleEveryS, sliceS * 2);
      else if (ms > 0) sliceS = Math.max(0.1, Math.min(sampleEveryS, sliceS * Math.min(2, SLICE_MS / ms)));
      if (run.sim.timeS < times[next] - 1e-9) continue;
      next++;
      pending.push(buildSample(run, frameBuffers));
      const waitMs = Math.max(frameEveryMs, frameCostMs / FRAME_SHARE);
      if (run.done || performance.now() - lastFrameEndMs >= waitMs) {
        if (!(await sendFrame())) return null;
      }
    }
    await delivered;
    return isCancelled() ? null : run.result();
  } finally {
    run.dispose();
  }
}
