import { type CutFaces, type InterfaceFaces, type StepFields, type VesselFaces, type WallFaces, kernelConstants } from './kernel.ts';
import { KERNEL_WASM_BASE64, KERNEL_WASM_SHARED_BASE64 } from './kernelWasm.generated.ts';
import type { TissueModel } from './tissueModel.ts';
import type { Grid } from '../geometry/grid.ts';
import type { Isosurface } from '../geometry/marchingCubes.ts';
import type { TriangleMesh } from '../geometry/mesh.ts';
import type { NearestTriangleSearch } from './metrics.ts';
import type { RegionOps } from './fastRegion.ts';

/**
 * Copies a surface out of memory that will be reused (wasm memory): positions, normals, indices
 * in, the same values in buffers of the caller's out (the engine's frames reuse buffers the page
 * hands back).
 */
export type SurfaceCopy = (positions: Float32Array, normals: Int8Array, indices: Uint32Array) => Isosurface;

/** SurfaceCopy into three new buffers. */
export const copySurfaceArrays: SurfaceCopy = (positions, normals, indices) => ({
  positions: positions.slice(), normals: normals.slice(), indices: indices.slice(),
});

/**
 * The WebAssembly SIMD kernel (assembly/kernel.ts): the same step as kernel.ts's stepBox, bit for
 * bit, four cells per f32x4 instruction. Its fields live in the instance's linear memory, so a solver
 * that uses it allocates them here (allocateFields) and hands out typed-array views.
 */

interface KernelExports {
  setModel(...args: number[]): void;
  stepBox(
    H: number, Tin: number, phiIn: number, Tout: number, phiOut: number, Tmin: number,
    nx: number, ny: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, dtS: number, dtOverH2: number,
    spans: number, spansK0: number,
  ): void;
  sourceSum(
    Tin: number, nx: number, ny: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, dtS: number, sums: number,
    spans: number, spansK0: number,
  ): number;
  frozenBounds(T: number, nx: number, ny: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, rows: number): number;
  frozenBound(a: number): number;
  coldCells(T: number, nx: number, ny: number, nz: number, level: number, rows: number, within: boolean): number;
  decimate(field: number, nx: number, ny: number, f: number, mx: number, my: number, mz: number, out: number): void;
  startFaces(phi: number, fast: number, phi0: number, acc: number, n: number): void;
  accumulateFaces(phi: number, fast: number, phi0: number, acc: number, n: number): void;
  holdRing(Tin: number, phiIn: number, Tout: number, phiOut: number, slow: number, ringT: number, ringPhi: number, n: number): void;
  restoreRing(T: number, phi: number, slow: number, ringT: number, ringPhi: number, n: number): void;
  copyBox(
    from: number, to: number, from2: number, to2: number, nx: number, ny: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number,
    spans: number, spansK0: number,
  ): void;
  setModel64(...args: number[]): void;
  saveCutH(H: number, Tmin: number, cells: number, oldH: number, n: number): void;
  cutFaces(
    H: number, Tin: number, phiIn: number, Tout: number, phiOut: number, Tmin: number, fixedKind: number,
    cells: number, faceStart: number, neighbour: number, inverseDistance2: number, blockedShare: number, surfacePhi: number, oldH: number,
    n: number, dtS: number, invH2: number, heat: number,
  ): number;
  wallFaces(
    H: number, Tin: number, phiIn: number, Tout: number, phiOut: number, Tmin: number, fixedKind: number,
    cell: number, vessel: number, U: number, bloodC: number, only: number, count: number, dtS: number, invH2: number, hM: number,
  ): void;
  vesselInflow(
    Tin: number, phiIn: number, fixedKind: number, vessel: number, tissue: number, wallH: number, bloodC: number,
    only: number, count: number, sum: number, invH2: number, hM: number,
  ): number;
  outerInflow(phi: number, fixedKind: number, nx: number, ny: number, nz: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, invH2: number): number;
  resetInside(H: number, Tout: number, phiOut: number, Tmin: number, cells: number, values: number, n: number): void;
  resetVessels(H: number, Tout: number, phiOut: number, Tmin: number, cells: number, blood: number, n: number): void;
  reflux(H: number, T: number, phi: number, Tmin: number, fixedKind: number, slow: number, faceStart: number, acc: number, r0: number, r1: number, w: number): void;
  isosurface(field: number, nx: number, ny: number, nz: number, h: number, ox: number, oy: number, oz: number, level: number, scratch: number, bytes: number): number;
  isoLayout(a: number): number;
  triIndexBuild(positions: number, indices: number, nTri: number, scratch: number, bytes: number): number;
  triIndexNearest(px: number, py: number, pz: number, upperMm: number, seed: number): number;
  triIndexNearestTriangle(): number;
  regionSeeds(
    sourceRows: number, frozenRows: number, seedLo: number, seedHi: number, nx: number, ny: number,
    j0: number, j1: number, k0: number, k1: number, sj0: number, sj1: number, sk0: number, sk1: number,
  ): void;
  regionCovered(seedLo: number, seedHi: number, coveredLo: number, coveredHi: number, rows: number): number;
  regionDilate(lo: number, hi: number, outLo: number, outHi: number, nyF: number, nzF: number, radius: number, planes: number, far: number): void;
  regionCover(
    spans: number, spanLo: number, spanHi: number, coveredLo: number, coveredHi: number, nyF: number, nzF: number, radius: number, planes: number, none: number,
  ): void;
  regionInterface(
    spans: number, j0: number, j1: number, k0: number, k1: number, nx: number, ny: number, nz: number, fast: number, slow: number, faceStart: number, capacity: number,
  ): number;
}

type ArenaArray = Int32Array | Float64Array | Uint8Array | Int16Array;

/**
 * A bump allocator over a region of the kernel's memory for the solver's per-step lists (fixed
 * kinds, cut faces), so that wasm loops can read them. `mark` / `release` free everything
 * allocated after a mark; `alloc` gives null when the region is full (the caller keeps a
 * JavaScript array and its TypeScript loop).
 */
export class WasmArena {
  private top: number;

  constructor(private readonly buffer: ArrayBufferLike, private readonly start: number, private readonly end: number) {
    this.top = start;
  }

  get mark(): number {
    return this.top;
  }

  /** Bytes free above the mark (scratch a call may use without allocating, as isosurface does). */
  get free(): number {
    return this.end - this.top;
  }

  release(mark: number): void {
    this.top = Math.max(this.start, Math.min(mark, this.top));
  }

  /** The byte offset of `bytes` scratch bytes on the arena (not zeroed), or null when they do not fit. */
  reserve(bytes: number): number | null {
    const at = this.top;
    if (at + align16(bytes) > this.end) return null;
    this.top += align16(bytes);
    return at;
  }

  /** A zeroed array of n elements on the arena, or null when it does not fit. */
  alloc<T extends ArenaArray>(make: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T, bytesPerElement: number, n: number): T | null {
    const at = this.reserve(bytesPerElement * n);
    if (at === null) return null;
    const a = new make(this.buffer, at, n);
    a.fill(0);
    return a;
  }

  /** A copy of `from` on the arena, or null when it does not fit. */
  copy<T extends ArenaArray>(from: T): T | null {
    const make = from.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;
    const a = this.alloc(make, from.BYTES_PER_ELEMENT, from.length);
    a?.set(from as never);
    return a;
  }
}

const f32Bits = new Float32Array(1);
const i32Bits = new Int32Array(f32Bits.buffer);

/** The largest float32 below the float32 x (finite). */
function nextDownF32(x: number): number {
  f32Bits[0] = x;
  if (x === 0) i32Bits[0] = 0x80000001 | 0;
  else i32Bits[0] += x > 0 ? -1 : 1;
  return f32Bits[0];
}

let compiled: WebAssembly.Module | null | undefined;
let compiledShared: WebAssembly.Module | null | undefined;

function compile(base64: string): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly === 'object') {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      // validate() is false when the engine lacks SIMD; sync compile is fine: the module is ~1.5 kB.
      if (WebAssembly.validate(bytes)) return new WebAssembly.Module(bytes);
    }
  } catch {
    // Fall through: no module.
  }
  return null;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (then use kernel.ts). */
export function wasmKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compile(KERNEL_WASM_BASE64);
  return compiled;
}

/**
 * The same kernel importing a *shared* memory (threads step z-slabs of one memory), or null where
 * shared WebAssembly memory is unavailable (no SharedArrayBuffer: not cross-origin isolated).
 */
export function wasmSharedKernelModule(): WebAssembly.Module | null {
  if (compiledShared !== undefined) return compiledShared;
  compiledShared = null;
  try {
    if (typeof SharedArrayBuffer === 'function') {
      // Probe: a shared memory can be made here.
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      compiledShared = compile(KERNEL_WASM_SHARED_BASE64);
    }
  } catch {
    compiledShared = null;
  }
  return compiledShared;
}

/**
 * Page 0 is the module's: it has no data segments, and stepBox's constant vectors sit in its last 512
 * bytes (setModel); pages 1…SUMS_REGIONS hold the per-plane source sums; fields follow.
 */
const SUMS = 65536;
/**
 * Pages of per-plane sums: one per region of a multi-rate slow step stepped at once on threads (four
 * boxes and two sets of row spans, slabPool.ts slowStep; the sums of regions sharing planes must
 * not mix).
 */
export const SUMS_REGIONS = 6;
const BASE = (1 + SUMS_REGIONS) * 65536;
const PAGE = 65536;
/** Most z-planes the per-plane sums page holds. */
export const MAX_PLANES = 8192;
/**
 * The byte offsets WasmKernel.slabListsAt reads, in this order: the fields, fixedKind, the cut
 * faces (cells, faceStart, neighbour, inverseDistance2, blockedShare, surfacePhi), oldH, the cut
 * cells' heat, the wall faces (cell, vessel, U, bloodC) and the indices of those to apply, the
 * inside cells and their values, the vessel cells to reset and their blood temperatures, and the
 * interface faces (fast, phi0, acc, then the ring's slow, ringT, ringPhi: slabStartAt), then
 * slabStartAt's slow wall faces to apply and slow vessel cells with their blood temperatures.
 */
export const SLAB_LIST_SLOTS = 33;

/** Int32s of an isosurfaceAt result: vertex count, index count, offsets of positions, normals, indices. */
export const ISO_RESULT_INTS = 5;

/**
 * Memories of released kernels (WasmKernel.release), newest last, for the next kernel of the same
 * size and sharedness: in Chromium a new memory's pages cost a fault each on first touch (a 1 mm
 * liver solver's shared memory, made and filled: 62 ms; a kept one, zeroed and filled: 1.7 ms;
 * Node 6 ms for a new one).
 */
const spareMemories: { memory: WebAssembly.Memory; shared: boolean }[] = [];
/** Most memories kept: a drag's coarse runs and the fine run after it each find theirs. */
const SPARE_MEMORIES = 2;

/** A memory of `pages` pages, all zero: a kept one when there is one of that size, else a new one. */
function zeroedMemory(pages: number, shared: boolean): WebAssembly.Memory {
  const i = spareMemories.findIndex((m) => m.shared === shared && m.memory.buffer.byteLength === pages * PAGE);
  if (i < 0) return shared ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : new WebAssembly.Memory({ initial: pages });
  const [{ memory }] = spareMemories.splice(i, 1);
  new Uint8Array(memory.buffer).fill(0);
  return memory;
}

export class WasmKernel {
  readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private readonly isoResult = new Int32Array(ISO_RESULT_INTS);
  /** Whether this kernel made its memory (only then may release() hand it on), and not yet released. */
  private ownsMemory: boolean;
  private readonly shared: boolean;

  /**
   * `memory`: an existing one to run on (threads share one SharedArrayBuffer-backed memory);
   * `shared`: make a shared one (the module must be wasmSharedKernelModule()); `faceCapacity`:
   * room for that many multi-rate interface faces after the fields (allocateFaces), then
   * `arenaBytes` for the solver's per-step lists (arena).
   */
  constructor(module: WebAssembly.Module, cells: number, memory?: WebAssembly.Memory, shared = false, faceCapacity = 0, arenaBytes = 0) {
    const pages = WasmKernel.pagesFor(cells, faceCapacity, arenaBytes);
    this.ownsMemory = !memory;
    this.shared = shared;
    // A kept memory comes zeroed, as a new one; the module writes nothing on instantiation (no data).
    this.memory = memory ?? zeroedMemory(pages, shared);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: () => {} } });
    this.exports = instance.exports as unknown as KernelExports;
  }

  /**
   * Hands this kernel's memory to the next kernel of the same size (it is zeroed then); a memory
   * it was given stays with its owner. Nothing may use this kernel, or views on its memory, after.
   */
  release(): void {
    if (!this.ownsMemory) return;
    this.ownsMemory = false;
    spareMemories.push({ memory: this.memory, shared: this.shared });
    if (spareMemories.length > SPARE_MEMORIES) spareMemories.shift();
  }

  /** Memory pages for the fields of `cells` cells (6 Float32 arrays) and `faceCapacity` interface faces. */
  static pagesFor(cells: number, faceCapacity = 0, arenaBytes = 0): number {
    return Math.ceil((WasmKernel.facesEnd(cells, faceCapacity) + align16(arenaBytes)) / PAGE);
  }

  private static facesEnd(cells: number, faceCapacity: number): number {
    return BASE + 6 * align16(4 * cells) + 2 * align16(4 * faceCapacity) + align16(4 * (faceCapacity + 1)) + 4 * align16(8 * faceCapacity);
  }

  /** The arena after the fields and faces (the memory was made with room for `arenaBytes`). */
  arena(cells: number, faceCapacity: number, arenaBytes: number): WasmArena {
    const start = WasmKernel.facesEnd(cells, faceCapacity);
    return new WasmArena(this.memory.buffer, start, start + align16(arenaBytes));
  }

  /**
   * Multi-rate interface face arrays on this memory, after the fields of `cells` cells (the
   * memory was made with room for `capacity` faces).
   */
  allocateFaces(cells: number, capacity: number): InterfaceFaces {
    const buf = this.memory.buffer;
    let at = BASE + 6 * align16(4 * cells);
    const i32 = (): Int32Array => {
      const a = new Int32Array(buf, at, capacity);
      at += align16(4 * capacity);
      return a;
    };
    const f64 = (): Float64Array => {
      const a = new Float64Array(buf, at, capacity);
      at += align16(8 * capacity);
      return a;
    };
    const fast = i32(), slow = i32();
    const faceStart = new Int32Array(buf, at, capacity + 1);
    at += align16(4 * (capacity + 1));
    return { fast, slow, faceStart, phi0: f64(), acc: f64(), ringT: f64(), ringPhi: f64() };
  }

  /** fastRegion.ts FastRegion's row loops on this memory's arrays (assembly/fastRegion.ts). */
  regionOps(): RegionOps {
    const e = this.exports, memory = this.memory;
    return {
      owns: (a) => a.buffer === memory.buffer,
      seeds: (sourceRows, frozenRows, seedLo, seedHi, nx, ny, F, sj0, sj1, sk0, sk1) =>
        e.regionSeeds(sourceRows.byteOffset, frozenRows.byteOffset, seedLo.byteOffset, seedHi.byteOffset, nx, ny, F[2], F[3], F[4], F[5], sj0, sj1, sk0, sk1),
      covered: (seedLo, seedHi, coveredLo, coveredHi, rows) =>
        e.regionCovered(seedLo.byteOffset, seedHi.byteOffset, coveredLo.byteOffset, coveredHi.byteOffset, rows) !== 0,
      dilate: (lo, hi, outLo, outHi, nyF, nzF, radius, planes, far) =>
        e.regionDilate(lo.byteOffset, hi.byteOffset, outLo.byteOffset, outHi.byteOffset, nyF, nzF, radius, planes.byteOffset, far),
      cover: (spans, spanLo, spanHi, coveredLo, coveredHi, nyF, nzF, radius, planes, none) =>
        e.regionCover(spans.byteOffset, spanLo.byteOffset, spanHi.byteOffset, coveredLo.byteOffset, coveredHi.byteOffset, nyF, nzF, radius, planes.byteOffset, none),
      interface: (spans, F, nx, ny, nz, faces, capacity) =>
        e.regionInterface(spans.byteOffset, F[2], F[3], F[4], F[5], nx, ny, nz, faces.fast.byteOffset, faces.slow.byteOffset, faces.faceStart.byteOffset, capacity),
    };
  }

  /** kernel.ts startFaces on this memory's arrays. */
  startFaces(phi: Float32Array, faces: InterfaceFaces, n: number): void {
    this.exports.startFaces(phi.byteOffset, faces.fast.byteOffset, faces.phi0.byteOffset, faces.acc.byteOffset, n);
  }

  /** kernel.ts accumulateFaces on this memory's arrays. */
  accumulateFaces(phi: Float32Array, faces: InterfaceFaces, n: number): void {
    this.exports.accumulateFaces(phi.byteOffset, faces.fast.byteOffset, faces.phi0.byteOffset, faces.acc.byteOffset, n);
  }

  /** kernel.ts holdRing on this memory's arrays. */
  holdRing(f: StepFields, faces: InterfaceFaces, n: number): void {
    this.exports.holdRing(
      f.Tin.byteOffset, f.phiIn.byteOffset, f.Tout.byteOffset, f.phiOut.byteOffset,
      faces.slow.byteOffset, faces.ringT.byteOffset, faces.ringPhi.byteOffset, n,
    );
  }

  /** kernel.ts restoreRing on this memory's arrays. */
  restoreRing(T: Float32Array, phi: Float32Array, faces: InterfaceFaces, n: number): void {
    this.exports.restoreRing(T.byteOffset, phi.byteOffset, faces.slow.byteOffset, faces.ringT.byteOffset, faces.ringPhi.byteOffset, n);
  }

  /** kernel.ts copyBox on this memory's fields (a memory copy per row; `spans` on this memory). */
  copyBox(
    from: Float32Array, to: Float32Array, from2: Float32Array, to2: Float32Array, nx: number, ny: number,
    i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, spans?: Int32Array, spansK0 = 0,
  ): void {
    this.exports.copyBox(from.byteOffset, to.byteOffset, from2.byteOffset, to2.byteOffset, nx, ny, i0, i1, j0, j1, k0, k1, spans ? spans.byteOffset : 0, spansK0);
  }

  /** Field arrays (views on this memory) initialised to nothing; the caller fills them. */
  allocateFields(nx: number, ny: number, nz: number): StepFields {
    return WasmKernel.fieldViews(this.memory.buffer, nx, ny, nz);
  }

  /**
   * The field layout of allocateFields on any buffer of pagesFor(cells) pages (the TypeScript
   * kernel's threads use it on a SharedArrayBuffer: same offsets, same per-plane sums page).
   */
  static fieldViews(buf: ArrayBufferLike, nx: number, ny: number, nz: number): StepFields {
    const n = nx * ny * nz;
    let at = BASE;
    const next = (): Float32Array => {
      const a = new Float32Array(buf, at, n);
      at += align16(4 * n);
      return a;
    };
    const H = next(), Tin = next(), phiIn = next(), Tout = next(), phiOut = next(), Tmin = next();
    return { nx, ny, nz, H, Tin, phiIn, Tout, phiOut, Tmin };
  }

  setModel(m: TissueModel): void {
    const k = kernelConstants(m);
    this.exports.setModel(k.Ts, k.Tl, k.invW, k.ks, k.kl, k.invCs, k.invCl, k.mushyB, k.mushyBB, k.fourA, k.Hl, k.phiL, k.halfDk, k.wc, k.wcTaQm);
    this.exports.setModel64(m.Ts, m.Tl, m.invMushyWidth, m.ks, m.kl, m.Cs, m.Cl, m.mushyB, m.mushyA, m.Hl, m.phiL, m.restC);
  }

  /** oldH[2i] = H[cells[i]], oldH[2i + 1] = Tmin[cells[i]] for i < n (arrays on this memory). */
  saveCutH(H: Float32Array, Tmin: Float32Array, cells: Int32Array, oldH: Float64Array, n: number): void {
    this.exports.saveCutH(H.byteOffset, Tmin.byteOffset, cells.byteOffset, oldH.byteOffset, n);
  }

  /** solver.ts applyWallFaces's loop (faces `only`, or all when null) on arrays of this memory. */
  wallFaces(f: StepFields, fixedKind: Uint8Array, w: WallFaces, only: Int32Array | null, dtS: number, invH2: number, hM: number): void {
    this.exports.wallFaces(
      f.H.byteOffset, f.Tin.byteOffset, f.phiIn.byteOffset, f.Tout.byteOffset, f.phiOut.byteOffset, f.Tmin.byteOffset, fixedKind.byteOffset,
      w.cell.byteOffset, w.vessel.byteOffset, w.U.byteOffset, w.bloodC.byteOffset, only ? only.byteOffset : 0,
      only ? only.length : w.cell.length, dtS, invH2, hM,
    );
  }

  /**
   * solver.ts fixedCellInflow's outer-layer loops for the box b (the faces it reaches), on
   * arrays of this memory: the same sum to the bit.
   */
  outerInflow(phi: Float32Array, fixedKind: Uint8Array, nx: number, ny: number, nz: number, b: Int32Array, invH2: number): number {
    return this.exports.outerInflow(phi.byteOffset, fixedKind.byteOffset, nx, ny, nz, b[0], b[1], b[2], b[3], b[4], b[5], invH2);
  }

  /** solver.ts fixedCellInflow's vessel loop, continuing `sum`, on arrays of this memory. */
  vesselInflow(f: StepFields, fixedKind: Uint8Array, v: VesselFaces, only: Int32Array | null, sum: number, invH2: number, hM: number): number {
    return this.exports.vesselInflow(
      f.Tin.byteOffset, f.phiIn.byteOffset, fixedKind.byteOffset, v.vessel.byteOffset, v.tissue.byteOffset, v.wallH.byteOffset,
      v.bloodC.byteOffset, only ? only.byteOffset : 0, only ? only.length : v.vessel.length, sum, invH2, hM,
    );
  }

  /** solver.ts resetFixed's inside cells (held at `values` [°C]). */
  resetInside(f: StepFields, Tout: Float32Array, phiOut: Float32Array, cells: Int32Array, values: Float64Array): void {
    this.exports.resetInside(f.H.byteOffset, Tout.byteOffset, phiOut.byteOffset, f.Tmin.byteOffset, cells.byteOffset, values.byteOffset, cells.length);
  }

  /** solver.ts resetFixed's vessel cells (held at `blood` [°C]); restC not NaN: Tmin = min(rest, blood). */
  resetVessels(f: StepFields, Tout: Float32Array, phiOut: Float32Array, cells: Int32Array, blood: Float64Array): void {
    this.exports.resetVessels(f.H.byteOffset, Tout.byteOffset, phiOut.byteOffset, f.Tmin.byteOffset, cells.byteOffset, blood.byteOffset, cells.length);
  }

  /** solver.ts multiRateStep's reflux into the ring cells [0, nRing) (T, φ: the In buffers). */
  reflux(f: StepFields, fixedKind: Uint8Array, faces: InterfaceFaces, nRing: number, w: number): void {
    this.exports.reflux(
      f.H.byteOffset, f.Tin.byteOffset, f.phiIn.byteOffset, f.Tmin.byteOffset, fixedKind.byteOffset, faces.slow.byteOffset,
      faces.faceStart.byteOffset, faces.acc.byteOffset, 0, nRing, w,
    );
  }

  /** solver.ts applyCutFaces's loop on arrays of this memory; returns the bodies' heat [J/m³ summed]. */
  cutFaces(f: StepFields, fixedKind: Uint8Array, cut: CutFaces, oldH: Float64Array, dtS: number, invH2: number): number {
    return this.exports.cutFaces(
      f.H.byteOffset, f.Tin.byteOffset, f.phiIn.byteOffset, f.Tout.byteOffset, f.phiOut.byteOffset, f.Tmin.byteOffset, fixedKind.byteOffset,
      cut.cells.byteOffset, cut.faceStart.byteOffset, cut.neighbour.byteOffset, cut.inverseDistance2.byteOffset, cut.blockedShare.byteOffset,
      cut.surfacePhi.byteOffset, oldH.byteOffset, cut.cells.length, dtS, invH2, 0,
    );
  }

  /** Per-plane source sums (written by stepBox when asked; view on this memory). */
  planeSums(): Float64Array {
    return WasmKernel.planeSumsView(this.memory.buffer);
  }

  /** A per-plane sums page (region < SUMS_REGIONS) of a buffer laid out as fieldViews. */
  static planeSumsView(buf: ArrayBufferLike, region = 0): Float64Array {
    return new Float64Array(buf, WasmKernel.sumsOffset(region), MAX_PLANES);
  }

  /** Byte offset of a per-plane sums page (what stepBoxAt's `sums` takes). */
  static sumsOffset(region: number): number {
    return SUMS + region * 8 * MAX_PLANES;
  }

  /** Byte offset of planeSums() (region 0). */
  static readonly SUMS_OFFSET = SUMS;

  /**
   * The raw exports on byte offsets (a slab thread's call; box already clamped): the step, and
   * with `sourceSum` its source sum (the kernel's return value; plane sums stored at `sums` ≠ 0),
   * a separate pass over Tin; without it, 0.
   */
  stepBoxAt(
    H: number, Tin: number, phiIn: number, Tout: number, phiOut: number, Tmin: number,
    nx: number, ny: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, dtS: number, hM: number, sums: number,
    sourceSum = true, spans = 0, spansK0 = 0,
  ): number {
    const e = this.exports;
    const total = sourceSum ? e.sourceSum(Tin, nx, ny, i0, i1, j0, j1, k0, k1, dtS, sums, spans, spansK0) : 0;
    e.stepBox(H, Tin, phiIn, Tout, phiOut, Tmin, nx, ny, i0, i1, j0, j1, k0, k1, dtS, dtS / (hM * hM), spans, spansK0);
    return total;
  }

  /**
   * metrics.ts isothermMetricsAt's counts for several levels on a field of this memory: for level
   * l the cells with !(T > levelsC[l]) (at or below it, and NaN) into counts[l] and their inclusive
   * index box [i0, i1, j0, j1, k0, k1] into bounds[6l …]. The same cells as the f64 comparison:
   * each level is taken down to the largest float32 not above it. With `rows` (2·ny·nz i32 on this
   * memory) the highest level is scanned over the grid and the others only between its first and
   * last cell of each row; without, every level over the grid.
   */
  coldCells(T: Float32Array, nx: number, ny: number, nz: number, levelsC: readonly number[], counts: Float64Array, bounds: Int32Array, rows: Int32Array | null): void {
    const e = this.exports;
    const order = levelsC.map((_, l) => l).sort((a, b) => levelsC[b] - levelsC[a]);
    order.forEach((l, n) => {
      let level = Math.fround(levelsC[l]);
      if (level > levelsC[l]) level = nextDownF32(level);
      counts[l] = e.coldCells(T.byteOffset, nx, ny, nz, level, rows ? rows.byteOffset : 0, rows !== null && n > 0);
      for (let a = 0; a < 6; a++) bounds[6 * l + a] = e.frozenBound(a);
    });
  }

  /**
   * geometry/marchingCubes.ts isosurface of `field` (this memory) on `grid`, the same buffers bit
   * for bit, built in the scratch bytes [scratch, scratch + bytes) of this memory and copied out;
   * null when they are too few for this surface.
   */
  isosurface(field: Float32Array, grid: Grid, level: number, scratch: number, bytes: number, copy?: SurfaceCopy): Isosurface | null {
    const [nx, ny, nz] = grid.dims, o = grid.originMm;
    this.isosurfaceAt(field.byteOffset, nx, ny, nz, grid.spacingMm, o[0], o[1], o[2], level, scratch, bytes, this.isoResult, 0);
    return this.isosurfaceFrom(this.isoResult, 0, copy);
  }

  /**
   * `isosurface` on byte offsets (a slab worker builds one for the coordinator to copy out), its
   * result into out[at …] (ISO_RESULT_INTS): the vertex count (−1 when the scratch bytes are too
   * few), the index count, and the byte offsets of positions, normals and indices in this memory.
   */
  isosurfaceAt(
    field: number, nx: number, ny: number, nz: number, hMm: number, ox: number, oy: number, oz: number, level: number,
    scratch: number, bytes: number, out: Int32Array, at: number,
  ): void {
    const e = this.exports;
    out[at] = e.isosurface(field, nx, ny, nz, hMm, ox, oy, oz, level, scratch, bytes);
    for (let a = 1; a < ISO_RESULT_INTS; a++) out[at + a] = e.isoLayout(a);
  }

  /**
   * The surface an isosurfaceAt result out[at …] describes, copied out of this memory (by `copy`,
   * default each array to a new buffer); null when it did not fit.
   */
  isosurfaceFrom(out: Int32Array, at: number, copy: SurfaceCopy = copySurfaceArrays): Isosurface | null {
    const vertices = out[at];
    if (vertices < 0) return null;
    const buf = this.memory.buffer;
    return copy(
      new Float32Array(buf, out[at + 2], 3 * vertices),
      new Int8Array(buf, out[at + 3], 3 * vertices),
      new Uint32Array(buf, out[at + 4], out[at + 1]),
    );
  }

  /**
   * geometry/triangleIndex.ts's TriangleIndex over `mesh`, copied with its index into the scratch
   * bytes [scratch, scratch + bytes) of this memory, for searches without a distance limit (the
   * same distances and nearest triangles); null when they are too few. Valid until that memory
   * is used for anything else.
   */
  nearestTriangles(mesh: TriangleMesh, scratch: number, bytes: number): NearestTriangleSearch | null {
    const e = this.exports;
    const nTri = Math.floor(mesh.indices.length / 3);
    const positionsAt = align16(scratch), indicesAt = positionsAt + align16(4 * mesh.positions.length);
    const indexAt = indicesAt + align16(4 * 3 * nTri);
    const end = scratch + bytes;
    if (indexAt > end) return null;
    const buf = this.memory.buffer;
    new Float32Array(buf, positionsAt, mesh.positions.length).set(mesh.positions);
    new Uint32Array(buf, indicesAt, 3 * nTri).set(mesh.indices.subarray(0, 3 * nTri));
    if (e.triIndexBuild(positionsAt, indicesAt, nTri, indexAt, end - indexAt) < 0) return null;
    return {
      nearestWithin: (px, py, pz, upperMm, seed) => e.triIndexNearest(px, py, pz, upperMm, seed),
      get nearestTriangle() {
        return e.triIndexNearestTriangle();
      },
    };
  }

  /** Every f-th cell of `field` (this memory) on each axis, mx × my × mz, in hundredths of a degree, into `out` (this memory). */
  decimate(field: Float32Array, nx: number, ny: number, f: number, mx: number, my: number, mz: number, out: Int16Array): void {
    this.exports.decimate(field.byteOffset, nx, ny, f, mx, my, mz, out.byteOffset);
  }

  /**
   * A slab's share of a multi-rate fast substep's list work, after its kernel part, on byte
   * offsets (slabPool.ts): o[a …] holds the offsets in SLAB_LIST_SLOTS order, r[b …] the slab's
   * (start, count) in the cut cells, the wall faces to apply, the inside cells and the vessel
   * cells. The same loops as the solver's single-thread substep (cut faces with each cell's heat
   * stored, walls, resets), then with `saveNext` the cut cells' H for the next substep.
   */
  slabListsAt(o: Int32Array, a: number, r: Int32Array, b: number, saveNext: boolean, dtS: number, invH2: number, hM: number): void {
    const e = this.exports;
    const H = o[a], Tin = o[a + 1], phiIn = o[a + 2], Tout = o[a + 3], phiOut = o[a + 4], Tmin = o[a + 5], kind = o[a + 6];
    const c0 = r[b], cn = r[b + 1];
    // Walls before cut faces, as the solver's own substeps (solver.ts step).
    const w0 = r[b + 2], wn = r[b + 3];
    if (wn > 0) e.wallFaces(H, Tin, phiIn, Tout, phiOut, Tmin, kind, o[a + 15], o[a + 16], o[a + 17], o[a + 18], o[a + 19] + 4 * w0, wn, dtS, invH2, hM);
    if (cn > 0) {
      e.cutFaces(H, Tin, phiIn, Tout, phiOut, Tmin, kind, o[a + 7] + 4 * c0, o[a + 8] + 4 * c0, o[a + 9], o[a + 10], o[a + 11], o[a + 12],
        o[a + 13] + 16 * c0, cn, dtS, invH2, o[a + 14] + 8 * c0);
    }
    const i0 = r[b + 4], inn = r[b + 5];
    if (inn > 0) e.resetInside(H, Tout, phiOut, Tmin, o[a + 20] + 4 * i0, o[a + 21] + 8 * i0, inn);
    const v0 = r[b + 6], vn = r[b + 7];
    if (vn > 0) e.resetVessels(H, Tout, phiOut, Tmin, o[a + 22] + 4 * v0, o[a + 23] + 8 * v0, vn);
    if (saveNext && cn > 0) e.saveCutH(H, Tmin, o[a + 7] + 4 * c0, o[a + 13] + 16 * c0, cn);
  }

  /**
   * Before a multi-rate fast substep after the first, on slabListsAt's offsets and ranges: the
   * slab's interface faces (r[b + 14 …], the faces of its ring cells) add the φ the previous
   * substep left in the In buffer (kernel.ts accumulateFaces). After the barrier, so a face may
   * read a fast cell of another slab.
   */
  slabAccumulateAt(o: Int32Array, a: number, r: Int32Array, b: number): void {
    const f0 = r[b + 14], fn = r[b + 15];
    if (fn > 0) this.exports.accumulateFaces(o[a + 2], o[a + 24] + 4 * f0, o[a + 25] + 8 * f0, o[a + 26] + 8 * f0, fn);
  }

  /**
   * A slab's share of the start of a multi-rate fast box's substeps, on the offsets and ranges of
   * slabListsAt (o: the fields as the first substep reads them): the slow step's walls (step
   * `slowDtS`) and vessel resets on its slow cells (r[b + 10 …]: after the slow step, before the
   * ring is held, as the single thread does), its ring cells' faces' φ at t and sums from 0
   * (startFaces; r[b + 14 …]), its ring cells (r[b + 8 …]: those in its planes, with their walls)
   * held at t (holdRing) and its cut cells' H and Tmin (saveCutH). The single thread's loops,
   * each entry on its own cells: the same numbers.
   */
  slabStartAt(o: Int32Array, a: number, r: Int32Array, b: number, slowDtS: number, invH2: number, hM: number): void {
    const e = this.exports;
    const H = o[a], Tin = o[a + 1], phiIn = o[a + 2], Tout = o[a + 3], phiOut = o[a + 4], Tmin = o[a + 5];
    const w0 = r[b + 10], wn = r[b + 11];
    if (wn > 0) e.wallFaces(H, Tin, phiIn, Tout, phiOut, Tmin, o[a + 6], o[a + 15], o[a + 16], o[a + 17], o[a + 18], o[a + 30] + 4 * w0, wn, slowDtS, invH2, hM);
    const v0 = r[b + 12], vn = r[b + 13];
    if (vn > 0) e.resetVessels(H, Tout, phiOut, Tmin, o[a + 31] + 4 * v0, o[a + 32] + 8 * v0, vn);
    const f0 = r[b + 14], fn = r[b + 15];
    if (fn > 0) e.startFaces(o[a + 2], o[a + 24] + 4 * f0, o[a + 25] + 8 * f0, o[a + 26] + 8 * f0, fn);
    const r0 = r[b + 8], rn = r[b + 9];
    if (rn > 0) e.holdRing(o[a + 1], o[a + 2], o[a + 3], o[a + 4], o[a + 27] + 4 * r0, o[a + 28] + 8 * r0, o[a + 29] + 8 * r0, rn);
    const c0 = r[b], cn = r[b + 1];
    if (cn > 0) e.saveCutH(o[a], o[a + 5], o[a + 7] + 4 * c0, o[a + 13] + 16 * c0, cn);
  }

  /**
   * kernel.ts stepBox on fields from allocateFields (same clamping, same return value); `sums`:
   * also store each plane's source sum into planeSums(); `sourceSum` false: no source sum at all
   * (returns 0; the step alone is faster), the same fields; `spans` (this memory; the box inside
   * the interior): kernel.ts stepBox's row spans.
   */
  stepBox(
    f: StepFields, dtS: number, hM: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, sums = false,
    sourceSum = true, spans?: Int32Array, spansK0 = 0,
  ): number {
    const kStart = Math.max(1, k0), kEnd = Math.min(f.nz - 1, k1);
    const jStart = Math.max(1, j0), jEnd = Math.min(f.ny - 1, j1);
    const iStart = Math.max(1, i0), iEnd = Math.min(f.nx - 1, i1);
    if (kStart >= kEnd || jStart >= jEnd || iStart >= iEnd) return 0;
    return this.stepBoxAt(
      f.H.byteOffset, f.Tin.byteOffset, f.phiIn.byteOffset, f.Tout.byteOffset, f.phiOut.byteOffset, f.Tmin.byteOffset,
      f.nx, f.ny, iStart, iEnd, jStart, jEnd, kStart, kEnd, dtS, hM, sums ? SUMS : 0, sourceSum, spans ? spans.byteOffset : 0, spansK0,
    );
  }
  /**
   * A part of a multi-rate macro step's end on byte offsets (slabPool.ts finishMacro): the fast
   * region's planes [k0, k1) copied In → Out when `copy` (o[a …]: Tin, phiIn, Tout, phiOut, then
   * F's i0, i1, j0, j1; its row spans at o[a + 19] ≠ 0 from plane o[a + 20]), then ring cells
   * [q0, q1) restored and refluxed into the buffers that will be In (o[a + 8 …]: H, T, phi, Tmin,
   * fixedKind, slow, acc, ringT, ringPhi; faceStart at o[a + 18]). Ring cells are not fast cells,
   * and each is one part's: parts touch disjoint cells.
   */
  finishMacroAt(o: Int32Array, a: number, nx: number, ny: number, k0: number, k1: number, q0: number, q1: number, copy: boolean, w: number): void {
    const e = this.exports;
    if (copy && k0 < k1) e.copyBox(o[a], o[a + 2], o[a + 1], o[a + 3], nx, ny, o[a + 4], o[a + 5], o[a + 6], o[a + 7], k0, k1, o[a + 19], o[a + 20]);
    const n = q1 - q0;
    if (n <= 0) return;
    e.restoreRing(o[a + 9], o[a + 10], o[a + 13] + 4 * q0, o[a + 15] + 8 * q0, o[a + 16] + 8 * q0, n);
    e.reflux(o[a + 8], o[a + 9], o[a + 10], o[a + 11], o[a + 12], o[a + 13], o[a + 18], o[a + 14], q0, q1, w);
  }

  /** frozenBounds on byte offsets: found (1/0), the box into out[at …]; rows as the export's. */
  frozenBoundsAt(
    T: number, nx: number, ny: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, out: Int32Array, at: number, rows = 0,
  ): number {
    const e = this.exports;
    if (k0 >= k1 || !e.frozenBounds(T, nx, ny, i0, i1, j0, j1, k0, k1, rows)) return 0;
    for (let q = 0; q < 6; q++) out[at + q] = e.frozenBound(q);
    return 1;
  }

  /**
   * Bounding box [i_lo, i_hi, j_lo, j_hi, k_lo, k_hi] (inclusive) of the cells of T (a field of
   * this memory) colder than the solidus within the half-open box b, written to `out`; false when
   * there are none. The same answer as kernel.ts frozenBounds, four cells per comparison, and the
   * same `rows` (this memory).
   */
  frozenBounds(T: Float32Array, nx: number, ny: number, b: Int32Array, out: Int32Array, rows?: Int32Array): boolean {
    return this.frozenBoundsAt(T.byteOffset, nx, ny, b[0], b[1], b[2], b[3], b[4], b[5], out, 0, rows ? rows.byteOffset : 0) === 1;
  }
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
