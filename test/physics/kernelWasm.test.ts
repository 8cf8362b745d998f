import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isosurface } from '../../src/geometry/marchingCubes.ts';
import { ellipsoidMesh } from '../../src/geometry/mesh.ts';
import { TriangleIndex } from '../../src/geometry/triangleIndex.ts';
import { cylinderBody } from '../../src/physics/bodies.ts';
import { FastRegion, SPAN_MAX_SHARE, SPAN_MIN_BOX_CELLS } from '../../src/physics/fastRegion.ts';
import { type StepFields, frozenBounds, kernelConstants, kernelState, stepBox } from '../../src/physics/kernel.ts';
import { WasmKernel, wasmKernelModule, wasmSharedKernelModule } from '../../src/physics/kernelWasm.ts';
import { isothermMetricsAt } from '../../src/physics/metrics.ts';
import { HeatSolver } from '../../src/physics/solver.ts';
import { enthalpyOf, makeTissueModel } from '../../src/physics/tissueModel.ts';
import { boxGrid, fieldMismatches, tableTissue } from './helpers.ts';

function solver(kernel: 'js' | 'wasm-simd'): HeatSolver {
  HeatSolver.kernelPreference = kernel;
  // Odd x extent: rows end with a scalar tail cell in the SIMD kernel.
  const grid = boxGrid([33, 30, 28], 1, [-16, -15, -14]);
  const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200 }));
  const s = new HeatSolver(grid, tissue, [{ cells: new Int32Array([4 + 33 * (4 + 30 * 14)]), bloodC: 37, wallH: 230 }]);
  s.setSources([{ body: cylinderBody([0.0021, 0.0007, -0.006], [0.0021, 0.0007, 0.006], 0.0012), surfaceC: -145 }]);
  return s;
}

afterEach(() => {
  HeatSolver.kernelPreference = 'auto';
  [FastRegion.minBoxCells, FastRegion.maxShare] = [SPAN_MIN_BOX_CELLS, SPAN_MAX_SHARE];
});

describe('WebAssembly SIMD kernel', () => {
  it('is available in Node 20 (SIMD validates)', () => {
    expect(wasmKernelModule()).not.toBeNull();
  });

  it('gives bit-identical fields and energy to the TypeScript kernel over 1500 steps (freeze, then thaw)', () => {
    const a = solver('js'), b = solver('wasm-simd');
    expect([a.kernel, b.kernel]).toEqual(['js', 'wasm-simd']);
    const dt = a.maxStepS;
    for (let s = 0; s < 1500; s++) {
      if (s === 1000) for (const x of [a, b]) x.setSources([]);
      a.step(dt);
      b.step(dt);
    }
    // Stated tolerance: zero. Same IEEE operations in the same order (see assembly/kernel.ts).
    expect(fieldMismatches(a, b)).toBe(0);
    expect(b.energy).toEqual(a.energy);
    expect(a.minTemperatureC.some((t) => t < -40)).toBe(true);
  });

  for (const spans of [false, true])
  it(`multi-rate macro steps (interface faces, ring, box copies in wasm${spans ? ', the fast region as row spans' : ''}) stay bit-identical to the TypeScript kernel`, () => {
    // Row spans: forced on this small grid (fastRegion.ts).
    if (spans) [FastRegion.minBoxCells, FastRegion.maxShare] = [0, 1];
    const a = solver('js'), b = solver('wasm-simd');
    for (const x of [a, b]) {
      x.multiRate = true;
      x.useActiveRegion = true;
    }
    const dt = a.maxStepS;
    const M = a.multiRateSubsteps(dt);
    expect(M).toBeGreaterThan(1);
    for (let s = 0; s < 150; s++) {
      if (s === 100) for (const x of [a, b]) x.setSources([]);
      a.stepMany(dt, M);
      b.stepMany(dt, M);
    }
    expect(a.multiRateStats.macro).toBeGreaterThan(20);
    expect(b.multiRateStats).toEqual(a.multiRateStats);
    if (spans) expect(a.multiRateStats.fastCells).toBeLessThan(a.multiRateStats.fastBoxCells);
    expect(fieldMismatches(a, b)).toBe(0);
    expect(b.energy).toEqual(a.energy);
  });

  it('with too little room on the kernel memory for its lists, the solver runs their TypeScript loops to the same numbers', () => {
    const run = (): HeatSolver => {
      const s = solver('wasm-simd');
      s.multiRate = true;
      s.useActiveRegion = true;
      const dt = s.maxStepS;
      for (let step = 0; step < 150; step++) {
        if (step === 100) s.setSources([]);
        s.stepMany(dt, s.multiRateSubsteps(dt));
      }
      return s;
    };
    const reference = run();
    const saved = HeatSolver.arenaBytes;
    try {
      // No arena; fixedKind only; fixedKind and the vessel lists but not the cut faces.
      for (const bytes of [(): number => 0, (c: number): number => c, (c: number): number => c + 1024]) {
        HeatSolver.arenaBytes = bytes;
        const s = run();
        expect(s.multiRateStats).toEqual(reference.multiRateStats);
        for (const k of ['H', 'Tin', 'phiIn', 'Tmin'] as const) expect(Array.from(s.fields[k])).toEqual(Array.from(reference.fields[k]));
        expect(s.energy).toEqual(reference.energy);
      }
    } finally {
      HeatSolver.arenaBytes = saved;
    }
    expect(reference.multiRateStats.macro).toBeGreaterThan(20);
  });

  it('finds the same frozen-cell bounding box as the TypeScript scan (rows of every length, vector and tail cells)', () => {
    const tissue = makeTissueModel(tableTissue({}));
    const [nx, ny, nz] = [23, 9, 7];
    const wasm = new WasmKernel(wasmKernelModule()!, nx * ny * nz);
    wasm.setModel(tissue);
    const f = wasm.allocateFields(nx, ny, nz);
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const box = new Int32Array(6), a = new Int32Array(6), b = new Int32Array(6);
    let found = 0;
    for (let trial = 0; trial < 400; trial++) {
      const i0 = Math.floor(random() * nx), j0 = Math.floor(random() * ny), k0 = Math.floor(random() * nz);
      box.set([i0, i0 + 1 + Math.floor(random() * (nx - i0)), j0, j0 + 1 + Math.floor(random() * (ny - j0)), k0, k0 + 1 + Math.floor(random() * (nz - k0))]);
      f.Tin.fill(37);
      // 0–3 cold cells, mostly inside the box; some at exactly the solidus (not frozen).
      for (let n = Math.floor(random() * 4); n > 0; n--) {
        const pick = (lo: number, hi: number, size: number): number => (random() < 0.8 ? lo + Math.floor(random() * (hi - lo)) : Math.floor(random() * size));
        const c = pick(box[0], box[1], nx) + nx * (pick(box[2], box[3], ny) + ny * pick(box[4], box[5], nz));
        f.Tin[c] = random() < 0.2 ? tissue.Ts : -20;
      }
      const inJs = frozenBounds(f.Tin, nx, ny, box, Math.fround(tissue.Ts), a);
      const inWasm = wasm.frozenBounds(f.Tin, nx, ny, box, b);
      expect(inWasm).toBe(inJs);
      if (inJs) {
        found++;
        expect([...b]).toEqual([...a]);
      }
    }
    expect(found).toBeGreaterThan(50);
  });

  it('measures isotherms (cells at or below a level, and NaN: count and box) like the TypeScript pass, levels between float32 values included', () => {
    const grid = boxGrid([23, 9, 7], 1, [-11, -4, -3]);
    HeatSolver.kernelPreference = 'wasm-simd';
    const small = new HeatSolver(grid, makeTissueModel(tableTissue({})), []);
    const T = small.fields.Tin;
    let seed = 11;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const levels = [0, -20, -40, -27.3, 0.1, -1e-30, Math.fround(-27.3), -20.000001];
    let nonEmpty = 0;
    for (let trial = 0; trial < 150; trial++) {
      const cold = random() * 0.3;
      for (let c = 0; c < T.length; c++) {
        const r = random();
        // Warm, cold, exactly at or a float32 step around a level, NaN, ±0.
        T[c] = r < cold ? -60 * random() : r < cold + 0.05 ? levels[Math.floor(random() * levels.length)] * (random() < 0.5 ? 1 : 1 + 1e-7)
          : r < cold + 0.06 ? NaN : r < cold + 0.08 ? (random() < 0.5 ? 0 : -0) : 37 - random();
      }
      const inJs = isothermMetricsAt(T, grid, levels);
      const inWasm = isothermMetricsAt(T, grid, levels, small.coldCellScan());
      expect(inWasm).toEqual(inJs);
      nonEmpty += inJs.filter((m) => m.volume_ml > 0).length;
    }
    expect(nonEmpty).toBeGreaterThan(500);
    expect(small.coldCellScan()).not.toBeNull();
  });

  it('decimates fields to hundredths of a degree like floor(v·100 + 0.5), every factor and row length', () => {
    for (const dims of [[23, 9, 7], [8, 5, 6], [33, 30, 28]] as const) {
      const grid = boxGrid([...dims], 1, [0, 0, 0]);
      const x = new HeatSolver(grid, makeTissueModel(tableTissue({})), []);
      const [nx, ny, nz] = dims;
      let seed = nx;
      const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let c = 0; c < x.fields.Tin.length; c++) {
        x.fields.Tin[c] = random() < 0.1 ? Math.round(random() * 400) / 100 - 2.005 : 37 - 233 * random();
        x.fields.Tmin[c] = -196 + 233 * random();
      }
      for (const f of [1, 2, 3]) {
        const mx = Math.ceil(nx / f), my = Math.ceil(ny / f), mz = Math.ceil(nz / f);
        for (const which of ['T', 'Tmin'] as const) {
          const src = which === 'T' ? x.fields.Tin : x.fields.Tmin;
          const expected = new Int16Array(mx * my * mz);
          let o = 0;
          for (let k = 0; k < mz; k++) for (let j = 0; j < my; j++) for (let i = 0; i < mx; i++) expected[o++] = Math.floor(src[f * i + nx * (f * j + ny * f * k)] * 100 + 0.5);
          expect(x.decimatedCentidegrees(which, f, mx, my, mz, new Int16Array(mx * my * mz))).toEqual(expected);
        }
      }
    }
  });

  it('steps boxes with rows of every length like the TypeScript kernel, and leaves every cell outside the box alone', () => {
    const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200 }));
    const constants = kernelConstants(tissue);
    const [nx, ny, nz] = [19, 8, 6];
    const n = nx * ny * nz;
    const wasm = new WasmKernel(wasmKernelModule()!, n);
    wasm.setModel(tissue);
    const w = wasm.allocateFields(nx, ny, nz);
    const names = ['H', 'Tin', 'phiIn', 'Tout', 'phiOut', 'Tmin'] as const;
    const js = Object.fromEntries(names.map((k) => [k, new Float32Array(n)])) as unknown as StepFields;
    Object.assign(js, { nx, ny, nz });
    let seed = 11;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const dt = 0.05, hM = 1e-3;
    for (let trial = 0; trial < 60; trial++) {
      // Frozen, mushy and warm cells side by side; Out buffers and Tmin hold unrelated values.
      for (let c = 0; c < n; c++) {
        const t = Math.fround(-60 + 100 * random());
        const state = kernelState(constants, Math.fround(enthalpyOf(tissue, t)));
        w.H[c] = js.H[c] = Math.fround(enthalpyOf(tissue, t));
        w.Tin[c] = js.Tin[c] = state.T;
        w.phiIn[c] = js.phiIn[c] = state.phi;
        w.Tout[c] = js.Tout[c] = Math.fround(random() * 50);
        w.phiOut[c] = js.phiOut[c] = Math.fround(random() * 50);
        w.Tmin[c] = js.Tmin[c] = Math.fround(random() * 50 - 25);
      }
      const i0 = 1 + (trial % 9), i1 = Math.min(nx - 1, i0 + 1 + (trial % 10));
      const j0 = 1 + (trial % 3), k0 = 1 + (trial % 2);
      const sumJs = stepBox(js, constants, dt, hM, i0, i1, j0, ny - 1, k0, nz - 1);
      const sumWasm = wasm.stepBox(w, dt, hM, i0, i1, j0, ny - 1, k0, nz - 1);
      expect(sumWasm).toBe(sumJs);
      for (const k of names) expect(Array.from(w[k])).toEqual(Array.from(js[k]));
    }
  });

  it('keeps stepping as the TypeScript kernel when another instance is made on its shared memory (a slab thread attaching)', () => {
    // The kernel's constant vectors live in page 0 (setModel); instantiating the module again on
    // the same memory must not overwrite them (the module has no data segments).
    const tissue = makeTissueModel(tableTissue({ perfusion_W_m3K: 13680, metabolic_W_m3: 4200 }));
    const constants = kernelConstants(tissue);
    const [nx, ny, nz] = [14, 9, 7];
    const n = nx * ny * nz;
    const module = wasmSharedKernelModule()!;
    const wasm = new WasmKernel(module, n, undefined, true);
    wasm.setModel(tissue);
    const w = wasm.allocateFields(nx, ny, nz);
    const js = { nx, ny, nz, ...Object.fromEntries(['H', 'Tin', 'phiIn', 'Tout', 'phiOut', 'Tmin'].map((k) => [k, new Float32Array(n)])) } as unknown as StepFields;
    for (let c = 0; c < n; c++) {
      const t = Math.fround(-50 + 90 * ((c * 7919) % 1000) / 1000);
      const state = kernelState(constants, Math.fround(enthalpyOf(tissue, t)));
      w.H[c] = js.H[c] = Math.fround(enthalpyOf(tissue, t));
      w.Tin[c] = js.Tin[c] = w.Tmin[c] = js.Tmin[c] = state.T;
      w.phiIn[c] = js.phiIn[c] = state.phi;
    }
    new WasmKernel(module, n, wasm.memory);
    for (let step = 0; step < 5; step++) {
      wasm.stepBox(w, 0.05, 1e-3, 1, nx - 1, 1, ny - 1, 1, nz - 1);
      stepBox(js, constants, 0.05, 1e-3, 1, nx - 1, 1, ny - 1, 1, nz - 1);
    }
    for (const k of ['H', 'Tin', 'phiIn', 'Tout', 'phiOut', 'Tmin'] as const) expect(Array.from(w[k])).toEqual(Array.from(js[k]));
  });

  it('builds isosurfaces with the same buffers as geometry/marchingCubes.ts (borders, NaN cells, flat gradients, levels between float32 values), null when its scratch is too small', () => {
    const dims: [number, number, number] = [23, 17, 14];
    const grid = { dims, spacingMm: 1.5, originMm: [-4.25, 3, 0.5] as [number, number, number] };
    const n = dims[0] * dims[1] * dims[2];
    const wasm = new WasmKernel(wasmKernelModule()!, n, undefined, false, 0, 512 * n);
    const f = wasm.allocateFields(...dims);
    const scratch = f.Tmin.byteOffset + 4 * n;
    let seed = 12345;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const fields: [string, (i: number, j: number, k: number) => number, number[]][] = [
      // A ball cut by the grid's faces (one-sided gradients there), levels between float32 values.
      ['ball', (i, j, k) => Math.fround(Math.hypot(i - 3, j - 8, k - 7) * 1.7 - 9), [0, -1.3, 4.000000001, -0.1]],
      // 0/1 noise: many vertices with a zero gradient (their first triangle's face normal instead).
      ['noise', () => (random() < 0.5 ? 0 : 1), [0.5, 1]],
      // NaN cells: cubes touching them are skipped.
      ['nan', (i, j, k) => ((i * 7 + j * 3 + k) % 11 === 0 ? NaN : Math.sin(i * 0.7) + Math.cos(j * 0.5) * k * 0.1), [0, 0.3]],
    ];
    let triangles = 0;
    for (const [name, value, levels] of fields) {
      for (let k = 0; k < dims[2]; k++)
        for (let j = 0; j < dims[1]; j++)
          for (let i = 0; i < dims[0]; i++) f.Tin[i + dims[0] * (j + dims[1] * k)] = value(i, j, k);
      const copy = new Float32Array(f.Tin);
      for (const level of levels) {
        const js = isosurface(copy, grid, level);
        const w = wasm.isosurface(f.Tin, grid, level, scratch, 500 * n);
        expect(w, `${name} at ${level}`).not.toBeNull();
        expect(Array.from(w!.positions), `${name} at ${level}`).toEqual(Array.from(js.positions));
        expect(Array.from(w!.normals), `${name} at ${level}`).toEqual(Array.from(js.normals));
        expect(Array.from(w!.indices), `${name} at ${level}`).toEqual(Array.from(js.indices));
        triangles += js.indices.length / 3;
        if (js.indices.length > 0) expect(wasm.isosurface(f.Tin, grid, level, scratch, 4096)).toBeNull();
      }
    }
    expect(triangles).toBeGreaterThan(3000);
  });

  it('answers nearest-triangle searches like geometry/triangleIndex.ts (distance, nearest triangle, with bounds and seeds), null when its scratch is too small', () => {
    const n = 20 * 20 * 20;
    const grid = { dims: [20, 20, 20] as [number, number, number], spacingMm: 1.25, originMm: [-12, -11, -10] as [number, number, number] };
    const wasm = new WasmKernel(wasmKernelModule()!, n, undefined, false, 0, 256 * n);
    const f = wasm.allocateFields(...grid.dims);
    const scratch = f.Tmin.byteOffset + 4 * n;
    let seed = 99;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let c = 0; c < n; c++) {
      const i = c % 20, j = Math.floor(c / 20) % 20, k = Math.floor(c / 400);
      f.Tin[c] = Math.hypot(i - 9.5, (j - 8) * 1.3, k - 10) - 6 + 0.8 * Math.sin(i * 1.7 + j);
    }
    const meshes = [isosurface(new Float32Array(f.Tin), grid, 0), ellipsoidMesh([1, -2, 3], [9, 5, 7], 24), { positions: new Float32Array(0), indices: new Uint32Array(0) }];
    for (const mesh of meshes) {
      const js = new TriangleIndex(mesh);
      const w = wasm.nearestTriangles(mesh, scratch, 200 * n);
      expect(w).not.toBeNull();
      let prevJs = -1, prevW = -1;
      for (let q = 0; q < 400; q++) {
        const x = (random() - 0.5) * 50, y = (random() - 0.5) * 50, z = (random() - 0.5) * 50;
        const upper = q % 3 === 0 ? Infinity : random() * 12;
        const a = js.nearestWithin(x, y, z, upper, prevJs), b = w!.nearestWithin(x, y, z, upper, prevW);
        expect(b, `query ${q}`).toBe(a);
        expect(w!.nearestTriangle, `query ${q}`).toBe(js.nearestTriangle);
        // The next query starts from this one's triangle (as the margin seeds its searches).
        prevJs = js.nearestTriangle;
        prevW = w!.nearestTriangle;
      }
      if (mesh.indices.length > 0) expect(wasm.nearestTriangles(mesh, scratch, 2048)).toBeNull();
    }
  });

  it("a released kernel's memory goes, zeroed, to the next kernel of its size; other sizes and lent memories are left alone", () => {
    const module = wasmKernelModule()!;
    const first = new WasmKernel(module, 5000);
    const fields = first.allocateFields(20, 25, 10);
    fields.H.fill(NaN);
    fields.Tmin.fill(-7);
    first.release();
    first.release();
    const other = new WasmKernel(module, 9000);
    expect(other.memory).not.toBe(first.memory);
    const next = new WasmKernel(module, 5000);
    expect(next.memory).toBe(first.memory);
    const again = next.allocateFields(20, 25, 10);
    expect([again.H.every((v) => v === 0), again.Tmin.every((v) => v === 0)]).toEqual([true, true]);
    // Released twice, handed on once.
    expect(new WasmKernel(module, 5000).memory).not.toBe(first.memory);
    // A kernel on a memory it was lent (a slab thread's) never hands it on.
    const lent = new WasmKernel(module, 5000, other.memory);
    lent.release();
    expect(new WasmKernel(module, 9000).memory).not.toBe(other.memory);
  });

  it('a disposed solver refuses to step or show its fields; the solver that gets its memory starts and steps exactly as a fresh one', () => {
    const a = solver('wasm-simd');
    for (let s = 0; s < 200; s++) a.step(a.maxStepS);
    a.dispose();
    expect(() => a.step(a.maxStepS)).toThrow(/disposed/);
    expect(() => a.temperatureC).toThrow(/disposed/);
    const reused = solver('wasm-simd');
    const fresh = solver('wasm-simd');
    const memoryOf = (x: HeatSolver): WebAssembly.Memory => (x as unknown as { wasm: WasmKernel }).wasm.memory;
    expect(memoryOf(reused)).toBe(memoryOf(a));
    expect(memoryOf(fresh)).not.toBe(memoryOf(a));
    for (let s = 0; s < 300; s++) for (const x of [reused, fresh]) x.step(x.maxStepS);
    expect(fieldMismatches(reused, fresh)).toBe(0);
    expect(reused.temperatureC.some((t) => t < -20)).toBe(true);
  });

  it('the committed module is what assembly/kernel.ts builds (npm run build:wasm reproduces it)', () => {
    const out = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
  });
});
