import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNodeSlabPool } from '../../src/cli/nodeThreads.ts';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { FastRegion, SPAN_MAX_SHARE, SPAN_MIN_BOX_CELLS } from '../../src/physics/fastRegion.ts';
import { WasmKernel } from '../../src/physics/kernelWasm.ts';
import { SlabPool } from '../../src/physics/slabPool.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, fieldMismatches, tableTissue } from './helpers.ts';

/** A perfused box with an odd x extent (SIMD tail), a walled vessel and an off-centre probe. */
function solver(kernel: 'js' | 'wasm-simd', pool: SlabPool | null, active: boolean): HeatSolver {
  HeatSolver.kernelPreference = kernel;
  HeatSolver.threadPool = pool;
  try {
    const grid = boxGrid([33, 30, 37], 1, [-16, -15, -18]);
    const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200 }));
    const s = new HeatSolver(grid, tissue, [{ cells: new Int32Array([4 + 33 * (4 + 30 * 14)]), bloodC: 37, wallH: 230 }]);
    s.useActiveRegion = active;
    s.setSources([{ body: cylinderBody([0.0021, 0.0007, -0.009], [0.0021, 0.0007, 0.009], 0.0012), surfaceC: -145 }]);
    return s;
  } finally {
    HeatSolver.kernelPreference = 'auto';
    HeatSolver.threadPool = null;
  }
}

/** A solver made while grids of any size build their surfaces on the workers (this test box is small). */
function workerIsosurfacesOn(make: () => HeatSolver): HeatSolver {
  const saved = HeatSolver.workerIsosurfaceMinCells;
  HeatSolver.workerIsosurfaceMinCells = 0;
  try {
    return make();
  } finally {
    HeatSolver.workerIsosurfaceMinCells = saved;
  }
}

/** The same solver on one thread and on `pool`, multi-rate, tally as asked; dt and M of its macro steps. */
function multiRatePair(pool: SlabPool, tally: boolean): { one: HeatSolver; many: HeatSolver; dt: number; M: number } {
  const one = solver('wasm-simd', null, true), many = solver('wasm-simd', pool, true);
  for (const x of [one, many]) {
    x.multiRate = true;
    x.tallyEnergy = tally;
  }
  const dt = one.maxStepS;
  return { one, many, dt, M: one.multiRateSubsteps(dt) };
}

describe('z-slab threads (shared memory, Atomics barrier per step)', () => {
  const pools: SlabPool[] = [];
  beforeAll(async () => {
    // Two workers (coordinator stepping a slab too, and not): 3 and 2 slabs per step.
    pools.push(await createNodeSlabPool(3, true), await createNodeSlabPool(2, false));
    for (const p of pools) p.minParallelCells = 0;
  });
  afterAll(() => {
    for (const p of pools) p.close();
  });

  it('a slab no worker takes (the worker never answers) is stepped by the coordinator: no hang, the same numbers', async () => {
    // Workers that never start serving: every slab of every step falls to the coordinator.
    const silent = { postMessage: (): void => undefined, terminate: (): void => undefined };
    for (const coordinatorWorks of [true, false]) {
      const pool = await SlabPool.create(2, coordinatorWorks, async () => silent);
      pool.minParallelCells = 0;
      const one = solver('wasm-simd', null, true), many = solver('wasm-simd', pool, true);
      const dt = one.maxStepS;
      // Each step waits STEAL_AFTER_MS (20 ms) for the silent worker first.
      for (let s = 0; s < 40; s++) {
        one.step(dt);
        many.step(dt);
      }
      expect(fieldMismatches(one, many)).toBe(0);
      expect(many.energy).toEqual(one.energy);
      expect(one.minTemperatureC.some((t) => t < 0)).toBe(true);
      pool.close();
    }
  });

  for (const kernel of ['wasm-simd', 'js'] as const) {
    for (const active of [false, true]) {
      it(`${kernel}${active ? ', active region' : ''}: bit-identical fields and energy to one thread over 700 steps (freeze, then thaw)`, () => {
        for (const pool of pools) {
          const one = solver(kernel, null, active), many = solver(kernel, pool, active);
          expect(many.threads).toBe(pool.threads);
          expect(many.kernel).toBe(kernel);
          const dt = one.maxStepS;
          for (let s = 0; s < 700; s++) {
            if (s === 450) for (const x of [one, many]) x.setSources([]);
            one.step(dt);
            many.step(dt);
          }
          expect(fieldMismatches(one, many)).toBe(0);
          expect(many.energy).toEqual(one.energy);
          expect(one.minTemperatureC.some((t) => t < -40)).toBe(true);
        }
      });
    }
  }

  it('multi-rate macro steps (fast box and slow boxes on the pool, whole rows and row spans) stay bit-identical to one thread', () => {
    // The fast box's substeps run their list work (cut faces, walls, resets, interface sums) on the
    // slab threads: the coordinator takes its own slab's share when it works. With the energy tally
    // a command per substep, without it (as the engine runs) all of a macro step's in one. Row
    // spans (fastRegion.ts) forced on this small grid: ring cells with faces in two slabs.
    const lists = vi.spyOn(WasmKernel.prototype, 'slabListsAt');
    for (const [pool, tally, spans] of pools.flatMap((p) => [[p, true, false], [p, false, false], [p, true, true], [p, false, true]] as const)) {
      // Spans forced, or the whole box (no box is that large).
      [FastRegion.minBoxCells, FastRegion.maxShare] = spans ? [0, 1] : [Number.MAX_SAFE_INTEGER, SPAN_MAX_SHARE];
      const { one, many, dt, M } = multiRatePair(pool, tally);
      expect(many.multiRateSubsteps(dt)).toBe(M);
      expect(M).toBeGreaterThan(1);
      for (let g = 0; g < 60; g++) {
        if (g === 40) for (const x of [one, many]) x.setSources([]);
        one.stepMany(dt, M);
        many.stepMany(dt, M);
      }
      expect(many.multiRateStats.macro).toBeGreaterThan(20);
      expect(many.multiRateStats).toEqual(one.multiRateStats);
      const { fastCells, fastBoxCells } = one.multiRateStats;
      if (spans) expect(fastCells).toBeLessThan(fastBoxCells);
      else expect(fastCells).toBe(fastBoxCells);
      expect(fieldMismatches(one, many)).toBe(0);
      expect(many.energy).toEqual(one.energy);
    }
    [FastRegion.minBoxCells, FastRegion.maxShare] = [SPAN_MIN_BOX_CELLS, SPAN_MAX_SHARE];
    expect(lists.mock.calls.length).toBeGreaterThan(20);
    lists.mockRestore();
  });

  it('multi-rate substeps whose slab no worker takes: the coordinator steps it and runs its lists, the same numbers', async () => {
    const silent = { postMessage: (): void => undefined, terminate: (): void => undefined };
    const pool = await SlabPool.create(1, false, async () => silent);
    pool.minParallelCells = 0;
    for (const tally of [true, false]) {
      const lists = vi.spyOn(WasmKernel.prototype, 'slabListsAt');
      const { one, many, dt, M } = multiRatePair(pool, tally);
      // Each command waits STEAL_AFTER_MS (20 ms) for the silent worker first.
      for (let g = 0; g < 8; g++) {
        one.stepMany(dt, M);
        many.stepMany(dt, M);
      }
      expect(many.multiRateStats.macro).toBeGreaterThan(5);
      expect(many.multiRateStats).toEqual(one.multiRateStats);
      expect(lists.mock.calls.length).toBeGreaterThan(5 * M);
      lists.mockRestore();
      expect(fieldMismatches(one, many)).toBe(0);
      expect(many.energy).toEqual(one.energy);
      expect(one.minTemperatureC.some((t) => t < 0)).toBe(true);
    }
    pool.close();
  });

  it('the energy tally only counts: off (as the engine runs), fields and Tmin are bit-identical on one thread and on the pool, single- and multi-rate, and it stays put', () => {
    for (const multiRate of [false, true]) {
      const counted = solver('wasm-simd', null, true), one = solver('wasm-simd', null, true), many = solver('wasm-simd', pools[0], true);
      for (const x of [one, many]) x.tallyEnergy = false;
      // What the probe's set-up counted before the tally was turned off.
      const before = { ...one.energy };
      for (const x of [counted, one, many]) x.multiRate = multiRate;
      const dt = counted.maxStepS;
      const M = counted.multiRateSubsteps(dt);
      for (let g = 0; g < 30; g++) for (const x of [counted, one, many]) x.stepMany(dt, M);
      // A passive thaw releases the probe's cells (the tally's body term), then more steps.
      for (const x of [counted, one, many]) x.setSources([]);
      for (let g = 0; g < 10; g++) for (const x of [counted, one, many]) x.stepMany(dt, M);
      if (multiRate) expect(counted.multiRateStats.macro).toBeGreaterThan(20);
      expect(counted.energy.probes).toBeLessThan(0);
      expect(counted.energy.fixedCells).not.toBe(0);
      expect(fieldMismatches(counted, one)).toBe(0);
      expect(fieldMismatches(counted, many)).toBe(0);
      for (const x of [one, many]) expect(x.energy).toEqual(before);
    }
  });

  it("isosurfaces of T built on the workers while the coordinator builds others: one thread's buffers, in order; no step until taken", async () => {
    const levels = [0, -8, -20, -3];
    const silent = { postMessage: (): void => undefined, terminate: (): void => undefined };
    // Two workers (jobs split between them), coordinator stepping or not, and silent workers
    // whose jobs the coordinator builds itself when it takes them.
    const silentPool = await SlabPool.create(1, true, async () => silent);
    // The silent pool's steps on the coordinator alone (each would wait 20 ms for the worker).
    silentPool.minParallelCells = Infinity;
    for (const pool of [...pools, silentPool]) {
      const one = solver('wasm-simd', null, true), many = workerIsosurfacesOn(() => solver('wasm-simd', pool, true));
      for (let s = 0; s < 150; s++) {
        one.step(one.maxStepS);
        many.step(many.maxStepS);
      }
      for (let round = 0; round < 2; round++) {
        const started = many.startIsosurfaces(levels)!;
        expect(started.count).toBe(HeatSolver.workerIsosurfaces);
        expect(() => many.step(many.maxStepS)).toThrow(/take them before stepping/);
        expect(many.startIsosurfaces(levels)).toBeNull();
        // Meanwhile here, on the arena above the workers' scratch: the rest and the minimum field's.
        const own = [...levels.slice(started.count).map((l) => many.isosurfaceOf('T', l)), many.isosurfaceOf('Tmin', -20)];
        const fromWorkers = started.take();
        expect(() => started.take()).toThrow(/already taken/);
        const want = [...levels.map((l) => one.isosurfaceOf('T', l)), one.isosurfaceOf('Tmin', -20)];
        expect([...fromWorkers, ...own]).toEqual(want);
        for (const s of want) expect(s!.indices.length).toBeGreaterThan(100);
        one.step(one.maxStepS);
        many.step(many.maxStepS);
      }
      expect(fieldMismatches(one, many)).toBe(0);
    }
    silentPool.close();
  });

  it('isosurface jobs whose scratch is too small come back null (the caller then builds them); a TypeScript-kernel pool starts none', () => {
    const saved = HeatSolver.workerIsosurfaceBytes;
    HeatSolver.workerIsosurfaceBytes = () => 4096;
    try {
      const many = workerIsosurfacesOn(() => solver('wasm-simd', pools[0], true));
      for (let s = 0; s < 50; s++) many.step(many.maxStepS);
      const started = many.startIsosurfaces([0, -10])!;
      expect(started.take()).toEqual([null, null]);
      expect(many.isosurfaceOf('T', 0)!.indices.length).toBeGreaterThan(0);
    } finally {
      HeatSolver.workerIsosurfaceBytes = saved;
    }
    expect(workerIsosurfacesOn(() => solver('js', pools[0], true)).startIsosurfaces([0])).toBeNull();
    expect(workerIsosurfacesOn(() => solver('wasm-simd', null, true)).startIsosurfaces([0])).toBeNull();
  });

  it('a grid under workerIsosurfaceMinCells builds its surfaces on its own thread (and reserves no room for the workers)', () => {
    const small = solver('wasm-simd', pools[0], true);
    for (let s = 0; s < 50; s++) small.step(small.maxStepS);
    expect(small.startIsosurfaces([0])).toBeNull();
    expect(small.isosurfaceOf('T', 0)!.indices.length).toBeGreaterThan(0);
  });

  it('two threaded solvers stepped alternately share one pool (re-attaching) and stay identical', () => {
    const pool = pools[0];
    const a = solver('wasm-simd', pool, false), b = solver('wasm-simd', pool, false), ref = solver('wasm-simd', null, false);
    for (let s = 0; s < 60; s++) {
      a.step(a.maxStepS);
      b.step(b.maxStepS);
      ref.step(ref.maxStepS);
    }
    expect(fieldMismatches(a, ref)).toBe(0);
    expect(fieldMismatches(b, ref)).toBe(0);
  });
});
