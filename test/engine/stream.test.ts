import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createNodeSlabPool } from '../../src/cli/nodeThreads.ts';
import { createEngineApi } from '../../src/engine/engineApi.ts';
import { PlanRun, runPlan } from '../../src/engine/run.ts';
import { fieldBuffersOf, sampleBuffersOf, surfaceBuffersOf } from '../../src/engine/frameBuffers.ts';
import { streamRun } from '../../src/engine/stream.ts';
import type { Snapshot } from '../../src/engine/types.ts';
import type { RunFrame, SampleSnapshot } from '../../src/engine/workerApi.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { parsePlanText } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';

function sample(name: string): Plan {
  const r = parsePlanText(readFileSync(`public/cases/${name}.cryoplan.json`, 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}

/** The liver sample (tumour, structures) cut to a 2-minute freeze with a report at 60 s. */
function shortLiver(reportTimes = [60]): Plan {
  return { ...sample('liver-3probe'), protocol: [{ phase: 'freeze' as const, duration_s: 120 }], report_times_s: reportTimes };
}

async function stream(plan: Plan, options: { spacingMm: number; sampleEveryS: number; frameEveryMs: number }) {
  const api = createEngineApi((f) => f);
  const frames: RunFrame[] = [];
  const result = await api.run(plan, { runId: 1, ...options }, (f) => void frames.push(f));
  return { frames, samples: frames.flatMap((f) => f.samples), result: result! };
}

/** `run` under a stopped clock (performance.now() reads 0): every frame costs 0 ms, so one is due at every sample. */
async function underStoppedClock<T>(run: () => Promise<T>): Promise<T> {
  const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
  try {
    return await run();
  } finally {
    clock.mockRestore();
  }
}

/** The path of the first difference between two values (typed arrays compared byte for byte), or null. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const bytes = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return a.constructor === b.constructor && bytes(a).equals(bytes(b)) ? null : path;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? null : path;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

function withoutMargin(s: Snapshot): SampleSnapshot {
  const { min_margin_mm: _dropped, ...coverage } = s.coverage!;
  return { ...s, coverage };
}

describe('streaming engine (what the worker exposes)', () => {
  it('samples every sampleEveryS and at report times; ends with the same result as the command line', async () => {
    const plan = shortLiver();
    const { frames, samples, result } = await stream(plan, { spacingMm: 2, sampleEveryS: 30, frameEveryMs: 0 });
    expect(samples.map((s) => s.t_s)).toEqual([0, 30, 60, 90, 120]);
    // A frame at the start and at the end; each at the time of its newest sample.
    expect(frames[0].t_s).toBe(0);
    for (const f of frames) expect(f.samples[f.samples.length - 1].t_s).toBe(f.t_s);
    const last = frames[frames.length - 1];
    expect(last.t_s).toBe(120);
    expect(last.temperature_C.length).toBe(last.grid.dims[0] * last.grid.dims[1] * last.grid.dims[2]);
    expect(last.isosurfaces.find((s) => s.level_C === 0 && s.field === 'current')!.positions.length).toBeGreaterThan(0);
    // The command line sampling its sensors as often lands on the same times: the same numbers.
    const cli = runPlan(plan, { spacingMm: 2, sensorEveryS: 30 });
    expect(result.snapshots).toEqual(cli.snapshots);
    expect(result.sensors).toEqual(cli.sensors);
    for (const trace of Object.values(result.sensors)) expect(trace.t_s).toEqual([0, 30, 60, 90, 120]);
    // Report times: the sample and the frame carry the report snapshot itself, margin included.
    expect(samples[2].snapshot).toEqual(cli.snapshots[0]);
    expect(last.snapshot).toEqual(cli.snapshots[cli.snapshots.length - 1]);
    expect(typeof last.snapshot.coverage!.min_margin_mm).toBe('number');
    // Between report times a sample has no margin; every frame has it.
    expect(samples[3].snapshot.coverage).not.toHaveProperty('min_margin_mm');
    for (const f of frames) expect(typeof f.snapshot.coverage!.min_margin_mm).toBe('number');
    // At a 2 mm grid a sample's fields are the frame's, cell for cell, to 0.01 °C.
    const newest = last.samples[last.samples.length - 1];
    expect(newest.grid).toEqual(last.grid);
    expect(Array.from(newest.temperature_cC)).toEqual(Array.from(last.temperature_C, (t) => Math.round(t * 100)));
    expect(Array.from(newest.minTemperature_cC)).toEqual(Array.from(last.minTemperature_C, (t) => Math.round(t * 100)));
  });

  it("a sample's metrics between report times are the full snapshot's less the margin", async () => {
    const sparse = await stream(shortLiver(), { spacingMm: 2, sampleEveryS: 30, frameEveryMs: 0 });
    // Every sample time a report time: every sample is a full snapshot.
    const full = await stream(shortLiver([30, 60, 90, 120]), { spacingMm: 2, sampleEveryS: 30, frameEveryMs: 0 });
    expect(sparse.samples).toHaveLength(full.samples.length);
    // 60 s and the end (120 s) are report times in both runs; 30 and 90 s only in the full one.
    for (const i of [1, 3]) expect(sparse.samples[i].snapshot).toEqual(withoutMargin(full.samples[i].snapshot as Snapshot));
    for (const i of [2, 4]) expect(sparse.samples[i].snapshot).toEqual(full.samples[i].snapshot);
    expect(Object.keys(full.samples[4].snapshot.structures).length).toBeGreaterThan(0);
  });

  it('ends under a stopped clock (a slice shorter than one multi-rate group grows without it)', async () => {
    const plan = shortLiver();
    const result = await underStoppedClock(() => streamRun(plan, { runId: 1, spacingMm: 2, sampleEveryS: 20, frameEveryMs: 0 }, () => {}, () => false));
    expect(result!.snapshots).toEqual(runPlan(plan, { spacingMm: 2 }).snapshots);
  });

  it("a frame between report times has the full snapshot, its margin measured on the frame's own ablation surface", async () => {
    // Freeze, then thaw: the ablation surface (minimum temperature) and the current one part.
    const plan: Plan = { ...shortLiver(), protocol: [{ phase: 'freeze', duration_s: 90 }, { phase: 'thaw', duration_s: 60, mode: 'passive' }] };
    const frames: RunFrame[] = [];
    await underStoppedClock(() => streamRun(plan, { runId: 1, spacingMm: 2, sampleEveryS: 20, frameEveryMs: 0 }, (f) => void frames.push(f), () => false));
    const between = frames.filter((f) => f.t_s > 0 && !plan.report_times_s.includes(f.t_s) && f.t_s < 150);
    expect(between.map((f) => f.t_s)).toEqual([20, 40, 80, 100, 120, 140]);
    const fresh = new PlanRun(plan, { spacingMm: 2 });
    for (const f of between) {
      fresh.advanceTo(f.t_s);
      expect(f.snapshot).toEqual(fresh.sim.snapshot());
    }
    expect(between[between.length - 1].snapshot.coverage!.min_margin_mm).toEqual(expect.any(Number));
  });

  it('copies a frame\'s fields and surfaces into the buffers the page hands back, with the same frames', async () => {
    const plan = shortLiver();
    const options = { runId: 1, spacingMm: 2, sampleEveryS: 20, frameEveryMs: 0 };
    const plain: RunFrame[] = [];
    await underStoppedClock(() => streamRun(plan, options, (f) => void plain.push(f), () => false));
    // As the app's views do: the frame shown until now gives its fields and surfaces of T back
    // when the next arrives.
    const api = createEngineApi((f) => f);
    const recycled: RunFrame[] = [];
    const handedBack = new Set<ArrayBufferLike>();
    /** Per frame: whether both its fields came in buffers handed back; its surfaces that did. */
    const fieldsReused: boolean[] = [];
    let surfacesReused = 0;
    await underStoppedClock(() => api.run(plan, options, (f) => {
      fieldsReused.push(handedBack.has(f.temperature_C.buffer) && handedBack.has(f.minTemperature_C.buffer));
      surfacesReused += f.isosurfaces.filter((s) => handedBack.has(s.positions.buffer)).length;
      // No two surfaces of a frame share a buffer, and a surface's arrays share only its own.
      const owners = new Map<ArrayBufferLike, number>();
      f.isosurfaces.forEach((s, i) => {
        for (const a of [s.positions, s.normals, s.indices]) {
          expect(owners.get(a.buffer) ?? i).toBe(i);
          owners.set(a.buffer, i);
        }
      });
      const shown = recycled[recycled.length - 1];
      if (shown) {
        const buffers = [...fieldBuffersOf(shown), ...surfaceBuffersOf(shown)];
        for (const b of buffers) handedBack.add(b);
        // The page's arrays go with the transfer; here the frame keeps them, so compare copies.
        recycled[recycled.length - 1] = structuredClone(shown);
        api.recycle(buffers);
      }
      recycled.push(f);
    }));
    expect(recycled.length).toBe(plain.length);
    expect(recycled.length).toBeGreaterThan(4);
    // Fields from the third frame on (the first two go out before any comes back).
    expect(fieldsReused).toEqual(recycled.map((_, i) => i >= 2));
    expect(surfacesReused).toBeGreaterThan(recycled.length);
    for (let i = 0; i < plain.length; i++) expect(firstDifference(recycled[i], plain[i])).toBeNull();
  });

  it("decimates samples' fields into the sample buffers the page hands back, with the same samples", async () => {
    const plan = shortLiver();
    const options = { runId: 1, spacingMm: 2, sampleEveryS: 20, frameEveryMs: 0 };
    const plain = (await stream(plan, options)).samples;
    // As the app's timeline does: a run's samples give their fields back when the next run starts.
    const api = createEngineApi((f) => f);
    const first: RunFrame[] = [];
    await underStoppedClock(() => api.run(plan, options, (f) => void first.push(f)));
    const handedBack = sampleBuffersOf(first.flatMap((f) => f.samples));
    expect(handedBack.length).toBe(2 * plain.length);
    api.recycleSamples(handedBack);
    const second: RunFrame[] = [];
    const reused = new Set<ArrayBufferLike>(handedBack);
    const inReused: boolean[] = [];
    await underStoppedClock(() => api.run(plan, { ...options, runId: 2 }, (f) => {
      for (const s of f.samples) inReused.push(reused.has(s.temperature_cC.buffer), reused.has(s.minTemperature_cC.buffer));
      second.push(f);
    }));
    // Each field in its own handed-back buffer, and the same numbers as a run in new memory.
    expect(inReused).toEqual(handedBack.map(() => true));
    const samples = second.flatMap((f) => f.samples);
    expect(new Set(samples.flatMap((s) => [s.temperature_cC.buffer, s.minTemperature_cC.buffer])).size).toBe(handedBack.length);
    expect(firstDifference(samples, plain)).toBeNull();
  });

  it('on slab threads the frames are the same, their first surfaces built on the workers', async () => {
    const plan = shortLiver();
    const framesOf = async (): Promise<RunFrame[]> => {
      const frames: RunFrame[] = [];
      await underStoppedClock(() => streamRun(plan, { runId: 1, spacingMm: 2, sampleEveryS: 30, frameEveryMs: 0 }, (f) => void frames.push(f), () => false));
      return frames;
    };
    const one = await framesOf();
    const pool = await createNodeSlabPool(2, true);
    const started = vi.spyOn(HeatSolver.prototype, 'startIsosurfaces');
    HeatSolver.threadPool = pool;
    // This 2 mm grid is under the size whose frames go to the workers by default.
    const minCells = HeatSolver.workerIsosurfaceMinCells;
    HeatSolver.workerIsosurfaceMinCells = 0;
    let many: RunFrame[];
    let onWorkers: (number | undefined)[];
    try {
      many = await framesOf();
      onWorkers = started.mock.results.map((r) => (r.value as { count: number } | null)?.count);
    } finally {
      HeatSolver.threadPool = null;
      HeatSolver.workerIsosurfaceMinCells = minCells;
      pool.close();
      started.mockRestore();
    }
    expect(many.map((f) => f.t_s)).toEqual([0, 30, 60, 90, 120]);
    expect(onWorkers).toEqual([3, 3, 3, 3, 3]);
    expect(firstDifference(many, one)).toBe(null);
  });

  it('on slab threads a run cancelled while the workers build its frame leaves the pool ready: the next run ends as on one thread', async () => {
    const plan = shortLiver();
    const one = await streamRun(plan, { runId: 1, spacingMm: 2, frameEveryMs: 0 }, () => {}, () => false);
    const pool = await createNodeSlabPool(2, true);
    HeatSolver.threadPool = pool;
    const minCells = HeatSolver.workerIsosurfaceMinCells;
    HeatSolver.workerIsosurfaceMinCells = 0;
    try {
      // Cancelled at the frame's first question, after its surfaces went to the workers.
      const started = vi.spyOn(HeatSolver.prototype, 'startIsosurfaces');
      let asked = 0;
      const cancelled = await streamRun(plan, { runId: 2, spacingMm: 2, frameEveryMs: 0 }, () => {}, () => ++asked >= 1);
      const onWorkers = (started.mock.results[0]?.value as { count: number } | null)?.count;
      started.mockRestore();
      expect(cancelled).toBeNull();
      expect(onWorkers).toBe(3);
      const next = await streamRun(plan, { runId: 3, spacingMm: 2, frameEveryMs: 0 }, () => {}, () => false);
      expect({ ...next!, solver: { ...next!.solver, wall_s: 0 } }).toEqual({ ...one!, solver: { ...one!.solver, wall_s: 0 } });
    } finally {
      HeatSolver.threadPool = null;
      HeatSolver.workerIsosurfaceMinCells = minCells;
      pool.close();
    }
  });

  it('frames follow the wall clock: with a long wait only the first and the last, carrying every sample', async () => {
    const { frames } = await stream(shortLiver(), { spacingMm: 2, sampleEveryS: 30, frameEveryMs: 1e9 });
    expect(frames.map((f) => f.t_s)).toEqual([0, 120]);
    expect(frames[1].samples.map((s) => s.t_s)).toEqual([30, 60, 90, 120]);
  });

  it('samples of a 1 mm run keep every other cell on each axis (about 2 mm), real cell values to 0.01 °C', async () => {
    const plan = { ...sample('gel-single-probe'), protocol: [{ phase: 'freeze' as const, duration_s: 20 }], report_times_s: [] };
    const { frames } = await stream(plan, { spacingMm: 1, sampleEveryS: 10, frameEveryMs: 0 });
    const f = frames[frames.length - 1];
    const s = f.samples[f.samples.length - 1];
    const [nx, ny, nz] = f.grid.dims;
    expect(s.grid).toEqual({ dims: [Math.ceil(nx / 2), Math.ceil(ny / 2), Math.ceil(nz / 2)], spacingMm: 2, originMm: f.grid.originMm });
    const [mx, my, mz] = s.grid.dims;
    let cold = 0;
    for (let k = 0; k < mz; k++)
      for (let j = 0; j < my; j++)
        for (let i = 0; i < mx; i++) {
          const a = i + mx * (j + my * k), b = 2 * i + nx * (2 * j + ny * 2 * k);
          if (s.temperature_cC[a] !== Math.round(f.temperature_C[b] * 100) || s.minTemperature_cC[a] !== Math.round(f.minTemperature_C[b] * 100)) {
            throw new Error(`cell ${i},${j},${k} differs`);
          }
          if (s.temperature_cC[a] < 0) cold++;
        }
    expect(cold).toBeGreaterThan(0);
  });

  it('keeps running while the page takes a frame, and sends the next only once it has', async () => {
    let slices = 0;
    let release = (): void => undefined;
    const frames: number[] = [];
    const done = streamRun(shortLiver(), { runId: 1, spacingMm: 2, sampleEveryS: 10, frameEveryMs: 0 }, (f) => {
      frames.push(f.t_s);
      return frames.length === 1 ? new Promise<void>((r) => (release = r)) : undefined;
    }, () => (slices++, false));
    await new Promise((r) => setTimeout(r, 150));
    expect(frames).toEqual([0]); // the first frame not yet taken: no second one
    expect(slices).toBeGreaterThan(3); // but the simulation went on
    release();
    const result = await done;
    expect(result).not.toBeNull();
    expect(frames[frames.length - 1]).toBe(120);
  });

  it('a frame looks for a cancel before each of its isosurfaces and before its metrics', async () => {
    // Cancelled at the n-th question: the run stops there, and the frame in the making is never sent.
    const plan = shortLiver();
    const levels = [0, -20, -40];
    for (let n = 1; n <= levels.length + 2; n++) {
      let asked = 0;
      const frames: number[] = [];
      const result = await streamRun(plan, { runId: 1, spacingMm: 2, frameEveryMs: 0, isoLevels_C: levels }, (f) => void frames.push(f.t_s), () => ++asked >= n);
      expect(result).toBeNull();
      expect(asked).toBe(n);
      expect(frames).toEqual([]);
    }
  });

  it('a run hands its solver memory on however it ends: finished, cancelled, or failing in a frame', async () => {
    const dispose = vi.spyOn(PlanRun.prototype, 'dispose');
    try {
      const plan = shortLiver();
      await streamRun(plan, { runId: 1, spacingMm: 2 }, () => {}, () => false);
      expect(dispose).toHaveBeenCalledTimes(1);
      expect(await streamRun(plan, { runId: 2, spacingMm: 2 }, () => {}, () => true)).toBeNull();
      expect(dispose).toHaveBeenCalledTimes(2);
      await expect(streamRun(plan, { runId: 3, spacingMm: 2, frameEveryMs: 0 }, () => { throw new Error('page gone'); }, () => false)).rejects.toThrow('page gone');
      expect(dispose).toHaveBeenCalledTimes(3);
    } finally {
      dispose.mockRestore();
    }
  });

  it('a new run supersedes the old one, which stops at once, sends nothing more and resolves null', async () => {
    const plan = sample('liver-3probe');
    const api = createEngineApi((f) => f);
    const oldFrames: number[] = [];
    const first = api.run(plan, { runId: 1, spacingMm: 2, frameEveryMs: 0 }, (f) => void oldFrames.push(f.t_s));
    // Let the first run get going, then start another.
    await new Promise((r) => setTimeout(r, 50));
    const framesBefore = oldFrames.length;
    const shortPlan = { ...plan, protocol: [{ phase: 'freeze' as const, duration_s: 20 }], report_times_s: [] };
    const second = api.run(shortPlan, { runId: 2, spacingMm: 2 }, () => {});
    expect(await first).toBeNull();
    expect(oldFrames.length).toBe(framesBefore);
    expect(oldFrames[oldFrames.length - 1]).toBeLessThan(1680);
    expect(await second).not.toBeNull();
  });
});
