import { type CutFaces, type InterfaceFaces, type KernelConstants, type RowSpans, type StepFields, type WallFaces, kernelConstants, stepBox } from './kernel.ts';
import { ISO_RESULT_INTS, MAX_PLANES, SLAB_LIST_SLOTS, SUMS_REGIONS, type SurfaceCopy, WasmKernel, wasmSharedKernelModule } from './kernelWasm.ts';
import type { TissueModel } from './tissueModel.ts';
import type { Grid } from '../geometry/grid.ts';
import type { Isosurface } from '../geometry/marchingCubes.ts';

/**
 * Z-slab threads for the stencil step. Fields live on shared memory (a shared WebAssembly.Memory
 * for the SIMD kernel, else a SharedArrayBuffer with the same layout for the TypeScript kernel);
 * each step the coordinating thread (the solver's) publishes the active box and the buffer
 * offsets, wakes the workers through an Atomics counter, optionally steps its own slab, and waits
 * until every worker has counted itself done (a barrier per step). Each slab writes its per-plane
 * source sums; the coordinator adds them in k order, which is exactly how the single-thread
 * kernels sum (kernel.ts), so fields and energy are bit-identical to one thread.
 *
 * With the wasm kernel a multi-rate macro step also hands the threads the work around the kernel,
 * each thread on its own planes' cells: the fast box's substeps with their list work, several in
 * one command with a barrier counter between them (fastSubsteps, SlabLists), and plane commands
 * without a kernel step — the frozen-cell scan (frozenBounds), the slow boxes at once (slowStep)
 * and the step's end (finishMacro). The same protocol runs them: claim, run, count done; a part no
 * worker takes within STEAL_AFTER_MS is run by the coordinator. Between steps the workers also
 * build isosurfaces while the coordinator does other work (startIsosurfaces).
 *
 * Environment-free: the worker side is `serveSlabs` (workers/slab.worker.ts and
 * workers/slab.node.ts wire it to a message port); spawning is the caller's (a browser Worker or
 * node:worker_threads).
 */

/** A started slab worker (its `serveSlabs` is listening). */
export interface SlabWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/**
 * Int32 slots of the control buffer. BARRIER: parts done, counted up across fast substeps (never
 * reset, compared modulo 2³²). SOURCE_SUM: 1 when a kernel command's slabs store their plane
 * source sums (an energy tally wants them), 0 for the kernel without them. SPANS, SPANS_K0: a
 * kernel command's row spans (byte offset, 0 for the whole box rows) and their first plane. LISTS: the
 * SLAB_LIST_SLOTS offsets of the fast substeps' lists (kernelWasm.ts). ARGS: the arguments of a
 * plane command (CMD_SCAN, CMD_FINISH, CMD_SLOW) or of CMD_FAST (first substep, count, M, parts,
 * the barrier count before it). From SLABS, SLAB_STRIDE per worker: its slab's k0, k1, a claim
 * (the step's epoch while unclaimed, −epoch once the worker took it, 0 once the coordinator did),
 * the epoch of the last step the worker finished, then from RANGES the slab's (start, count) in
 * each list of a step, or a plane command's item range and results.
 */
const EPOCH = 0, CMD = 2, H_OFF = 3, TIN = 4, PHIIN = 5, TOUT = 6, PHIOUT = 7, TMIN = 8;
const I0 = 9, I1 = 10, J0 = 11, J1 = 12, BARRIER = 13, SOURCE_SUM = 14, SPANS = 15, SPANS_K0 = 16, LISTS = 17;
const ARGS = LISTS + SLAB_LIST_SLOTS, SLABS = ARGS + 64;
/** CMD_SLOW: each region's row spans (byte offset, 0 for a whole box), then their first plane. */
const SLOW_SPANS = ARGS + 6 + 6 * SUMS_REGIONS;
const K0 = 0, K1 = 1, CLAIM = 2, FINISHED = 3, RANGES = 4, SLAB_STRIDE = 20;
/**
 * Float64 slots (byte offset 3072): dt, h, 1/h², h of the list work, the reflux weight, the slow
 * step; from ISO_GRID an isosurface command's cell size and origin [mm], then its jobs' levels [°C].
 */
const F64_AT = 3072;
const ISO_GRID = 6, ISO_LEVELS = 10;
/**
 * CMD_ISO: ARGS holds nz, then per job its field, scratch and scratch bytes (byte offsets into the
 * team's memory) and its result (kernelWasm.ts isosurfaceAt).
 */
const ISO_JOB_INTS = 3 + ISO_RESULT_INTS;
/** Where CMD_ISO job q starts in the control buffer (its result at + 3). */
const isoJobAt = (q: number): number => ARGS + 1 + ISO_JOB_INTS * q;
/** Most isosurfaces one CMD_ISO builds. */
export const MAX_ISO_JOBS = 7;
const F64_SLOTS = ISO_LEVELS + MAX_ISO_JOBS;
const CTRL_BYTES = 4096;
/**
 * Commands: a kernel step, leave, the fast box's substeps (SlabTeam.fastSubsteps), the plane
 * commands of a multi-rate macro step: the frozen cells' bounding box (SlabTeam.frozenBounds), the
 * step's end (SlabTeam.finishMacro) and its slow boxes in one step (SlabTeam.slowStep); and
 * isosurfaces (SlabTeam.startIsosurfaces: items, no planes).
 */
const CMD_STEP = 1, CMD_DETACH = 2, CMD_SCAN = 3, CMD_FINISH = 4, CMD_SLOW = 5, CMD_FAST = 6, CMD_ISO = 7;
/** Most worker threads one control buffer describes. */
const MAX_WORKERS = Math.floor((F64_AT / 4 - SLABS) / SLAB_STRIDE);
/**
 * Lists a slab's share is taken from (cut cells, walls, inside cells, vessel cells, ring cells, the
 * slow step's walls, slow vessel cells, then the ring cells' faces).
 */
const LIST_COUNT = 8;

/**
 * The list work of a multi-rate fast region's substeps (solver.ts multiRateStep): before the
 * first, the interface faces' start and the ring held at t (kernelWasm.ts slabStartAt); before each
 * later one the interface sums; after each kernel part walls, cut faces, resets, the next
 * substep's oldH. The thread that steps a slab runs these loops for the list entries whose cells
 * lie in the slab's planes (every list ordered by z-plane; a face goes with its ring cell): work on
 * cells each thread has just written, and no serial pass between the substeps' barriers. Every
 * entry touches only its own cell, so the fields are those of one thread; each cut cell's heat is
 * stored (cutHeat) for the coordinator to sum in list order. All arrays on the team's shared memory.
 */
export interface SlabLists {
  fixedKind: Uint8Array;
  cut: CutFaces;
  /** Each cut cell's H and Tmin before the kernel step, as pairs. */
  oldH: Float64Array;
  cutHeat: Float64Array;
  walls: WallFaces;
  /** Indices of the wall faces to apply, ordered by their cell. */
  wallOnly: Int32Array;
  insideCells: Int32Array;
  insideValue: Float64Array;
  vesselCells: Int32Array;
  vesselBlood: Float64Array;
  faces: InterfaceFaces;
  nRing: number;
  invH2: number;
  hM: number;
  /**
   * The slow step's walls (indices of wall faces whose cell is slow, ordered by cell) and its slow
   * vessel cells with their blood temperatures, applied once with the macro step [s] at the start.
   */
  slowWalls: Int32Array;
  slowVesselCells: Int32Array;
  slowVesselBlood: Float64Array;
  slowStepS: number;
}

/** Loads before a waiting thread sleeps in Atomics.wait (a wake-up costs tens of µs). */
const spinLoads = 20000;
/** How long a worker may leave its slab untaken before the coordinator steps it itself [ms]. */
const STEAL_AFTER_MS = 20;
/** A barrier that has waited this long gives up (a worker failed to start or died). */
const GIVE_UP_MS = 60_000;

interface AttachMessage {
  kind: 'attach';
  ctrl: SharedArrayBuffer;
  index: number;
  nx: number;
  ny: number;
  nz: number;
  model: TissueModel;
  /** Shared wasm memory (SIMD kernel) or null (TypeScript kernel on `sab`). */
  memory: WebAssembly.Memory | null;
  sab: SharedArrayBuffer | null;
}

/** Waits until ctrl[slot] !== seen; spins first, then sleeps. Returns the new value. */
function waitChange(ctrl: Int32Array, slot: number, seen: number): number {
  for (let s = 0; s < spinLoads; s++) {
    const v = Atomics.load(ctrl, slot);
    if (v !== seen) return v;
  }
  const started = Date.now();
  for (;;) {
    Atomics.wait(ctrl, slot, seen, 1000);
    const v = Atomics.load(ctrl, slot);
    if (v !== seen) return v;
    if (Date.now() - started > GIVE_UP_MS) throw new Error('slab thread did not answer within 60 s');
  }
}

/** Waits until ctrl[slot] has reached `target` (a counter, compared modulo 2³²); spins first, then sleeps. */
function waitReach(ctrl: Int32Array, slot: number, target: number): void {
  let v = Atomics.load(ctrl, slot);
  for (let s = 0; ((v - target) | 0) < 0 && s < spinLoads; s++) v = Atomics.load(ctrl, slot);
  const started = Date.now();
  while (((v - target) | 0) < 0) {
    Atomics.wait(ctrl, slot, v, 1000);
    v = Atomics.load(ctrl, slot);
    if (Date.now() - started > GIVE_UP_MS) throw new Error('slab thread did not answer within 60 s');
  }
}

/** Counts `parts` parts done at the barrier; wakes the sleepers once the count reaches `target`. */
function arrive(ctrl: Int32Array, parts: number, target: number): void {
  if (((Atomics.add(ctrl, BARRIER, parts) + parts - target) | 0) >= 0) Atomics.notify(ctrl, BARRIER);
}

/**
 * Fast substep m of a CMD_FAST command on planes [k0, k1) with list ranges r[b …]: the slab's
 * start first when m is the macro step's first, else its interface sums, then its kernel part and
 * list work. `o`: the thread's own copy of the list offsets, with this substep's In and Out
 * (swapInOut after each).
 */
function fastPart(wasm: WasmKernel, ctrl: Int32Array, params: Float64Array, o: Int32Array, nx: number, ny: number,
  k0: number, k1: number, r: Int32Array, b: number, m: number): void {
  if (m === 0) wasm.slabStartAt(o, 0, r, b, params[5], params[2], params[3]);
  else wasm.slabAccumulateAt(o, 0, r, b);
  const dt = params[0];
  if (k0 < k1) {
    wasm.stepBoxAt(o[0], o[1], o[2], o[3], o[4], o[5], nx, ny, ctrl[I0], ctrl[I1], ctrl[J0], ctrl[J1], k0, k1, dt, params[1],
      WasmKernel.SUMS_OFFSET, ctrl[SOURCE_SUM] !== 0, ctrl[SPANS], ctrl[SPANS_K0]);
  }
  // The next oldH after every substep of the macro step but its last.
  wasm.slabListsAt(o, 0, r, b, m < ctrl[ARGS + 2] - 1, dt, params[2], params[3]);
}

/** The next substep's fields in list offsets `o` (SLAB_LIST_SLOTS order): In and Out swapped. */
function swapInOut(o: Int32Array): void {
  [o[1], o[3]] = [o[3], o[1]];
  [o[2], o[4]] = [o[4], o[2]];
}

/**
 * The worker side: call once per worker with a way to post to the coordinator and to listen.
 * Posts 'ready', then serves attach messages; while attached it loops on the control buffer
 * (blocking this worker's event loop) until detached.
 */
export function serveSlabs(post: (message: unknown) => void, listen: (handler: (message: unknown) => void) => void): void {
  listen((message) => {
    const m = message as AttachMessage;
    if (m?.kind === 'attach') {
      try {
        serveAttached(m);
      } catch (e) {
        post({ kind: 'error', message: String(e instanceof Error ? e.stack : e) });
      }
    }
  });
  post('ready');
}

function serveAttached(m: AttachMessage): void {
  const ctrl = new Int32Array(m.ctrl, 0, F64_AT / 4);
  const params = new Float64Array(m.ctrl, F64_AT, F64_SLOTS);
  const { nx, ny } = m;
  let wasm: WasmKernel | null = null;
  let views: Map<number, Float32Array> | null = null;
  let tsFields: StepFields | null = null;
  let sums: Float64Array | null = null;
  if (m.memory) {
    const module = wasmSharedKernelModule();
    if (!module) throw new Error('shared WebAssembly memory unavailable in the slab worker');
    wasm = new WasmKernel(module, nx * ny * m.nz, m.memory);
    wasm.setModel(m.model);
  } else if (m.sab) {
    tsFields = WasmKernel.fieldViews(m.sab, nx, ny, m.nz);
    sums = WasmKernel.planeSumsView(m.sab);
    views = new Map();
    for (const a of [tsFields.H, tsFields.Tin, tsFields.phiIn, tsFields.Tout, tsFields.phiOut]) views.set(a.byteOffset, a);
  }
  const constants = kernelConstants(m.model);
  let seen = 0;
  const slot = SLABS + SLAB_STRIDE * m.index;
  for (;;) {
    seen = waitChange(ctrl, EPOCH, seen);
    if (Atomics.load(ctrl, CMD) === CMD_DETACH) return;
    // Take this step's slab unless the coordinator already has (this worker woke late).
    if (Atomics.compareExchange(ctrl, slot + CLAIM, seen, -seen) !== seen) continue;
    Atomics.notify(ctrl, slot + CLAIM);
    const k0 = ctrl[slot + K0], k1 = ctrl[slot + K1];
    const cmd = Atomics.load(ctrl, CMD);
    if (cmd === CMD_FAST) {
      if (wasm) {
        const o = ctrl.slice(LISTS, LISTS + SLAB_LIST_SLOTS);
        const mStart = ctrl[ARGS], count = ctrl[ARGS + 1], parts = ctrl[ARGS + 3], base = ctrl[ARGS + 4];
        for (let m = mStart; m < mStart + count; m++) {
          fastPart(wasm, ctrl, params, o, nx, ny, k0, k1, ctrl, slot + RANGES, m);
          const target = (base + (m - mStart + 1) * parts) | 0;
          arrive(ctrl, 1, target);
          waitReach(ctrl, BARRIER, target);
          swapInOut(o);
        }
      }
    } else if (cmd !== CMD_STEP) {
      if (wasm) planePart(wasm, ctrl, params, cmd, nx, ny, k0, k1, ctrl[slot + RANGES], ctrl[slot + RANGES + 1], ctrl, slot + RANGES + 2);
    } else if (k0 < k1) {
      const dt = params[0], h = params[1];
      if (wasm) {
        wasm.stepBoxAt(ctrl[H_OFF], ctrl[TIN], ctrl[PHIIN], ctrl[TOUT], ctrl[PHIOUT], ctrl[TMIN], nx, ny,
          ctrl[I0], ctrl[I1], ctrl[J0], ctrl[J1], k0, k1, dt, h, WasmKernel.SUMS_OFFSET, ctrl[SOURCE_SUM] !== 0, ctrl[SPANS], ctrl[SPANS_K0]);
      } else if (tsFields && views) {
        tsFields.Tin = views.get(ctrl[TIN])!;
        tsFields.phiIn = views.get(ctrl[PHIIN])!;
        tsFields.Tout = views.get(ctrl[TOUT])!;
        tsFields.phiOut = views.get(ctrl[PHIOUT])!;
        stepBox(tsFields, constants, dt, h, ctrl[I0], ctrl[I1], ctrl[J0], ctrl[J1], k0, k1, sums!);
      }
    }
    Atomics.store(ctrl, slot + FINISHED, seen);
    Atomics.notify(ctrl, slot + FINISHED);
  }
}

/** One solver's use of the pool: its fields and control buffer. */
/**
 * A part of a plane command on this thread: planes [k0, k1), items [q0, q1); results into
 * out[at …] (CMD_SCAN: found, then the inclusive box).
 */
function planePart(
  wasm: WasmKernel, ctrl: Int32Array, params: Float64Array, cmd: number, nx: number, ny: number,
  k0: number, k1: number, q0: number, q1: number, out: Int32Array, at: number,
): void {
  if (cmd === CMD_SCAN) out[at] = wasm.frozenBoundsAt(ctrl[ARGS], nx, ny, ctrl[ARGS + 1], ctrl[ARGS + 2], ctrl[ARGS + 3], ctrl[ARGS + 4], k0, k1, out, at + 1, ctrl[ARGS + 5]);
  else if (cmd === CMD_FINISH) wasm.finishMacroAt(ctrl, ARGS, nx, ny, k0, k1, q0, q1, ctrl[ARGS + 17] !== 0, params[4]);
  else if (cmd === CMD_SLOW) {
    // Each region's planes within [k0, k1), its plane sums on its own page.
    for (let q = 0; q < SUMS_REGIONS; q++) {
      const b = ARGS + 6 + 6 * q;
      const s0 = Math.max(k0, ctrl[b + 4]), s1 = Math.min(k1, ctrl[b + 5]);
      if (s0 >= s1 || ctrl[b] >= ctrl[b + 1] || ctrl[b + 2] >= ctrl[b + 3]) continue;
      wasm.stepBoxAt(ctrl[ARGS], ctrl[ARGS + 1], ctrl[ARGS + 2], ctrl[ARGS + 3], ctrl[ARGS + 4], ctrl[ARGS + 5], nx, ny,
        ctrl[b], ctrl[b + 1], ctrl[b + 2], ctrl[b + 3], s0, s1, params[0], params[1], WasmKernel.sumsOffset(q), ctrl[SOURCE_SUM] !== 0,
        ctrl[SLOW_SPANS + q], ctrl[SLOW_SPANS + SUMS_REGIONS]);
    }
  } else if (cmd === CMD_ISO) {
    for (let q = q0; q < q1; q++) {
      const j = isoJobAt(q);
      wasm.isosurfaceAt(ctrl[j], nx, ny, ctrl[ARGS], params[ISO_GRID], params[ISO_GRID + 1], params[ISO_GRID + 2], params[ISO_GRID + 3],
        params[ISO_LEVELS + q], ctrl[j + 1], ctrl[j + 2], ctrl, j + 3);
    }
  }
}

export class SlabTeam {
  private ctrl: Int32Array;
  private params: Float64Array;
  /** The coordinator's own part of a plane command: item range and results. */
  private readonly ownPart = new Int32Array(SLAB_STRIDE);
  /** The per-plane sums pages (slowStep's boxes). */
  private readonly sumsPages: Float64Array[];
  /** The coordinator's own slab's list ranges. */
  private readonly ownRanges = new Int32Array(2 * LIST_COUNT);
  private readonly sums: Float64Array;
  private readonly constants: KernelConstants;
  /** The last startIsosurfaces command: its epoch and job count. */
  private isoEpoch = 0;
  private isoJobs = 0;

  constructor(
    readonly pool: SlabPool,
    private readonly fields: StepFields,
    private readonly model: TissueModel,
    private readonly buffer: ArrayBufferLike,
    private readonly memory: WebAssembly.Memory | null,
    private readonly wasm: WasmKernel | null,
  ) {
    this.sums = WasmKernel.planeSumsView(buffer);
    this.sumsPages = Array.from({ length: SUMS_REGIONS }, (_, q) => WasmKernel.planeSumsView(buffer, q));
    this.constants = kernelConstants(model);
    const sab = new SharedArrayBuffer(CTRL_BYTES);
    this.ctrl = new Int32Array(sab, 0, F64_AT / 4);
    this.params = new Float64Array(sab, F64_AT, F64_SLOTS);
  }

  /** Sends the attach message to every worker with a fresh control buffer. */
  attach(workers: SlabWorker[]): void {
    const sab = new SharedArrayBuffer(CTRL_BYTES);
    this.ctrl = new Int32Array(sab, 0, F64_AT / 4);
    this.params = new Float64Array(sab, F64_AT, F64_SLOTS);
    const { nx, ny, nz } = this.fields;
    workers.forEach((w, index) => {
      const msg: AttachMessage = {
        kind: 'attach', ctrl: sab, index, nx, ny, nz, model: { ...this.model },
        memory: this.memory, sab: this.memory ? null : (this.buffer as SharedArrayBuffer),
      };
      w.postMessage(msg);
    });
  }

  /** Tells attached workers to leave their loop (they then take the next attach message). */
  detach(): void {
    Atomics.store(this.ctrl, CMD, CMD_DETACH);
    Atomics.add(this.ctrl, EPOCH, 1);
    Atomics.notify(this.ctrl, EPOCH);
  }

  /**
   * The kernel step of the box b (clamped to the interior; or its row spans, wasm kernel) split
   * into z-slabs across the pool; returns what the single-thread kernel returns, bit for bit
   * (`sourceSum` false: 0, and the kernel without the sum, the same fields).
   */
  step(b: Int32Array, dtS: number, hM: number, sourceSum = true, spans?: RowSpans): number {
    const pool = this.pool;
    pool.use(this);
    const f = this.fields;
    const ctrl = this.ctrl;
    const k0 = b[4], k1 = b[5];
    if (spans && !this.wasm) throw new Error('row spans need the wasm kernel on threads');
    this.publishFields(b, dtS, hM, sourceSum, spans);
    const epoch = this.publishSlabs(CMD_STEP, k0, k1, null);
    const slab = (s0: number, s1: number): void => {
      if (s0 >= s1) return;
      if (this.wasm) this.wasm.stepBox(f, dtS, hM, b[0], b[1], b[2], b[3], s0, s1, true, sourceSum, spans?.spans, spans?.k0);
      else stepBox(f, this.constants, dtS, hM, b[0], b[1], b[2], b[3], s0, s1, this.sums);
    };
    if (pool.coordinatorWorks) slab(k0, this.slabBoundary(k0, k1, 1));
    // Each worker takes its slab (a worker woken from Atomics.wait starts tens of µs late, and
    // waiting for it beats stepping its slab here too: measured). One that has not taken it
    // within STEAL_AFTER_MS (gone, or stalled) has it stepped here instead: a silent worker costs
    // speed, never the run. A taken slab is waited for until it is finished.
    this.awaitWorkers(epoch, (at) => slab(ctrl[at + K0], ctrl[at + K1]));
    return sourceSum ? this.sourceTotal(k0, k1, dtS) : 0;
  }

  /**
   * Fast substeps mStart … mStart + count − 1 of a multi-rate macro step of M (solver.ts
   * multiRateStep, wasm kernel, lists on the team's memory): the fast region (box F's row `spans`)
   * split into z-slabs of about equal cells, each thread running its slab's kernel part and list work (SlabLists) substep after
   * substep, with a barrier counter between substeps instead of a command each; substep 0 first
   * runs each slab's share of the interface start (kernelWasm.ts slabStartAt). The fields in use
   * now are substep mStart's; In and Out alternate from there (the caller swaps its views `count`
   * times). Fields and interface sums are those of one thread, bit for bit. Returns, for one
   * substep (count 1), the source sum `step` returns, else 0 (the energy tally steps one at a time).
   */
  fastSubsteps(F: Int32Array, dtS: number, hM: number, lists: SlabLists, M: number, mStart: number, count: number, spans: RowSpans): number {
    const pool = this.pool;
    pool.use(this);
    const ctrl = this.ctrl, wasm = this.wasm!;
    const k0 = F[4], k1 = F[5];
    const parts = pool.threads;
    // The source sum only for one substep at a time (what the energy tally asks for).
    this.publishFields(F, dtS, hM, count === 1, spans);
    this.publishLists(lists);
    const base = Atomics.load(ctrl, BARRIER);
    ctrl[ARGS] = mStart; ctrl[ARGS + 1] = count; ctrl[ARGS + 2] = M; ctrl[ARGS + 3] = parts; ctrl[ARGS + 4] = base;
    // Slabs with about equal numbers of fast cells.
    const bounds = this.weightedBounds(k0, k1, (k) => spans.planeCells[k - k0]);
    const epoch = this.publishSlabs(CMD_FAST, k0, k1, lists, bounds);
    const own = ctrl.slice(LISTS, LISTS + SLAB_LIST_SLOTS);
    const { nx, ny } = this.fields;
    const ownK1 = bounds[1];
    const stolen: number[] = [];
    for (let m = mStart; m < mStart + count; m++) {
      if (pool.coordinatorWorks) fastPart(wasm, ctrl, this.params, own, nx, ny, k0, ownK1, this.ownRanges, 0, m);
      // Before the first barrier: every worker has taken its slab, or its slab is run here from now on.
      if (m === mStart) {
        const deadline = performance.now() + STEAL_AFTER_MS;
        for (let w = 0; w < pool.workers.length; w++) if (this.claimOrSteal(epoch, w, deadline)) stolen.push(SLABS + SLAB_STRIDE * w);
      }
      for (const at of stolen) fastPart(wasm, ctrl, this.params, own, nx, ny, ctrl[at + K0], ctrl[at + K1], ctrl, at + RANGES, m);
      const target = (base + (m - mStart + 1) * parts) | 0;
      arrive(ctrl, (pool.coordinatorWorks ? 1 : 0) + stolen.length, target);
      waitReach(ctrl, BARRIER, target);
      swapInOut(own);
    }
    return count === 1 ? this.sourceTotal(k0, k1, dtS) : 0;
  }

  /** The single-thread kernel's source sum over planes [k0, k1): plane sums from k0 up, then × dt. */
  private sourceTotal(k0: number, k1: number, dtS: number): number {
    let total = 0;
    for (let k = k0; k < k1; k++) total += this.sums[k];
    return total * Math.fround(dtS);
  }

  /** First plane of slab p when planes [k0, k1) are split into the pool's threads (part 0 first). */
  private slabBoundary(k0: number, k1: number, p: number): number {
    return k0 + Math.floor(((k1 - k0) * p) / this.pool.threads);
  }

  /**
   * A kernel command's fields, box rows (b[0…3]) and row spans, dt and h, and whether to sum the
   * source, into the control buffer.
   */
  private publishFields(b: Int32Array, dtS: number, hM: number, sourceSum: boolean, spans?: RowSpans): void {
    const f = this.fields, ctrl = this.ctrl;
    ctrl[SOURCE_SUM] = sourceSum ? 1 : 0;
    ctrl[SPANS] = spans ? spans.spans.byteOffset : 0;
    ctrl[SPANS_K0] = spans ? spans.k0 : 0;
    ctrl[H_OFF] = f.H.byteOffset; ctrl[TIN] = f.Tin.byteOffset; ctrl[PHIIN] = f.phiIn.byteOffset;
    ctrl[TOUT] = f.Tout.byteOffset; ctrl[PHIOUT] = f.phiOut.byteOffset; ctrl[TMIN] = f.Tmin.byteOffset;
    ctrl[I0] = b[0]; ctrl[I1] = b[1]; ctrl[J0] = b[2]; ctrl[J1] = b[3];
    this.params[0] = dtS;
    this.params[1] = hM;
  }

  /**
   * Splits planes [k0, k1) into the kernel command's slabs (part 0 the coordinator's when it
   * works; at `bounds`, parts + 1 planes, when given; with `lists`, each slab's list ranges, own
   * ones into ownRanges), offers each worker its slab and wakes them; returns the command's epoch.
   */
  private publishSlabs(cmd: number, k0: number, k1: number, lists: SlabLists | null, bounds: number[] | null = null): number {
    const pool = this.pool, ctrl = this.ctrl;
    const parts = pool.threads;
    const nxy = this.fields.nx * this.fields.ny;
    const first = pool.coordinatorWorks ? 1 : 0;
    const boundary = (p: number): number => (bounds ? bounds[p] : this.slabBoundary(k0, k1, p));
    if (lists && first === 1) slabRanges(lists, nxy, -1, parts === 1 ? -1 : boundary(1), this.ownRanges, 0);
    return this.offer(cmd, (w, at) => {
      const p = w + first;
      ctrl[at + K0] = boundary(p);
      ctrl[at + K1] = boundary(p + 1);
      if (lists) slabRanges(lists, nxy, p === 0 ? -1 : ctrl[at + K0], p === parts - 1 ? -1 : ctrl[at + K1], ctrl, at + RANGES);
    });
  }

  /**
   * Offers each worker w its part of command `cmd` (`part(w, at)` writes it into the worker's
   * slots from `at`), then publishes the command and wakes the workers; returns its epoch.
   */
  private offer(cmd: number, part: (w: number, at: number) => void): number {
    const ctrl = this.ctrl;
    const epoch = Atomics.load(ctrl, EPOCH) + 1;
    for (let w = 0; w < this.pool.workers.length; w++) {
      const at = SLABS + SLAB_STRIDE * w;
      part(w, at);
      Atomics.store(ctrl, at + CLAIM, epoch);
    }
    Atomics.store(ctrl, CMD, cmd);
    Atomics.store(ctrl, EPOCH, epoch);
    Atomics.notify(ctrl, EPOCH);
    return epoch;
  }

  /**
   * The bounding box (inclusive, into `out`) of the cells of T colder than the solidus within box
   * b, the box's planes split across the pool (wasm kernel): the same box as one scan; false when
   * there are none. Each scanned row's first and last such cell into `rows` (kernel.ts frozenBounds).
   */
  frozenBounds(T: Float32Array, b: Int32Array, out: Int32Array, rows: Int32Array): boolean {
    const ctrl = this.ctrl;
    ctrl[ARGS] = T.byteOffset;
    for (let a = 0; a < 4; a++) ctrl[ARGS + 1 + a] = b[a];
    ctrl[ARGS + 5] = rows.byteOffset;
    this.planes(CMD_SCAN, b[4], b[5], 0);
    let found = false;
    const merge = (r: Int32Array, at: number): void => {
      if (r[at] === 0) return;
      for (let a = 0; a < 6; a += 2) {
        out[a] = found ? Math.min(out[a], r[at + 1 + a]) : r[at + 1 + a];
        out[a + 1] = found ? Math.max(out[a + 1], r[at + 2 + a]) : r[at + 2 + a];
      }
      found = true;
    };
    if (this.pool.coordinatorWorks) merge(this.ownPart, 2);
    for (let w = 0; w < this.pool.workers.length; w++) merge(ctrl, SLABS + SLAB_STRIDE * w + RANGES + 2);
    return found;
  }

  /**
   * The end of a multi-rate macro step on the pool (solver.ts multiRateStep, wasm kernel): with
   * `copy`, the fast region (box F's row `spans`) copied In → Out (split by planes); the ring cells
   * (split evenly) get their slow-step values back and the reflux, in the buffers that will be In
   * (Out when copying: the caller then swaps). The same fields as the single-thread loops: every
   * part touches its own cells.
   */
  finishMacro(fixedKind: Uint8Array, faces: InterfaceFaces, nRing: number, F: Int32Array, spans: RowSpans, copy: boolean, w: number): void {
    const f = this.fields, ctrl = this.ctrl;
    const T = copy ? f.Tout : f.Tin, phi = copy ? f.phiOut : f.phiIn;
    const o = [
      f.Tin.byteOffset, f.phiIn.byteOffset, f.Tout.byteOffset, f.phiOut.byteOffset, F[0], F[1], F[2], F[3],
      f.H.byteOffset, T.byteOffset, phi.byteOffset, f.Tmin.byteOffset, fixedKind.byteOffset, faces.slow.byteOffset,
      faces.acc.byteOffset, faces.ringT.byteOffset, faces.ringPhi.byteOffset, copy ? 1 : 0, faces.faceStart.byteOffset,
      spans.spans.byteOffset, spans.k0,
    ];
    for (let i = 0; i < o.length; i++) ctrl[ARGS + i] = o[i];
    this.params[4] = w;
    this.planes(CMD_FINISH, F[4], F[5], nRing, this.weightedBounds(F[4], F[5], (k) => spans.planeCells[k - F[4]]));
  }

  /**
   * The slow regions of a multi-rate macro step (`boxes`: SUMS_REGIONS boxes [i0, i1, j0, j1, k0,
   * k1] inside the interior, some empty; region q whole, or with spans[q] its row spans) stepped by
   * dt at once on the pool (wasm kernel): planes split by their slow cells, one barrier instead of
   * one per region. Returns what stepping the regions one by one returns (each region's plane sums
   * in k order × dt, added region by region), bit for bit; 0 with `sourceSum` false (the kernel
   * without the sum, the same fields).
   */
  slowStep(boxes: Int32Array, spans: readonly (RowSpans | null)[], dtS: number, hM: number, sourceSum = true): number {
    const f = this.fields, ctrl = this.ctrl;
    ctrl[SOURCE_SUM] = sourceSum ? 1 : 0;
    const o = [f.H, f.Tin, f.phiIn, f.Tout, f.phiOut, f.Tmin];
    for (let i = 0; i < 6; i++) ctrl[ARGS + i] = o[i].byteOffset;
    for (let i = 0; i < 6 * SUMS_REGIONS; i++) ctrl[ARGS + 6 + i] = boxes[i];
    this.params[0] = dtS;
    this.params[1] = hM;
    let k0 = Infinity, k1 = -Infinity;
    const nonEmpty = (q: number): boolean => boxes[6 * q] < boxes[6 * q + 1] && boxes[6 * q + 2] < boxes[6 * q + 3] && boxes[6 * q + 4] < boxes[6 * q + 5];
    for (let q = 0; q < SUMS_REGIONS; q++) {
      const r = spans[q];
      ctrl[SLOW_SPANS + q] = r ? r.spans.byteOffset : 0;
      if (r) ctrl[SLOW_SPANS + SUMS_REGIONS] = r.k0;
      if (!nonEmpty(q)) continue;
      k0 = Math.min(k0, boxes[6 * q + 4]);
      k1 = Math.max(k1, boxes[6 * q + 5]);
    }
    if (!(k0 < k1)) return 0;
    // Plane boundaries with about equal numbers of slow cells on each side.
    const weight = new Float64Array(k1 - k0);
    for (let q = 0; q < SUMS_REGIONS; q++) {
      if (!nonEmpty(q)) continue;
      const r = spans[q];
      const area = (boxes[6 * q + 1] - boxes[6 * q]) * (boxes[6 * q + 3] - boxes[6 * q + 2]);
      for (let k = boxes[6 * q + 4]; k < boxes[6 * q + 5]; k++) weight[k - k0] += r ? r.planeCells[k - r.k0] : area;
    }
    const bounds = this.weightedBounds(k0, k1, (k) => weight[k - k0]);
    this.planes(CMD_SLOW, k0, k1, 0, bounds);
    if (!sourceSum) return 0;
    let source = 0;
    for (let q = 0; q < SUMS_REGIONS; q++) {
      if (!nonEmpty(q)) continue;
      const sums = this.sumsPages[q];
      let boxTotal = 0;
      for (let k = boxes[6 * q + 4]; k < boxes[6 * q + 5]; k++) boxTotal += sums[k];
      source += boxTotal * Math.fround(dtS);
    }
    return source;
  }

  /**
   * Starts isosurfaces on the workers alone (split among them) and returns at once, so that the
   * coordinator can do other work meanwhile: job q is the surface on `grid` of the field at byte
   * offset jobs[q].field of this team's memory at jobs[q].levelC, built in its scratch bytes
   * [scratch, scratch + bytes), which nothing else may touch. Until finishIsosurfaces neither the
   * fields nor the pool may be used for anything else.
   */
  startIsosurfaces(grid: Grid, jobs: readonly { field: number; levelC: number; scratch: number; bytes: number }[]): void {
    if (jobs.length > MAX_ISO_JOBS) throw new Error(`at most ${MAX_ISO_JOBS} isosurfaces a command`);
    this.pool.use(this);
    const ctrl = this.ctrl, params = this.params;
    ctrl[ARGS] = grid.dims[2];
    params[ISO_GRID] = grid.spacingMm;
    for (let a = 0; a < 3; a++) params[ISO_GRID + 1 + a] = grid.originMm[a];
    jobs.forEach((job, q) => {
      const j = isoJobAt(q);
      ctrl[j] = job.field;
      ctrl[j + 1] = job.scratch;
      ctrl[j + 2] = job.bytes;
      params[ISO_LEVELS + q] = job.levelC;
    });
    const workers = this.pool.workers.length;
    this.isoJobs = jobs.length;
    this.isoEpoch = this.offer(CMD_ISO, (w, at) => {
      ctrl[at + RANGES] = Math.floor((jobs.length * w) / workers);
      ctrl[at + RANGES + 1] = Math.floor((jobs.length * (w + 1)) / workers);
    });
  }

  /**
   * The surfaces of startIsosurfaces' jobs in job order, once the workers have built them (a
   * worker's jobs it has not taken within STEAL_AFTER_MS are built here): each copied out of the
   * scratch bytes (by `copy`, default new buffers), or null where they were too few.
   */
  finishIsosurfaces(copy?: SurfaceCopy): (Isosurface | null)[] {
    const ctrl = this.ctrl, wasm = this.wasm!;
    const { nx, ny } = this.fields;
    this.awaitWorkers(this.isoEpoch, (at) => planePart(wasm, ctrl, this.params, CMD_ISO, nx, ny, 0, 0, ctrl[at + RANGES], ctrl[at + RANGES + 1], ctrl, 0));
    return Array.from({ length: this.isoJobs }, (_, q) => wasm.isosurfaceFrom(ctrl, isoJobAt(q) + 3, copy));
  }

  /** Slab boundaries (parts + 1 planes from k0 to k1) with about equal sums of weight(k) on each slab. */
  private weightedBounds(k0: number, k1: number, weight: (k: number) => number): number[] {
    const parts = this.pool.threads;
    let total = 0;
    for (let k = k0; k < k1; k++) total += weight(k);
    const bounds = [k0];
    let acc = 0;
    for (let k = k0; k < k1 && bounds.length < parts; k++) {
      acc += weight(k);
      while (bounds.length < parts && acc >= (total * bounds.length) / parts) bounds.push(k + 1);
    }
    while (bounds.length < parts) bounds.push(k1);
    bounds.push(k1);
    return bounds;
  }

  /**
   * Runs plane command `cmd` (arguments already in ARGS) over planes [k0, k1) and items
   * [0, items), split like a kernel step's slabs (or at `bounds`: parts + 1 planes): the
   * coordinator takes its part when it works and any part a worker has not taken within
   * STEAL_AFTER_MS, and waits for the rest.
   */
  private planes(cmd: number, k0: number, k1: number, items: number, bounds: number[] | null = null): void {
    const pool = this.pool;
    pool.use(this);
    const ctrl = this.ctrl;
    const parts = pool.threads;
    const first = pool.coordinatorWorks ? 1 : 0;
    const boundary = (p: number): number => (bounds ? bounds[p] : this.slabBoundary(k0, k1, p));
    const epoch = this.offer(cmd, (w, at) => {
      const p = w + first;
      ctrl[at + K0] = boundary(p);
      ctrl[at + K1] = boundary(p + 1);
      ctrl[at + RANGES] = Math.floor((items * p) / parts);
      ctrl[at + RANGES + 1] = Math.floor((items * (p + 1)) / parts);
      ctrl[at + RANGES + 2] = 0;
    });
    const { nx, ny } = this.fields;
    if (first === 1) {
      this.ownPart[2] = 0;
      planePart(this.wasm!, ctrl, this.params, cmd, nx, ny, boundary(0), boundary(1), 0, Math.floor(items / parts), this.ownPart, 2);
    }
    this.awaitWorkers(epoch, (at) => planePart(this.wasm!, ctrl, this.params, cmd, nx, ny, ctrl[at + K0], ctrl[at + K1], ctrl[at + RANGES], ctrl[at + RANGES + 1], ctrl, at + RANGES + 2));
  }

  /**
   * Waits until every worker has taken and finished its part of the step `epoch`; a part not
   * taken within STEAL_AFTER_MS is run here (`runPart` with the worker's slot).
   */
  private awaitWorkers(epoch: number, runPart: (at: number) => void): void {
    const ctrl = this.ctrl;
    const deadline = performance.now() + STEAL_AFTER_MS;
    for (let w = 0; w < this.pool.workers.length; w++) {
      const at = SLABS + SLAB_STRIDE * w;
      if (this.claimOrSteal(epoch, w, deadline)) runPart(at);
      else {
        let finished = Atomics.load(ctrl, at + FINISHED);
        while (finished !== epoch) finished = waitChange(ctrl, at + FINISHED, finished);
      }
    }
  }

  /**
   * Waits until `deadline` [performance.now() ms] for worker w to take its part of command
   * `epoch`; true when it has not and the part is now the coordinator's.
   */
  private claimOrSteal(epoch: number, w: number, deadline: number): boolean {
    const ctrl = this.ctrl;
    const at = SLABS + SLAB_STRIDE * w;
    let claim = Atomics.load(ctrl, at + CLAIM);
    for (let i = 0; claim === epoch && i < spinLoads; i++) claim = Atomics.load(ctrl, at + CLAIM);
    while (claim === epoch) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(ctrl, at + CLAIM, epoch, left);
      claim = Atomics.load(ctrl, at + CLAIM);
    }
    return claim === epoch && Atomics.compareExchange(ctrl, at + CLAIM, epoch, 0) === epoch;
  }

  /** The lists' offsets into the control buffer (kernelWasm.ts SLAB_LIST_SLOTS order), 1/h² and h. */
  private publishLists(l: SlabLists): void {
    const f = this.fields, c = l.cut, w = l.walls, fc = l.faces;
    const o = [
      f.H, f.Tin, f.phiIn, f.Tout, f.phiOut, f.Tmin, l.fixedKind, c.cells, c.faceStart, c.neighbour, c.inverseDistance2,
      c.blockedShare, c.surfacePhi, l.oldH, l.cutHeat, w.cell, w.vessel, w.U, w.bloodC, l.wallOnly, l.insideCells,
      l.insideValue, l.vesselCells, l.vesselBlood, fc.fast, fc.phi0, fc.acc, fc.slow, fc.ringT, fc.ringPhi,
      l.slowWalls, l.slowVesselCells, l.slowVesselBlood,
    ];
    for (let i = 0; i < SLAB_LIST_SLOTS; i++) this.ctrl[LISTS + i] = o[i].byteOffset;
    this.params[2] = l.invH2;
    this.params[3] = l.hM;
    this.params[5] = l.slowStepS;
  }
}

/**
 * First index in [0, n) whose cell (cells[i], or cells[via[i]]) lies in plane k or above; the
 * cells do not decrease in plane along the list.
 */
function firstAtPlane(cells: Int32Array, via: Int32Array | null, n: number, nxy: number, k: number): number {
  const first = k * nxy;
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((via ? cells[via[mid]] : cells[mid]) < first) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A slab's (start, count) in each list into out[at …]: the entries whose cell lies in planes
 * [k0, k1); k0 = −1: from the first entry, k1 = −1: to the last (the bottom and top slabs take
 * any entry outside the box's planes).
 */
function slabRanges(l: SlabLists, nxy: number, k0: number, k1: number, out: Int32Array, at: number): void {
  const range = (q: number, cells: Int32Array, via: Int32Array | null, n: number): void => {
    const start = k0 < 0 ? 0 : firstAtPlane(cells, via, n, nxy, k0);
    out[at + 2 * q] = start;
    out[at + 2 * q + 1] = (k1 < 0 ? n : firstAtPlane(cells, via, n, nxy, k1)) - start;
  };
  range(0, l.cut.cells, null, l.cut.cells.length);
  range(1, l.walls.cell, l.wallOnly, l.wallOnly.length);
  range(2, l.insideCells, null, l.insideCells.length);
  range(3, l.vesselCells, null, l.vesselCells.length);
  range(4, l.faces.slow, null, l.nRing);
  range(5, l.walls.cell, l.slowWalls, l.slowWalls.length);
  range(6, l.slowVesselCells, null, l.slowVesselCells.length);
  // The faces of the slab's ring cells.
  const start = l.faces.faceStart, r0 = out[at + 8], r1 = r0 + out[at + 9];
  out[at + 14] = start[r0];
  out[at + 15] = start[r1] - start[r0];
}

/**
 * A fixed set of slab workers, used by one solver at a time (the newest to step). `threads` is
 * the number of slabs a step is split into: the workers, plus the coordinator when it works.
 */
export class SlabPool {
  readonly workers: SlabWorker[];
  readonly coordinatorWorks: boolean;
  private current: SlabTeam | null = null;
  /** Boxes smaller than this many cells are stepped by the coordinator alone. */
  minParallelCells = 4096;

  constructor(workers: SlabWorker[], coordinatorWorks: boolean) {
    if (workers.length > MAX_WORKERS) throw new Error(`at most ${MAX_WORKERS} slab workers`);
    this.workers = workers;
    this.coordinatorWorks = coordinatorWorks;
  }

  /** Starts `workers` workers through `spawn` (each resolves once its serveSlabs is listening). */
  static async create(workers: number, coordinatorWorks: boolean, spawn: () => Promise<SlabWorker>): Promise<SlabPool> {
    return new SlabPool(await Promise.all(Array.from({ length: workers }, spawn)), coordinatorWorks);
  }

  get threads(): number {
    return this.workers.length + (this.coordinatorWorks ? 1 : 0);
  }

  /** Whether a grid of these dimensions can be split here. */
  fits(nz: number): boolean {
    return this.workers.length > 0 && nz <= MAX_PLANES;
  }

  /**
   * Fields on shared memory for a solver that will step through this pool: a shared wasm memory
   * (given the shared SIMD module) or a SharedArrayBuffer for the TypeScript kernel.
   */
  team(fields: StepFields, model: TissueModel, wasm: WasmKernel | null, sab: SharedArrayBuffer | null): SlabTeam {
    return new SlabTeam(this, fields, model, wasm ? wasm.memory.buffer : sab!, wasm ? wasm.memory : null, wasm);
  }

  /** Makes `team` the attached one (detaching the previous). */
  use(team: SlabTeam): void {
    if (this.current === team) return;
    this.current?.detach();
    this.current = team;
    team.attach(this.workers);
  }

  /** Detaches and stops the workers. */
  close(): void {
    this.current?.detach();
    this.current = null;
    for (const w of this.workers) w.terminate();
  }
}
