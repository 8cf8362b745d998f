import type { Grid } from '../geometry/grid.ts';
import type { Vec3 } from '../geometry/vec.ts';
import type { Isosurface } from '../geometry/marchingCubes.ts';
import type { TriangleMesh } from '../geometry/mesh.ts';
import { type Body, bodyBounds, bodyContains, segmentEntry, surfaceDistanceBound } from './bodies.ts';
import {
  type CutFaces, type InterfaceFaces, type KernelConstants, type RowSpans, type StepFields, type VesselFaces, type WallFaces, accumulateFaces,
  allocateInterfaceFaces, copyBox, frozenBounds, holdRing, kernelConstants, kernelState, restoreRing, startFaces, stepBox,
} from './kernel.ts';
import { type SurfaceCopy, type WasmArena, WasmKernel, wasmKernelModule, wasmSharedKernelModule } from './kernelWasm.ts';
import { FastRegion } from './fastRegion.ts';
import type { ColdCellScan, NearestTriangleSearch } from './metrics.ts';
import type { SlabLists, SlabPool, SlabTeam } from './slabPool.ts';
import {
  type TissueModel, capacityOf, conductivityOf, enthalpyOf, kirchhoffOf, sourceOf, stableStepS, temperatureOf,
} from './tissueModel.ts';

/** A prescribed-temperature body (probe active zone) and its current state. */
export interface ColdSource {
  body: Body;
  /**
   * Surface temperature [°C] while active; null = passive (the probe extracts nothing: its cells
   * become tissue at their current temperature, so its thermal mass stays, idealised as tissue).
   */
  surfaceC: number | null;
}

/** Cells held at blood temperature (a vessel), optionally behind a convective wall. */
export interface VesselCells {
  /** Flat indices of the cells inside the vessel. */
  cells: Int32Array;
  bloodC: number;
  /** Wall coefficient [W/(m²·K)]; null = wall at blood temperature. */
  wallH: number | null;
}

/** Running heat totals [J] since the solver started (positive = into the tissue). */
export interface EnergyTally {
  probes: number;
  perfusionAndMetabolism: number;
  /** Through the outer box (held at the resting temperature) and vessel walls. */
  fixedCells: number;
  /**
   * Enthalpy of probe cells released to the tissue at their temperature (setSources: a passive
   * thaw releases a probe's cells) minus that of tissue cells a probe took in. Not a heat flow:
   * the free cells' enthalpy changes by it because the set of free cells changes.
   */
  bodyCells: number;
}

const NEIGHBOUR_AXES = [0, 0, 1, 1, 2, 2];
const NEIGHBOUR_SIGNS = [-1, 1, -1, 1, -1, 1];
/**
 * Rays per face edge for the cut-face coupling (SUBRAYS² per face). 3 gave the smallest spread of
 * isotherm radii over probe placements (1.47–3.4 mm probes at 1 mm; see test/physics/placement).
 */
const SUBRAYS = 3;
/**
 * How far a cut-face ray reaches from its cell's centre, in cells (1 % of room for rounding): its
 * start lies up to (1 − 1/SUBRAYS)/2 from the face centre along both face axes, then it runs one
 * cell along the third.
 */
const RAY_REACH = 1.01 * Math.sqrt(1 + 2 * (0.5 - 0.5 / SUBRAYS) ** 2);
/** Smallest crossing fraction: a surface nearer than this to a ray's start couples as if here. */
const MIN_CUT_FRACTION = 0.05;
/**
 * A cell counts as disturbed when its temperature differs from rest by more than this [°C]. Cells
 * outside the active box are never stepped; by the maximum principle this changes no temperature
 * by more than this amount (and in practice by far less: see test/physics/kernel.test.ts).
 */
export const ACTIVE_EPSILON_C = 1e-6;
/** Warm cells around the frozen cells and probes that stay in the fast box (multi-rate). */
export const MULTIRATE_BUFFER = 3;
/** Multi-rate only when the slow region is at least this share of the active box. */
const MULTIRATE_MIN_SLOW_SHARE = 0.3;
/** Source sets whose cut faces a solver keeps (a protocol alternates between a few). */
const CUT_CACHE_SIZE = 4;

/**
 * The 3D enthalpy–Pennes solver of physics.md §1: explicit Kirchhoff-form stencil (kernel.ts),
 * probes as embedded Dirichlet surfaces on cut faces (implicit in the coupling, so no step restriction),
 * vessels as fixed cells with optional convective walls, the outer box layer held at rest.
 * SI inside: metres, seconds, J; temperatures °C.
 */
export class HeatSolver {
  readonly grid: Grid;
  readonly tissue: TissueModel;
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Cell size [m]. */
  readonly h: number;
  /** Largest stable step [s]. */
  readonly maxStepS: number;
  timeS = 0;
  steps = 0;
  readonly fields: StepFields;
  /**
   * Which kernel new solvers use: 'auto' = WebAssembly SIMD where the engine supports it, else the
   * plain TypeScript kernel (the reference). Both give bit-identical fields (kernel tests).
   */
  static kernelPreference: 'auto' | 'js' | 'wasm-simd' = 'auto';
  /**
   * Z-slab worker pool new solvers step through (slabPool.ts; set by the engine or the command
   * line once its workers have started), or null for one thread. Results are bit-identical.
   */
  static threadPool: SlabPool | null = null;
  /**
   * Bytes of the wasm kernel's memory a new solver sets aside for fixedKind and its per-step lists
   * (see `arena`): a byte per cell for fixedKind, two for a decimated field's scratch
   * (decimatedCentidegrees), and room for lists far longer than real ones; on top, 4 bytes a cell
   * and 1 MiB of scratch for isosurfaceOf (the 1 mm liver's largest surface over its run needs
   * 3.4 MB of the 5.3 MB left). Tests make it small to run the TypeScript loops beside the wasm
   * kernel.
   */
  static arenaBytes = (cells: number): number => 8 * cells + 1048576;
  /**
   * Scratch bytes of each isosurface a solver on a pool has built on its workers (startIsosurfaces),
   * and how many such surfaces it makes room for on its arena: over whole 1 mm runs of the four
   * samples, the largest surface of T at 0, −20 or −40 °C needed 3.6–6.6 bytes a cell; this gives
   * 5 bytes a cell and 1 MiB (the liver's 3.4 MB of 4.2 MB, the gel's 1.7 of 2.4).
   */
  static workerIsosurfaceBytes = (cells: number): number => 5 * cells + 1048576;
  static readonly workerIsosurfaces = 3;
  /**
   * Grids smaller than this build their surfaces on the solver's thread alone (startIsosurfaces
   * returns null, and no room is reserved): a 2 mm frame's surfaces take ~1 ms, and waking a worker
   * for them gained nothing (Chromium, the liver at 2 mm on 2 threads: 10–12 ms of frames a run
   * either way); at 1 mm (627 k cells) a frame saved ~5 ms. Tests lower it.
   */
  static workerIsosurfaceMinCells = 200_000;
  /** Threads a step of this solver is split across (1 without a pool). */
  get threads(): number {
    return this.team ? this.team.pool.threads : 1;
  }

  /** The kernel this solver steps with. */
  readonly kernel: 'wasm-simd' | 'js';
  private readonly wasm: WasmKernel | null;
  /** This solver's share of threadPool (null: one thread). */
  private readonly team: SlabTeam | null = null;
  /**
   * Heat flows so far [J] (tests check the balance), counted while `tallyEnergy` is on (all zero
   * while it is off). The fields do not depend on it.
   */
  readonly energy: EnergyTally = { probes: 0, perfusionAndMetabolism: 0, fixedCells: 0, bodyCells: 0 };
  /**
   * Keep the energy tally (on by default). The engine's Simulation turns it off: no user sees it,
   * and its inflow pass over the outer layer is serial work of each step (5–8 % of a 2 mm run on
   * two threads). Turn it on before the first step to read `energy`.
   */
  tallyEnergy = true;
  /** 1 for cells held fixed (outer layer, vessels), 2 for cells inside an active body. */
  private readonly fixedKind: Uint8Array;
  private cut: CutFaces = emptyCut();
  /** Cut faces built so far (JavaScript arrays), by their active sources. */
  private readonly cutCache = new Map<string, CutFaces>();
  /**
   * The wasm kernel's memory for fixedKind and the per-step lists (walls, vessel faces and cells:
   * for the solver's life; cut faces and inside cells: until the sources change; the fast box's
   * subsets: until it changes), so that the per-step loops around the kernel run in wasm too,
   * with the same f64 operations (null with the TypeScript kernel). Lists that do not fit stay in
   * JavaScript arrays with their TypeScript loops (the *InWasm flags): the same numbers.
   */
  private readonly arena: WasmArena | null;
  private sourcesMark = 0;
  private listsMark = 0;
  private fixedInWasm = false;
  private cutInWasm = false;
  private listsInWasm = false;
  /**
   * Every vessel cell and its blood temperature [°C], in cell order (resetFixed; the fast box's
   * splits keep the order); a cell in two vessels keeps their order, so the last one still wins.
   */
  private vesselCells = { cells: new Int32Array(0), blood: new Float64Array(0) };
  /** The wall faces' indices in their cells' order (for the fast box's splits). */
  private wallsByCell = new Int32Array(0);
  private insideCells = new Int32Array(0);
  private insideValue = new Float64Array(0);
  private readonly vessels: VesselCells[];
  /** Tissue faces onto vessel walls with a convective coefficient. */
  private wallFaces: WallFaces = { cell: new Int32Array(0), vessel: new Int32Array(0), U: new Float64Array(0), bloodC: new Float64Array(0) };
  /**
   * The kernels add perfusion and metabolism to every cell they step, fixed ones too, which the
   * resets then undo: the tally takes it back out. Σ sourceOf over the inside cells [W/m³], and the
   * vessel cells whose blood temperature gives a source (none when blood is at rest: 37 °C).
   */
  private insideSource = 0;
  private vesselSources: { cells: Int32Array; source: Float64Array } | null = null;
  /** Per cut cell: H and Tmin before the kernel step (saveCutH), as pairs. */
  private oldH = new Float64Array(64);
  /** Each cut cell's heat of a threaded fast-box substep (summed by the coordinator in list order). */
  private cutHeat = new Float64Array(0);
  /** Every face between a vessel cell and a non-vessel, in-grid neighbour (wallH 0 = no wall). */
  private vesselFaces: VesselFaces = { vessel: new Int32Array(0), tissue: new Int32Array(0), wallH: new Float64Array(0), bloodC: new Float64Array(0) };
  /**
   * Active region: the half-open box [i0, i1) × [j0, j1) × [k0, k1) of interior cells that may
   * differ from rest. Every cell outside it is exactly at rest, so stepping it changes nothing;
   * the box grows by one cell through any face whose layer holds a disturbed cell (see growBox).
   * Empty (i0 ≥ i1) until something disturbs the tissue.
   */
  readonly activeBox = new Int32Array(6);
  private active = false;
  /** Disturbance threshold of the active region [°C] (ACTIVE_EPSILON_C). */
  activeEpsilonC = ACTIVE_EPSILON_C;
  /**
   * Multi-rate stepping (see stepMany and README "Multi-rate"): warm tissue outside a box around
   * the ice takes one step of M·dt while the box takes M steps of dt. Off by default; the
   * engine's Simulation turns it on.
   */
  multiRate = false;
  /** Cells of warm tissue kept in the fast box around the frozen cells and the probes. */
  multiRateBuffer = MULTIRATE_BUFFER;
  /** Slow step Δ as a fraction of the warm tissue's stable step (accuracy vs speed). */
  multiRateFraction = 1;
  /**
   * Macro steps taken multi-rate / single-rate (fallback) so far, and over the multi-rate ones
   * the fast region's cells and its box's cells summed (diagnostics).
   */
  readonly multiRateStats = { macro: 0, fallback: 0, fastCells: 0, fastBoxCells: 0 };
  /** Largest stable step of the warm (unfrozen, mushy) tissue alone [s]. */
  readonly warmStepS: number;
  /** The tissue constants in float32, as both kernels use them. */
  private readonly constants: KernelConstants;
  /** Resting temperature as stored (float32, the kernel's fixed point) [°C]. */
  private readonly restT: number;
  /** Scratch box handed to the thread team. */
  private readonly threadBox = new Int32Array(6);
  /** Scratch of the fast box: [i0, i1, j0, j1, k0, k1]. */
  private readonly fastBox = new Int32Array(6);
  /** Scratch of the frozen cells' bounding box (inclusive bounds). */
  private readonly frozenScan = new Int32Array(6);
  /**
   * Where the next fast-box scan looks: after a multi-rate macro step, the fast box grown by its
   * ring of slow cells (within the active box); `scanNearFast` false: the whole active box.
   * Exact: a slow cell off the ring had no frozen cell in its stencil at t (the frozen cells lie
   * ≥ multiRateBuffer cells inside F), and the monotone slow step (and walls toward warm blood)
   * cannot take it below the solidus from there (H ≥ 0 in, H ≥ 0 out); only the ring takes F's
   * flux (the reflux). Single steps, new sources and written fields scan the whole box again.
   */
  private readonly scanBox = new Int32Array(6);
  private scanNearFast = false;
  /** The box the last fast-box scan covered (its rows' entries in frozenRows are current). */
  private readonly scannedBox = new Int32Array(6);
  /** Off: every fast-box scan covers the whole active box (what test/physics/multirate.test.ts compares with). */
  static scanNearFastBox = true;
  /** Bounding box (inclusive) of the cells inside active bodies and the cut-face cells; [1] = −1: none. */
  private readonly sourceBounds = Int32Array.of(0, -1, 0, -1, 0, -1);
  /** Per grid row (k·ny + j): the first and last i of those cells (−1, −1: none). */
  private readonly sourceRows: Int32Array;
  /** Per grid row: the first and last frozen i the last fast-box scan found (rows it scanned; on the kernel's memory). */
  private readonly frozenRows: Int32Array;
  /** The fast region: row spans of the fast box (fastRegion.ts). */
  private readonly region: FastRegion;
  /** Row spans of each of slowRegions' six regions (null: the whole box). */
  private readonly slowSpans: readonly (RowSpans | null)[];
  /** Off: the fast region is the whole fast box (the region's tests compare with it). */
  static fastSpans = true;
  /** Fast-box surface faces (room for the largest box; on the wasm memory with that kernel). */
  private readonly faces: InterfaceFaces;
  /** splitForFastBox's cache: the fast region's version it was built for, and its lists. */
  private mrKey = -1;
  private mrLists: FastBoxLists | null = null;
  /** slabListsFor's object, refreshed each macro step. */
  private slabListsCache: SlabLists | null = null;
  /** A declined multi-rate step already grew the active box for the step that follows. */
  private skipGrowOnce = false;
  /** Isosurfaces started on the workers and not yet taken (startIsosurfaces): no stepping. */
  private isosurfacesPending = false;
  /** Set by dispose(). */
  private disposed = false;
  /** The arena has room for the workers' isosurfaces (a pool, shared wasm memory, a grid of workerIsosurfaceMinCells or more). */
  private readonly roomForWorkerIsosurfaces: boolean;

  /**
   * `outer`: 'rest' holds the outermost cell layer at the resting temperature (tissue continues
   * beyond the domain undisturbed); 'insulated' mirrors it (zero flux, used by 1D/2D tests).
   */
  readonly outer: 'rest' | 'insulated';

  constructor(grid: Grid, tissue: TissueModel, vessels: VesselCells[] = [], outer: 'rest' | 'insulated' = 'rest') {
    this.outer = outer;
    this.grid = grid;
    this.tissue = tissue;
    [this.nx, this.ny, this.nz] = grid.dims;
    this.h = grid.spacingMm / 1000;
    this.maxStepS = 0.95 * stableStepS(tissue, this.h);
    this.constants = kernelConstants(tissue);
    const n = this.nx * this.ny * this.nz;
    const rest = tissue.restC;
    const pool = HeatSolver.threadPool?.fits(this.nz) ? HeatSolver.threadPool : null;
    const wantWasm = HeatSolver.kernelPreference !== 'js';
    // Threads: the shared-memory build of the same kernel (plain build where shared memory is not
    // possible, then one thread).
    const shared = pool && wantWasm ? wasmSharedKernelModule() : null;
    const module = !wantWasm ? null : shared ?? wasmKernelModule();
    if (HeatSolver.kernelPreference === 'wasm-simd' && !module) throw new Error('WebAssembly SIMD is not available here');
    // A box inside the grid has at most this many surface faces.
    const faceCapacity = 2 * (this.nx * this.ny + this.ny * this.nz + this.nz * this.nx);
    // The frozen and the sources' rows (two i32 per grid row each) and the fast region's row
    // arrays come first on the arena (each array's start 16-byte aligned).
    const rowInts = 2 * this.ny * this.nz;
    const rowBytes = 4 * (2 * rowInts + FastRegion.rowInts(this.ny, this.nz)) + 16 * 12;
    // Room for the isosurfaces a pool's workers build (startIsosurfaces), on a shared memory.
    const workerIso = pool && module && module === shared && n >= HeatSolver.workerIsosurfaceMinCells
      ? HeatSolver.workerIsosurfaces * HeatSolver.workerIsosurfaceBytes(n) : 0;
    this.roomForWorkerIsosurfaces = workerIso > 0;
    const arenaBytes = HeatSolver.arenaBytes(n) + (module ? rowBytes : 0) + workerIso;
    this.wasm = module ? new WasmKernel(module, n, undefined, module === shared, faceCapacity, arenaBytes) : null;
    this.kernel = this.wasm ? 'wasm-simd' : 'js';
    this.faces = this.wasm ? this.wasm.allocateFaces(n, faceCapacity) : allocateInterfaceFaces(faceCapacity);
    // The lists' wasm loops read fixedKind: no arena unless it holds fixedKind.
    const arena = this.wasm ? this.wasm.arena(n, faceCapacity, arenaBytes) : null;
    // Row spans and rows the wasm kernel reads, for the solver's life (room reserved above).
    const rowArray = (length: number): Int32Array => arena?.alloc(Int32Array, 4, length) ?? new Int32Array(length);
    this.frozenRows = rowArray(rowInts);
    this.sourceRows = rowArray(rowInts).fill(-1);
    this.region = new FastRegion(this.nx, this.ny, this.nz, rowArray, this.wasm?.regionOps() ?? null);
    this.slowSpans = [null, null, null, null, this.region.slowLeft, this.region.slowRight];
    const kinds = arena?.alloc(Uint8Array, 1, n) ?? null;
    this.arena = kinds ? arena : null;
    this.fixedKind = kinds ?? new Uint8Array(n);
    if (this.wasm) {
      this.wasm.setModel(tissue);
      this.fields = this.wasm.allocateFields(this.nx, this.ny, this.nz);
      if (pool && module === shared) this.team = pool.team(this.fields, tissue, this.wasm, null);
    } else if (pool && !wantWasm && typeof SharedArrayBuffer === 'function') {
      // TypeScript kernel on threads: the wasm layout on a SharedArrayBuffer.
      const sab = new SharedArrayBuffer(WasmKernel.pagesFor(n) * 65536);
      this.fields = WasmKernel.fieldViews(sab, this.nx, this.ny, this.nz);
      this.team = pool.team(this.fields, tissue, null, sab);
    } else {
      const f32 = (): Float32Array => new Float32Array(n);
      this.fields = { nx: this.nx, ny: this.ny, nz: this.nz, H: f32(), Tin: f32(), phiIn: f32(), Tout: f32(), phiOut: f32(), Tmin: f32() };
    }
    const f = this.fields;
    // Rest as the kernel computes it from H(rest) in float32: a fixed point of the step, so
    // undisturbed cells stay bit-for-bit at rest (the active region relies on it).
    const restH = Math.fround(enthalpyOf(tissue, rest));
    const restState = kernelState(this.constants, restH);
    this.restT = restState.T;
    f.H.fill(restH);
    f.Tin.fill(restState.T);
    f.Tout.fill(restState.T);
    f.phiIn.fill(restState.phi);
    f.phiOut.fill(restState.phi);
    f.Tmin.fill(restState.T);
    this.markOuterLayer();
    this.vessels = vessels;
    const sourceCells: number[] = [], sources: number[] = [];
    for (const v of vessels) {
      const source = sourceOf(tissue, v.bloodC);
      for (const c of v.cells) {
        this.fixedKind[c] = 1;
        this.setCell(c, v.bloodC);
        // Blood at rest gives wc·(Ta − rest) + qm = 0 up to rounding.
        if (Math.abs(source) > 1e-9 * (tissue.wc * Math.abs(tissue.Ta) + tissue.qm)) {
          sourceCells.push(c);
          sources.push(source);
        }
      }
    }
    if (sourceCells.length > 0) this.vesselSources = { cells: Int32Array.from(sourceCells), source: Float64Array.from(sources) };
    this.buildWallFaces();
    this.buildVesselFaces();
    this.placeFixedLists();
    this.warmStepS = 0.95 * warmStableStepS(tissue, this.h, this.wallFaces.U);
    // Vessels and their walls disturb the tissue from the start when blood ≠ rest temperature.
    for (const v of vessels) for (const c of v.cells) this.includeInBox(c);
    for (const c of this.wallFaces.cell) this.includeInBox(c);
  }

  /** Current temperature [°C] per cell (a live view: do not keep across steps). */
  get temperatureC(): Float32Array {
    this.refuseIfDisposed();
    return this.fields.Tin;
  }

  /** Minimum temperature reached so far [°C] per cell. */
  get minTemperatureC(): Float32Array {
    this.refuseIfDisposed();
    return this.fields.Tmin;
  }

  /**
   * The current temperature's cold-cell scan for metrics.ts (isothermMetricsAt) in wasm, four
   * cells per comparison; null with the TypeScript kernel (metrics then scan in JavaScript, to the
   * same numbers).
   */
  coldCellScan(): ColdCellScan | null {
    const wasm = this.wasm;
    if (!wasm) return null;
    return (levelsC, counts, bounds) => {
      // Row extents of the highest level on the arena's scratch (each level over the grid without it).
      const mark = this.arena?.mark ?? 0;
      const rows = this.arena?.alloc(Int32Array, 4, 2 * this.ny * this.nz) ?? null;
      wasm.coldCells(this.fields.Tin, this.nx, this.ny, this.nz, levelsC, counts, bounds, rows);
      this.arena?.release(mark);
    };
  }

  /**
   * Every f-th cell on each axis of the current temperature ('T') or minimum temperature
   * ('Tmin') in hundredths of a degree (mx × my × mz cells, x fastest): floor(v·100 + 0.5).
   * In wasm (via a scratch array on the arena), into `out` (mx·my·mz cells); null where that is
   * unavailable (the caller decimates in JavaScript, to the same numbers).
   */
  decimatedCentidegrees(field: 'T' | 'Tmin', f: number, mx: number, my: number, mz: number, out: Int16Array): Int16Array | null {
    if (!this.wasm || !this.arena) return null;
    const mark = this.arena.mark;
    const scratch = this.arena.alloc(Int16Array, 2, mx * my * mz);
    if (!scratch) return null;
    this.wasm.decimate(field === 'T' ? this.fields.Tin : this.fields.Tmin, this.nx, this.ny, f, mx, my, mz, scratch);
    out.set(scratch);
    this.arena.release(mark);
    return out;
  }

  /**
   * geometry/marchingCubes.ts isosurface of the current temperature ('T') or minimum temperature
   * ('Tmin') at `levelC` on the solver's grid, the same buffers bit for bit, built in wasm on the
   * fields in place (~1.8× faster at 1 mm) and copied out by `copy` (default new buffers); null
   * where that is unavailable or the arena's free bytes are too few for this surface (the caller
   * then builds it in TypeScript).
   */
  isosurfaceOf(field: 'T' | 'Tmin', levelC: number, copy?: SurfaceCopy): Isosurface | null {
    if (!this.wasm || !this.arena) return null;
    return this.wasm.isosurface(field === 'T' ? this.fields.Tin : this.fields.Tmin, this.grid, levelC, this.arena.mark, this.arena.free, copy);
  }

  /**
   * Starts isosurfaces of T at the first of `levelsC` [°C] on the pool's workers (as many as it
   * makes room for, up to HeatSolver.workerIsosurfaces) and returns at once, so that this thread
   * can build others meanwhile (isosurfaceOf: the arena's free bytes then lie above the workers').
   * `take(copy?)` waits for them and gives them in order, each the same buffers isosurfaceOf gives
   * (copied out by `copy`), or null where its scratch was too small; the solver must not step
   * before. Null when there are no workers, no room, or fewer cells than workerIsosurfaceMinCells:
   * then nothing started.
   */
  startIsosurfaces(levelsC: readonly number[]): { count: number; take(copy?: SurfaceCopy): (Isosurface | null)[] } | null {
    const team = this.team, arena = this.arena, wasm = this.wasm;
    if (!team || !arena || !wasm || team.pool.workers.length === 0 || !this.roomForWorkerIsosurfaces || this.isosurfacesPending) return null;
    const bytes = HeatSolver.workerIsosurfaceBytes(this.nx * this.ny * this.nz);
    const mark = arena.mark;
    const jobs: { field: number; levelC: number; scratch: number; bytes: number }[] = [];
    // Each job its own scratch, leaving this thread at least as much above them.
    while (jobs.length < Math.min(levelsC.length, HeatSolver.workerIsosurfaces) && arena.free >= 2 * bytes) {
      jobs.push({ field: this.fields.Tin.byteOffset, levelC: levelsC[jobs.length], scratch: arena.reserve(bytes)!, bytes });
    }
    if (jobs.length === 0) return null;
    team.startIsosurfaces(this.grid, jobs);
    this.isosurfacesPending = true;
    return {
      count: jobs.length,
      take: (copy) => {
        if (!this.isosurfacesPending) throw new Error('isosurfaces already taken');
        const surfaces = team.finishIsosurfaces(copy);
        arena.release(mark);
        this.isosurfacesPending = false;
        return surfaces;
      },
    };
  }

  /**
   * A nearest-triangle search over `mesh` (metrics.ts NearestTriangleSearch: the same answers as
   * geometry/triangleIndex.ts's TriangleIndex) built in wasm on the arena's free bytes; null where
   * that is unavailable or too small. Valid until the solver next steps or builds a surface.
   */
  nearestTrianglesOf(mesh: TriangleMesh): NearestTriangleSearch | null {
    if (!this.wasm || !this.arena) return null;
    return this.wasm.nearestTriangles(mesh, this.arena.mark, this.arena.free);
  }

  /** Sets the cold sources (all probes) for the coming steps; rebuilds the cut faces. */
  setSources(sources: ColdSource[]): void {
    const { fixedKind } = this;
    this.scanNearFast = false;
    const H = this.fields.H, V = this.h * this.h * this.h;
    // Release the cells of previously active bodies: they become tissue at their current state
    // (the probe's own heat capacity, idealised as tissue), their enthalpy now the free cells'.
    for (const c of this.insideCells)
      if (fixedKind[c] === 2) {
        fixedKind[c] = 0;
        if (this.tallyEnergy) this.energy.bodyCells += H[c] * V;
      }
    const inside: number[] = [];
    const insideT: number[] = [];
    const active = sources.filter((s) => s.surfaceC !== null);
    for (const s of active) {
      this.forCellsNear(s.body, (c, p) => {
        if (fixedKind[c] === 0 && bodyContains(s.body, p)) {
          fixedKind[c] = 2;
          if (this.tallyEnergy) this.energy.bodyCells -= H[c] * V;
          inside.push(c);
          insideT.push(s.surfaceC as number);
        }
      });
    }
    // In cell order, as every list a slab thread takes its share of (slabPool.ts SlabLists).
    const order = inside.map((_, i) => i).sort((a, b) => inside[a] - inside[b]);
    this.insideCells = Int32Array.from(order, (i) => inside[i]);
    this.insideValue = Float64Array.from(order, (i) => insideT[i]);
    this.insideSource = 0;
    for (const t of this.insideValue) this.insideSource += sourceOf(this.tissue, t);
    for (let i = 0; i < inside.length; i++) this.setCell(inside[i], insideT[i]);
    // A protocol's second freeze sets the first one's sources again: the same faces (they depend
    // only on the bodies, their temperatures and which cells are fixed, all the same again).
    const key = JSON.stringify(active);
    let cut = this.cutCache.get(key);
    if (!cut) {
      cut = this.buildCutFaces(active);
      if (this.cutCache.size >= CUT_CACHE_SIZE) this.cutCache.clear();
      this.cutCache.set(key, cut);
    }
    this.cut = cut;
    this.placeCutFaces();
    for (const c of inside) this.includeInBox(c);
    for (const c of this.cut.cells) this.includeInBox(c);
    const P = this.sourceBounds, rows = this.sourceRows;
    P.set([this.nx, -1, this.ny, -1, this.nz, -1]);
    rows.fill(-1);
    for (const cells of [this.insideCells, this.cut.cells])
      for (const c of cells) {
        const i = c % this.nx, j = Math.floor(c / this.nx) % this.ny, k = Math.floor(c / (this.nx * this.ny));
        P[0] = Math.min(P[0], i); P[1] = Math.max(P[1], i); P[2] = Math.min(P[2], j);
        P[3] = Math.max(P[3], j); P[4] = Math.min(P[4], k); P[5] = Math.max(P[5], k);
        const g = 2 * (k * this.ny + j);
        if (rows[g] < 0 || i < rows[g]) rows[g] = i;
        if (i > rows[g + 1]) rows[g + 1] = i;
      }
  }

  /** Walls, vessel faces and vessel cells onto the arena when they fit (for the solver's life). */
  private placeFixedLists(): void {
    const all: number[] = [], blood: number[] = [];
    for (const v of this.vessels)
      for (const c of v.cells) {
        all.push(c);
        blood.push(v.bloodC);
      }
    const byCell = all.map((_, i) => i).sort((a, b) => all[a] - all[b] || a - b);
    this.vesselCells = { cells: Int32Array.from(byCell, (i) => all[i]), blood: Float64Array.from(byCell, (i) => blood[i]) };
    const wallCell = this.wallFaces.cell;
    this.wallsByCell = Int32Array.from(wallCell.keys()).sort((a, b) => wallCell[a] - wallCell[b] || a - b);
    if (this.arena) {
      const walls = toArena(this.arena, this.wallFaces), faces = toArena(this.arena, this.vesselFaces), cells = toArena(this.arena, this.vesselCells);
      if (walls && faces && cells) {
        this.wallFaces = walls;
        this.vesselFaces = faces;
        this.vesselCells = cells;
        this.fixedInWasm = true;
      }
      this.sourcesMark = this.arena.mark;
    }
  }

  /** The cut faces, their oldH and the inside cells onto the arena when they fit. */
  private placeCutFaces(): void {
    this.cutInWasm = false;
    // The fast box's lists lie after these on the arena: rebuilt on the next macro step.
    this.mrLists = null;
    if (this.arena) {
      this.arena.release(this.sourcesMark);
      const cut = toArena(this.arena, this.cut);
      const inside = toArena(this.arena, { cells: this.insideCells, values: this.insideValue });
      const oldH = this.arena.alloc(Float64Array, 8, 2 * this.cut.cells.length);
      const cutHeat = this.arena.alloc(Float64Array, 8, this.cut.cells.length);
      if (cut && inside && oldH && cutHeat) {
        this.cut = cut;
        this.insideCells = inside.cells;
        this.insideValue = inside.values;
        this.oldH = oldH;
        this.cutHeat = cutHeat;
        this.cutInWasm = true;
      }
      this.listsMark = this.arena.mark;
    }
    if (!this.cutInWasm && this.oldH.length < 2 * this.cut.cells.length) this.oldH = new Float64Array(2 * this.cut.cells.length);
  }

  /**
   * H and Tmin of the cut cells before a kernel step, as pairs in oldH (applyCutFaces needs the
   * step's own change, and the minimum without the kernel's trial value).
   */
  private saveCutH(): void {
    const { cells } = this.cut;
    if (this.wasm && this.cutInWasm) this.wasm.saveCutH(this.fields.H, this.fields.Tmin, cells, this.oldH, cells.length);
    else
      for (let i = 0; i < cells.length; i++) {
        this.oldH[2 * i] = this.fields.H[cells[i]];
        this.oldH[2 * i + 1] = this.fields.Tmin[cells[i]];
      }
  }

  /** Advances by exactly `seconds` with steps no larger than the stable limit. */
  advance(seconds: number): void {
    const target = this.timeS + seconds;
    const n = Math.ceil(seconds / this.maxStepS - 1e-9);
    for (let s = 0; s < n; s++) this.step(seconds / n);
    // Land exactly (no drift from summing steps).
    this.timeS = target;
  }

  /**
   * Stepping would change the fields the workers are reading (startIsosurfaces); after dispose()
   * the memory is another solver's.
   */
  private refuseToStep(): void {
    if (this.isosurfacesPending) throw new Error('isosurfaces are being built on the workers: take them before stepping');
    this.refuseIfDisposed();
  }

  /** After dispose() the kernel memory may be another solver's. */
  private refuseIfDisposed(): void {
    if (this.disposed) throw new Error('this solver was disposed');
  }

  /**
   * Done with this solver: its kernel memory goes to the next solver of the same grid (see
   * WasmKernel.release), unless workers may still be reading it (isosurfaces not taken). Its
   * fields and every view on them are invalid after; stepping and the field getters throw.
   */
  dispose(): void {
    this.disposed = true;
    if (!this.isosurfacesPending) this.wasm?.release();
  }

  /** One explicit step of dt [s] (dt ≤ maxStepS). */
  step(dtS: number): void {
    this.refuseToStep();
    const f = this.fields;
    this.scanNearFast = false;
    this.saveCutH();
    const b = this.activeBox;
    if (this.skipGrowOnce) this.skipGrowOnce = false;
    else if (this.useActiveRegion) this.growBox();
    else {
      b[0] = 1; b[1] = this.nx - 1; b[2] = 1; b[3] = this.ny - 1; b[4] = 1; b[5] = this.nz - 1;
    }
    let source = 0;
    if (this.team && this.activeCells >= this.team.pool.minParallelCells) {
      source = this.team.step(b, dtS, this.h, this.tallyEnergy);
    } else if (b[0] < b[1]) {
      source = this.wasm
        ? this.wasm.stepBox(f, dtS, this.h, b[0], b[1], b[2], b[3], b[4], b[5], false, this.tallyEnergy)
        : stepBox(f, this.constants, dtS, this.h, b[0], b[1], b[2], b[3], b[4], b[5]);
    }
    const V = this.h * this.h * this.h;
    if (this.tallyEnergy) {
      if (b[0] < b[1]) source -= dtS * (this.insideSource + this.vesselSourceIn(b, 'all'));
      this.energy.perfusionAndMetabolism += source * V;
    }
    // Walls first: a cut cell next to a walled vessel then takes the wall into the rate its
    // implicit probe coupling solves with (after it, the wall's correction could push the cell
    // past the probe's temperature).
    this.applyWallFaces(dtS);
    this.applyCutFaces(dtS);
    if (this.tallyEnergy) this.energy.fixedCells += (this.fixedCellInflow(dtS, this.outerLayerInflow(b)) - this.blockedFixedInflow(dtS)) * V;
    // Fixed cells keep their values in the output buffers.
    this.resetFixed(f.Tout, f.phiOut);
    if (this.outer === 'insulated') this.mirrorOuterLayer(f.Tout, f.phiOut);
    // Swap buffers.
    [f.Tin, f.Tout] = [f.Tout, f.Tin];
    [f.phiIn, f.phiOut] = [f.phiOut, f.phiIn];
    this.timeS += dtS;
    this.steps++;
  }

  /**
   * `count` steps of dt [s] (dt ≤ maxStepS). With `multiRate` on and count ≥ 2 this is one
   * multi-rate macro step of Δ = count·dt when it is safe (see multiRateStep), else count single
   * steps. The result depends only on the state and (dt, count): callers that group steps the
   * same way get the same numbers however they chunk their calls (Simulation aligns the groups to
   * its anchors).
   */
  stepMany(dtS: number, count: number): void {
    this.refuseToStep();
    if (count >= 2 && this.multiRate && this.multiRateStep(dtS, count)) {
      this.multiRateStats.macro++;
      return;
    }
    if (count >= 2 && this.multiRate) this.multiRateStats.fallback++;
    for (let s = 0; s < count; s++) this.step(dtS);
  }

  /** Substeps per multi-rate macro step for a step of dt: how many dt the warm tissue tolerates. */
  multiRateSubsteps(dtS: number): number {
    if (!this.multiRate || this.outer !== 'rest') return 1;
    return Math.max(1, Math.floor((this.multiRateFraction * this.warmStepS) / dtS + 1e-9));
  }

  /**
   * Σ of the vessel cells' kernel sources [W/m³] over those in box b: all of them, or only the
   * fast region's or only the others.
   */
  private vesselSourceIn(b: Int32Array, part: 'all' | 'fast' | 'slow'): number {
    const vs = this.vesselSources;
    if (!vs) return 0;
    const { nx, ny } = this;
    let sum = 0;
    for (let q = 0; q < vs.cells.length; q++) {
      const c = vs.cells[q];
      const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
      if (!(i >= b[0] && i < b[1] && j >= b[2] && j < b[3] && k >= b[4] && k < b[5])) continue;
      if (part === 'all' || (part === 'fast') === this.region.isFast(i, j, k)) sum += vs.source[q];
    }
    return sum;
  }

  private inFastRegion(c: number): boolean {
    const { nx, ny } = this;
    return this.region.isFast(c % nx, Math.floor(c / nx) % ny, Math.floor(c / (nx * ny)));
  }

  /**
   * The kernel on a box, or on its row spans; returns its source sum, or 0 without the energy
   * tally (the wasm kernel then skips the sum).
   */
  private kernelBox(dtS: number, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, spans?: RowSpans): number {
    if (i0 >= i1 || j0 >= j1 || k0 >= k1) return 0;
    let cells = (i1 - i0) * (j1 - j0) * (k1 - k0);
    if (spans) {
      cells = 0;
      for (let k = k0; k < k1; k++) cells += spans.planeCells[k - spans.k0];
    }
    // Row spans on threads with the wasm kernel only (the TypeScript kernel's threads step boxes).
    if (this.team && (!spans || this.wasm) && cells >= this.team.pool.minParallelCells) {
      // z-slabs across the pool: the same fields and source sum as one thread, bit for bit.
      const b = this.threadBox;
      b[0] = i0; b[1] = i1; b[2] = j0; b[3] = j1; b[4] = k0; b[5] = k1;
      return this.team.step(b, dtS, this.h, this.tallyEnergy, spans);
    }
    return this.wasm
      ? this.wasm.stepBox(this.fields, dtS, this.h, i0, i1, j0, j1, k0, k1, false, this.tallyEnergy, spans?.spans, spans?.k0)
      : stepBox(this.fields, this.constants, dtS, this.h, i0, i1, j0, j1, k0, k1, undefined, spans?.spans, spans?.k0);
  }

  /**
   * The fast box: bounding box of the frozen cells (T < solidus), the cells inside active bodies
   * and the cut-face cells, grown by multiRateBuffer; null when it is not inside the active box by
   * at least 2 cells on a side where the box has not reached the grid's edge (then single-rate).
   * On a side where it has, F runs up to the outer layer. An all-warm active box gives an empty box.
   */
  private computeFastBox(): Int32Array | null {
    const A = this.activeBox;
    const F = this.fastBox;
    const { nx, ny } = this;
    // On the pool, the threads scan slabs of planes (wasm kernel): the same box.
    const box = this.scanNearFast && HeatSolver.scanNearFastBox ? this.scanBox : A;
    const cells = boxCells(box);
    this.scannedBox.set(box);
    // Each scanned row's frozen extent too, for the fast region's spans.
    const found = cells === 0
      ? false
      : this.team && this.wasm && cells >= this.team.pool.minParallelCells
        ? this.team.frozenBounds(this.fields.Tin, box, this.frozenScan, this.frozenRows)
        : this.wasm
          ? this.wasm.frozenBounds(this.fields.Tin, nx, ny, box, this.frozenScan, this.frozenRows)
          : frozenBounds(this.fields.Tin, nx, ny, box, this.constants.Ts, this.frozenScan, this.frozenRows);
    const s = this.frozenScan;
    let i0 = nx, i1 = -1, j0 = ny, j1 = -1, k0 = this.nz, k1 = -1;
    if (found) [i0, i1, j0, j1, k0, k1] = s;
    const P = this.sourceBounds;
    if (P[1] >= 0) {
      i0 = Math.min(i0, P[0]); i1 = Math.max(i1, P[1]); j0 = Math.min(j0, P[2]);
      j1 = Math.max(j1, P[3]); k0 = Math.min(k0, P[4]); k1 = Math.max(k1, P[5]);
    }
    if (i1 < 0) {
      F.fill(0);
      return F;
    }
    const b = this.multiRateBuffer;
    F[0] = i0 - b; F[1] = i1 + 1 + b; F[2] = j0 - b; F[3] = j1 + 1 + b; F[4] = k0 - b; F[5] = k1 + 1 + b;
    for (let a = 0; a < 3; a++) {
      const n = a === 0 ? this.nx : a === 1 ? this.ny : this.nz;
      // F stays 2 cells inside A, or, where A has reached the grid's edge, runs up to the outer
      // layer (no slow cells on that side; the fixed layer is F's neighbour there).
      if (F[2 * a] - A[2 * a] < 2) {
        if (A[2 * a] !== 1) return null;
        F[2 * a] = 1;
      }
      if (A[2 * a + 1] - F[2 * a + 1] < 2) {
        if (A[2 * a + 1] !== n - 1) return null;
        F[2 * a + 1] = n - 1;
      }
    }
    return F;
  }

  /** scanBox ← F grown by one cell, within the active box (empty when F is). */
  private setScanBox(F: Int32Array, fastEmpty: boolean): void {
    const A = this.activeBox, b = this.scanBox;
    if (fastEmpty) b.fill(0);
    else
      for (let a = 0; a < 3; a++) {
        b[2 * a] = Math.max(A[2 * a], F[2 * a] - 1);
        b[2 * a + 1] = Math.min(A[2 * a + 1], F[2 * a + 1] + 1);
      }
    this.scanNearFast = true;
  }

  /**
   * One multi-rate macro step of Δ = M·dt, or false (nothing done) when it is not safe here.
   *
   * The fast region: row spans of the fast box F (fastRegion.ts). Slow region S = active box A
   * minus the fast region (6 boxes around F and the rest of F's rows): one explicit step of Δ
   * from the state at t (stable: S holds only unfrozen and mushy cells, whose k/C is ≤ 1/8 of
   * frozen tissue's). The fast region: M steps of dt with the ring of S cells around it held at
   * their values at t, probes, walls and fixed cells applied every substep. Reflux: S computed
   * its flux through each face onto the fast region with φ_F(t); the fast cells saw Σ_m φ_F(t_m);
   * the difference (dt/h²) Σ_m (φ_F(t_m) − φ_F(t)) is added to the slow cell, so the heat that
   * left the fast region is exactly the heat that entered S.
   */
  private multiRateStep(dtS: number, M: number): boolean {
    if (this.outer !== 'rest' || M * dtS > this.warmStepS * (1 + 1e-9)) return false;
    const f = this.fields;
    const A = this.activeBox;
    if (this.useActiveRegion) this.growBox();
    else {
      A[0] = 1; A[1] = this.nx - 1; A[2] = 1; A[3] = this.ny - 1; A[4] = 1; A[5] = this.nz - 1;
    }
    if (A[0] >= A[1]) {
      // Nothing disturbed: nothing changes.
      this.timeS += M * dtS;
      this.steps += M;
      return true;
    }
    const F = this.computeFastBox();
    if (!F) {
      // The box was grown for this step: the first single step must not grow it again.
      this.skipGrowOnce = true;
      return false;
    }
    const volA = this.activeCells;
    const volF = boxCells(F);
    const fastEmpty = volF === 0;
    if (!fastEmpty && volA - volF < MULTIRATE_MIN_SLOW_SHARE * volA) {
      this.skipGrowOnce = true;
      return false;
    }
    // The macro step goes ahead: the next scan looks at F and its ring only (see scanBox).
    const region = this.region;
    if (!fastEmpty) region.update(F, this.multiRateBuffer, this.frozenRows, this.scannedBox, this.sourceRows, !HeatSolver.fastSpans);
    this.setScanBox(F, fastEmpty);
    const V = this.h * this.h * this.h;
    const D = M * dtS;
    const { nx, ny } = this;
    // Interface faces and the F/S split of walls and vessels depend on F only: reuse them while
    // F stays the same (it changes every few macro steps as the ice grows).
    const lists = this.splitForFastBox(fastEmpty);
    const { nFaces, nRing } = lists;
    if (!fastEmpty) {
      this.multiRateStats.fastCells += region.fastCells;
      this.multiRateStats.fastBoxCells += volF;
    }
    const faces = this.faces;
    const { slow, acc, faceStart } = faces;
    const wasm = this.wasm;
    const { wallF, wallS, faceF, faceS, vesselCellsF, vesselBloodF } = lists;
    // Heat from fixed cells into slow cells over Δ, at t: the outer layer where S reaches it (F
    // reaches it only at the grid's edge, and counts its part in its substeps), S's vessel faces.
    if (this.tallyEnergy) {
      const outerS = this.outerLayerInflow(A) - (fastEmpty ? 0 : this.outerLayerInflow(F));
      this.energy.fixedCells += this.fixedCellInflow(D, outerS, faceS) * V;
    }
    // On threads, each slab's thread runs the fast box's substeps with their list work for its own
    // cells, and first its share of the interface start and the ring's hold (fastSubsteps).
    const slabLists = fastEmpty ? null : this.slabListsFor(lists, region.fastCells, D);
    if (!slabLists) {
      if (wasm) wasm.startFaces(f.phiIn, faces, nFaces);
      else startFaces(f.phiIn, faces, nFaces);
    }
    // Slow step: A minus the fast region as four boxes and two sets of row spans (or all of A),
    // state at t → Out buffers, H in place.
    let source = 0;
    if (!fastEmpty) region.slowAround(A[0], A[1]);
    const slowSpans = this.slowSpans;
    if (fastEmpty) source += this.kernelBox(D, A[0], A[1], A[2], A[3], A[4], A[5]);
    else if (this.team && wasm && volA - region.fastCells >= this.team.pool.minParallelCells) {
      // All six regions in one step of the pool (planes split by slow cells): the same numbers.
      source += this.team.slowStep(slowRegions(A, F), slowSpans, D, this.h, this.tallyEnergy);
    } else {
      const b = slowRegions(A, F);
      for (let q = 0; q < 6; q++) source += this.kernelBox(D, b[6 * q], b[6 * q + 1], b[6 * q + 2], b[6 * q + 3], b[6 * q + 4], b[6 * q + 5], slowSpans[q] ?? undefined);
    }
    // Inside cells are in the fast region whenever there are any.
    if (this.tallyEnergy) {
      source -= D * (fastEmpty ? this.insideSource + this.vesselSourceIn(A, 'all') : this.vesselSourceIn(A, 'slow'));
      this.energy.perfusionAndMetabolism += source * V;
    }
    // The slow cells' walls and vessel cells: on threads each slab's share before its ring is held
    // (fastSubsteps' start; F's vessel and inside cells are reset in every substep anyway).
    if (!slabLists) {
      this.applyWallFaces(D, wallS);
      this.resetFixed(f.Tout, f.phiOut);
    }
    if (fastEmpty) {
      [f.Tin, f.Tout] = [f.Tout, f.Tin];
      [f.phiIn, f.phiOut] = [f.phiOut, f.phiIn];
      this.timeS += D;
      this.steps += M;
      return true;
    }
    // Hold the ring of slow cells at t in both buffers while F substeps; keep their new values.
    if (!slabLists) {
      if (wasm) wasm.holdRing(f, faces, nRing);
      else holdRing(f, faces, nRing);
    }
    const P = f.Tin;
    const fixedSourceF = this.tallyEnergy ? dtS * (this.insideSource + this.vesselSourceIn(F, 'fast')) : 0;
    // Without the energy tally the threads take all M substeps in one command.
    if (slabLists && !this.tallyEnergy) this.team!.fastSubsteps(F, dtS, this.h, slabLists, M, 0, M, region.fast);
    for (let m = 0; m < M; m++) {
      if (slabLists) {
        if (this.tallyEnergy) {
          const src = this.team!.fastSubsteps(F, dtS, this.h, slabLists, M, m, 1, region.fast);
          this.energy.perfusionAndMetabolism += (src - fixedSourceF) * V;
          // The cut cells' heat in list order: applyCutFaces's sum, to the bit.
          let probeHeat = 0;
          for (let i = 0; i < this.cut.cells.length; i++) probeHeat += this.cutHeat[i];
          this.energy.probes += probeHeat * this.h * this.h * this.h;
        }
      } else {
        if (m > 0) {
          if (wasm) wasm.accumulateFaces(f.phiIn, faces, nFaces);
          else accumulateFaces(f.phiIn, faces, nFaces);
        }
        this.saveCutH();
        const src = this.kernelBox(dtS, F[0], F[1], F[2], F[3], F[4], F[5], region.fast);
        if (this.tallyEnergy) this.energy.perfusionAndMetabolism += (src - fixedSourceF) * V;
        this.applyWallFaces(dtS, wallF);
        this.applyCutFaces(dtS);
      }
      if (this.tallyEnergy) this.energy.fixedCells += (this.fixedCellInflow(dtS, this.outerLayerInflow(F), faceF) - this.blockedFixedInflow(dtS)) * V;
      if (!slabLists) this.resetFixed(f.Tout, f.phiOut, vesselCellsF, vesselBloodF);
      [f.Tin, f.Tout] = [f.Tout, f.Tin];
      [f.phiIn, f.phiOut] = [f.phiOut, f.phiIn];
      this.timeS += dtS;
      this.steps++;
    }
    const m = this.tissue;
    const w = dtS / (this.h * this.h);
    if (slabLists) {
      // On the pool: the fast region copied across when M is even (always it: its planes split
      // evenly), then the ring's restore and the reflux as below, split across the threads (each
      // its own cells).
      const copy = f.Tin === P;
      this.team!.finishMacro(this.fixedKind, faces, nRing, F, region.fast, copy, w);
      if (copy) {
        [f.Tin, f.Tout] = [f.Tout, f.Tin];
        [f.phiIn, f.phiOut] = [f.phiOut, f.phiIn];
      }
      return true;
    }
    // The fast region's new values are in P when M is even (S's are in the other buffer): copy
    // the smaller region across so that both sit in the In buffers.
    if (f.Tin === P) {
      const copy = (from: Float32Array, to: Float32Array, from2: Float32Array, to2: Float32Array, b: Int32Array, q: number, spans?: RowSpans): void => {
        const [i0, i1, j0, j1, k0, k1] = b.subarray(6 * q, 6 * q + 6);
        if (wasm) wasm.copyBox(from, to, from2, to2, nx, ny, i0, i1, j0, j1, k0, k1, spans?.spans, spans?.k0);
        else copyBox(from, to, from2, to2, nx, ny, i0, i1, j0, j1, k0, k1, spans?.spans, spans?.k0);
      };
      if (region.fastCells <= volA - region.fastCells) {
        copy(f.Tin, f.Tout, f.phiIn, f.phiOut, F, 0, region.fast);
        // The inside cells and the fast vessel cells are fixed: equal in both buffers already.
        [f.Tin, f.Tout] = [f.Tout, f.Tin];
        [f.phiIn, f.phiOut] = [f.phiOut, f.phiIn];
      } else {
        const b = slowRegions(A, F);
        for (let q = 0; q < 6; q++) copy(f.Tout, f.Tin, f.phiOut, f.phiIn, b, q, slowSpans[q] ?? undefined);
      }
    }
    // Ring back to its slow-step values, plus the reflux.
    if (wasm) wasm.restoreRing(f.Tin, f.phiIn, faces, nRing);
    else restoreRing(f.Tin, f.phiIn, faces, nRing);
    if (wasm && this.arena) {
      wasm.reflux(f, this.fixedKind, faces, nRing, w);
      return true;
    }
    for (let r = 0; r < nRing; r++) {
      const s = slow[r];
      let a = 0;
      for (let q = faceStart[r]; q < faceStart[r + 1]; q++) a += acc[q];
      if (this.fixedKind[s] !== 0 || a === 0) continue;
      const hNew = f.H[s] + w * a;
      f.H[s] = hNew;
      const tNew = temperatureOf(m, hNew);
      f.Tin[s] = tNew;
      f.phiIn[s] = kirchhoffOf(m, tNew);
      if (tNew < f.Tmin[s]) f.Tmin[s] = tNew;
    }
    return true;
  }

  /**
   * The fast region's substep lists for the slab threads (SlabLists), or null when its substeps
   * run on one thread (no pool, a region too small to split, or lists not on the wasm memory).
   */
  private slabListsFor(lists: FastBoxLists, fastCells: number, slowStepS: number): SlabLists | null {
    const team = this.team;
    if (!team || !this.wasm || !this.cutInWasm || !this.fixedInWasm || !this.listsInWasm || fastCells < team.pool.minParallelCells) return null;
    const l = (this.slabListsCache ??= {
      fixedKind: this.fixedKind, cut: this.cut, oldH: this.oldH, cutHeat: this.cutHeat, walls: this.wallFaces, wallOnly: lists.wallF,
      insideCells: this.insideCells, insideValue: this.insideValue, vesselCells: lists.vesselCellsF, vesselBlood: lists.vesselBloodF,
      faces: this.faces, nRing: lists.nRing, invH2: 1 / (this.h * this.h), hM: this.h,
      slowWalls: lists.wallS, slowVesselCells: lists.vesselCellsS, slowVesselBlood: lists.vesselBloodS, slowStepS: 0,
    });
    l.cut = this.cut; l.oldH = this.oldH; l.cutHeat = this.cutHeat; l.walls = this.wallFaces; l.wallOnly = lists.wallF;
    l.insideCells = this.insideCells; l.insideValue = this.insideValue; l.vesselCells = lists.vesselCellsF;
    l.vesselBlood = lists.vesselBloodF; l.nRing = lists.nRing;
    l.slowWalls = lists.wallS; l.slowVesselCells = lists.vesselCellsS; l.slowVesselBlood = lists.vesselBloodS; l.slowStepS = slowStepS;
    return l;
  }

  /**
   * For the fast region: its interface (faces and ring, fastRegion.ts) and which wall faces,
   * vessel faces and vessel cells lie in it or in the slow region. Cached until the region changes.
   */
  private splitForFastBox(fastEmpty: boolean): FastBoxLists {
    const region = this.region;
    if (this.mrLists && this.mrKey === (fastEmpty ? -2 : region.version)) return this.mrLists;
    let nFaces = 0, nRing = 0;
    if (!fastEmpty) {
      const capacity = this.faces.fast.length;
      let counts = region.interface(this.faces, capacity);
      if (!counts) {
        // More faces than a box has: the whole box (its surface always fits).
        region.useWholeRows();
        counts = region.interface(this.faces, capacity)!;
      }
      ({ nFaces, nRing } = counts);
    }
    this.mrKey = fastEmpty ? -2 : region.version;
    const isFast = (c: number): boolean => !fastEmpty && this.inFastRegion(c);
    const split = (cells: Int32Array): [Int32Array, Int32Array] => {
      const inF: number[] = [], inS: number[] = [];
      for (let q = 0; q < cells.length; q++) (isFast(cells[q]) ? inF : inS).push(q);
      return [Int32Array.from(inF), Int32Array.from(inS)];
    };
    // Walls and vessel cells of F and of S in cell order (slab threads take their planes' share),
    // split from lists sorted once: a cell's own entries keep their order, and cells do not
    // interact here, so no number changes.
    const wallCell = this.wallFaces.cell;
    const walls: [number[], number[]] = [[], []];
    for (const q of this.wallsByCell) walls[isFast(wallCell[q]) ? 0 : 1].push(q);
    const [faceF, faceS] = split(this.vesselFaces.tissue);
    const { cells, blood } = this.vesselCells;
    const vesselCells: [number[], number[]] = [[], []], vesselBlood: [number[], number[]] = [[], []];
    for (let q = 0; q < cells.length; q++) {
      const to = isFast(cells[q]) ? 0 : 1;
      vesselCells[to].push(cells[q]);
      vesselBlood[to].push(blood[q]);
    }
    const lists: FastBoxLists = {
      nFaces, nRing, wallF: Int32Array.from(walls[0]), wallS: Int32Array.from(walls[1]), faceF, faceS,
      vesselCellsF: Int32Array.from(vesselCells[0]), vesselBloodF: Float64Array.from(vesselBlood[0]),
      vesselCellsS: Int32Array.from(vesselCells[1]), vesselBloodS: Float64Array.from(vesselBlood[1]),
    };
    this.listsInWasm = false;
    if (this.arena) {
      this.arena.release(this.listsMark);
      const placed = toArena(this.arena, lists);
      this.listsInWasm = placed !== null;
      this.mrLists = placed ?? lists;
    } else this.mrLists = lists;
    return this.mrLists;
  }

  /**
   * Step only the active region (off by default: callers such as tests may write `fields`
   * directly between steps; the engine's Simulation, which never does, turns it on). Turning it
   * on rescans the whole grid for disturbed cells.
   */
  get useActiveRegion(): boolean {
    return this.active;
  }

  set useActiveRegion(on: boolean) {
    this.active = on;
    if (on) this.rescanActiveRegion();
  }

  /** Recomputes the active box from scratch (after writing `fields` directly while it is on). */
  rescanActiveRegion(): void {
    this.scanNearFast = false;
    const b = this.activeBox;
    b.fill(0);
    const T = this.fields.Tin;
    const rest = this.restT;
    const eps = this.activeEpsilonC;
    const { nx, ny, nz } = this;
    for (let k = 1; k < nz - 1; k++)
      for (let j = 1; j < ny - 1; j++)
        for (let i = 1; i < nx - 1; i++) {
          const c = i + nx * (j + ny * k);
          if (this.fixedKind[c] !== 0 || Math.abs(T[c] - rest) > eps) this.includeInBox(c);
        }
    for (const c of this.cut.cells) this.includeInBox(c);
    for (const c of this.wallFaces.cell) this.includeInBox(c);
  }

  /** Cells stepped per step now (the active box volume). */
  get activeCells(): number {
    return boxCells(this.activeBox);
  }

  /** Extends the active box to hold cell c and its neighbours (clamped to the interior). */
  private includeInBox(c: number): void {
    const { nx, ny, nz } = this;
    const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
    const b = this.activeBox;
    const lo0 = Math.max(1, i - 1), hi0 = Math.min(nx - 1, i + 2);
    const lo1 = Math.max(1, j - 1), hi1 = Math.min(ny - 1, j + 2);
    const lo2 = Math.max(1, k - 1), hi2 = Math.min(nz - 1, k + 2);
    if (lo0 >= hi0 || lo1 >= hi1 || lo2 >= hi2) return;
    if (b[0] >= b[1]) {
      b[0] = lo0; b[1] = hi0; b[2] = lo1; b[3] = hi1; b[4] = lo2; b[5] = hi2;
      return;
    }
    b[0] = Math.min(b[0], lo0); b[1] = Math.max(b[1], hi0);
    b[2] = Math.min(b[2], lo1); b[3] = Math.max(b[3], hi1);
    b[4] = Math.min(b[4], lo2); b[5] = Math.max(b[5], hi2);
  }

  /**
   * Before a step: a cell outside the box changes only if a neighbour inside is disturbed, and
   * such a neighbour lies in the box's face layer. So each face whose layer holds a disturbed
   * cell moves out by one; the rest of the tissue stays exactly at rest. O(box surface).
   */
  private growBox(): void {
    const b = this.activeBox;
    if (b[0] >= b[1]) return;
    const T = this.fields.Tin;
    const rest = this.restT;
    const eps = this.activeEpsilonC;
    const { nx, ny, nz } = this;
    const nxy = nx * ny;
    const i0 = b[0], i1 = b[1], j0 = b[2], j1 = b[3], k0 = b[4], k1 = b[5];
    // The whole interior already (most of a run): nothing to grow into.
    if (i0 === 1 && i1 === nx - 1 && j0 === 1 && j1 === ny - 1 && k0 === 1 && k1 === nz - 1) return;
    // Scan the six face layers of the current box (before any moves, so moves are by one).
    let gi0 = false, gi1 = false, gj0 = false, gj1 = false, gk0 = false, gk1 = false;
    for (let k = k0; k < k1; k++) {
      for (let j = j0; j < j1; j++) {
        const row = k * nxy + j * nx;
        if (i0 > 1 && !gi0 && Math.abs(T[row + i0] - rest) > eps) gi0 = true;
        if (i1 < nx - 1 && !gi1 && Math.abs(T[row + i1 - 1] - rest) > eps) gi1 = true;
      }
      if (j0 > 1 && !gj0) gj0 = disturbedRun(T, k * nxy + j0 * nx, i0, i1, rest, eps);
      if (j1 < ny - 1 && !gj1) gj1 = disturbedRun(T, k * nxy + (j1 - 1) * nx, i0, i1, rest, eps);
    }
    if (k0 > 1) for (let j = j0; j < j1 && !gk0; j++) gk0 = disturbedRun(T, k0 * nxy + j * nx, i0, i1, rest, eps);
    if (k1 < nz - 1) for (let j = j0; j < j1 && !gk1; j++) gk1 = disturbedRun(T, (k1 - 1) * nxy + j * nx, i0, i1, rest, eps);
    if (gi0) b[0]--;
    if (gi1) b[1]++;
    if (gj0) b[2]--;
    if (gj1) b[3]++;
    if (gk0) b[4]--;
    if (gk1) b[5]++;
  }

  /** Sum over free cells of H [J/m³] (for energy checks). */
  freeEnthalpySum(): number {
    let s = 0;
    for (let c = 0; c < this.fixedKind.length; c++) if (this.fixedKind[c] === 0) s += this.fields.H[c];
    return s;
  }

  private applyCutFaces(dtS: number): void {
    const f = this.fields;
    const m = this.tissue;
    const { cells, faceStart, neighbour, inverseDistance2, blockedShare, surfacePhi } = this.cut;
    const invH2 = 1 / (this.h * this.h);
    if (this.wasm && this.cutInWasm) {
      // The same loop in wasm (assembly/kernel.ts cutFaces), the same f64 operations.
      const heat = this.wasm.cutFaces(f, this.fixedKind, this.cut, this.oldH, dtS, invH2);
      if (this.tallyEnergy) this.energy.probes += heat * this.h * this.h * this.h;
      return;
    }
    let probeHeat = 0;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      const hOld = this.oldH[2 * i];
      const phiC = f.phiIn[c];
      // The kernel's rate includes regular faces to where the body is; swap them for cut faces.
      let rate = (f.H[c] - hOld) / dtS;
      let drive = 0;
      let conductance = 0;
      let toInside = 0;
      for (let q = faceStart[i]; q < faceStart[i + 1]; q++) {
        const regular = (f.phiIn[neighbour[q]] - phiC) * invH2;
        rate -= blockedShare[q] * regular;
        // The unblocked share of a face onto a cell inside the body also feeds the body.
        if (this.fixedKind[neighbour[q]] === 2) toInside += (1 - blockedShare[q]) * regular;
        drive += (surfacePhi[q] - phiC) * inverseDistance2[q];
        conductance += inverseDistance2[q];
      }
      const dH = cutCellStep(m, hOld, f.Tin[c], dtS, rate + drive, conductance);
      probeHeat += dH - dtS * rate + dtS * toInside;
      const h = hOld + dH;
      f.H[c] = h;
      const tNew = temperatureOf(m, h);
      f.Tout[c] = tNew;
      f.phiOut[c] = kirchhoffOf(m, tNew);
      // The kernel's trial value (regular faces into the body) is no temperature the cell had.
      const tMin = this.oldH[2 * i + 1];
      f.Tmin[c] = tNew < tMin ? tNew : tMin;
    }
    if (this.tallyEnergy) this.energy.probes += probeHeat * this.h * this.h * this.h;
  }

  /** `only`: the wall faces to apply (indices), else all. */
  private applyWallFaces(dtS: number, only: Int32Array | null = null): void {
    const f = this.fields;
    const m = this.tissue;
    const { cell, vessel, U, bloodC } = this.wallFaces;
    const invH2 = 1 / (this.h * this.h);
    if (this.wasm && this.fixedInWasm && (!only || this.listsInWasm)) {
      this.wasm.wallFaces(f, this.fixedKind, this.wallFaces, only, dtS, invH2, this.h);
      return;
    }
    const count = only ? only.length : cell.length;
    for (let p = 0; p < count; p++) {
      const q = only ? only[p] : p;
      const c = cell[q];
      if (this.fixedKind[c] !== 0) continue;
      // Replace the conduction term to the vessel cell by the wall in series with half a cell.
      const regular = (f.phiIn[vessel[q]] - f.phiIn[c]) * invH2;
      const k = conductivityOf(m, f.Tin[c]);
      const u = 1 / (1 / U[q] + (0.5 * this.h) / k);
      const wall = (u * (bloodC[q] - f.Tin[c])) / this.h;
      const h = f.H[c] + dtS * (wall - regular);
      f.H[c] = h;
      const tNew = temperatureOf(m, h);
      f.Tout[c] = tNew;
      f.phiOut[c] = kirchhoffOf(m, tNew);
      if (tNew < f.Tmin[c]) f.Tmin[c] = tNew;
    }
  }

  /**
   * Heat into free cells from the outer layer through the faces that box b reaches [W/m³ summed]
   * (0 with an insulated outer layer or an empty box).
   */
  private outerLayerInflow(b: Int32Array): number {
    if (this.outer !== 'rest' || b[0] >= b[1]) return 0;
    const f = this.fields;
    const { nx, ny, nz } = this;
    const nxy = nx * ny;
    const invH2 = 1 / (this.h * this.h);
    // The same loops in wasm (assembly/kernel.ts outerInflow; fixedKind is on its memory).
    if (this.wasm && this.arena) return this.wasm.outerInflow(f.phiIn, this.fixedKind, nx, ny, nz, b, invH2);
    let sum = 0;
    const phi = f.phiIn, kind = this.fixedKind;
    const i0 = b[0], i1 = b[1], j0 = b[2], j1 = b[3], k0 = b[4], k1 = b[5];
    // Each pair of faces is visited only when the box reaches one of them (same order of sums).
    // Plain loops (this runs every step; closures cost here).
    if (i0 === 1 || i1 === nx - 1)
      for (let k = k0; k < k1; k++)
        for (let j = j0; j < j1; j++) {
          const row = k * nxy + j * nx;
          if (i0 === 1 && kind[row + 1] === 0) sum += (phi[row] - phi[row + 1]) * invH2;
          if (i1 === nx - 1 && kind[row + nx - 2] === 0) sum += (phi[row + nx - 1] - phi[row + nx - 2]) * invH2;
        }
    if (j0 === 1 || j1 === ny - 1)
      for (let k = k0; k < k1; k++)
        for (let i = i0; i < i1; i++) {
          const lo = k * nxy + nx + i, hi = k * nxy + (ny - 2) * nx + i;
          if (j0 === 1 && kind[lo] === 0) sum += (phi[lo - nx] - phi[lo]) * invH2;
          if (j1 === ny - 1 && kind[hi] === 0) sum += (phi[hi + nx] - phi[hi]) * invH2;
        }
    if (k0 === 1 || k1 === nz - 1)
      for (let j = j0; j < j1; j++)
        for (let i = i0; i < i1; i++) {
          const lo = nxy + j * nx + i, hi = (nz - 2) * nxy + j * nx + i;
          if (k0 === 1 && kind[lo] === 0) sum += (phi[lo - nxy] - phi[lo]) * invH2;
          if (k1 === nz - 1 && kind[hi] === 0) sum += (phi[hi + nxy] - phi[hi]) * invH2;
        }
    return sum;
  }

  /**
   * The part of fixedCellInflow over dt [J/m³ summed] that a probe blocks: a cut face onto a fixed
   * cell (the outer layer, when a probe's active zone comes within a cell of the grid's edge, or a
   * vessel) passes only its unblocked share of the regular flux (applyCutFaces), while
   * fixedCellInflow counts the whole face.
   */
  private blockedFixedInflow(dtS: number): number {
    const { cells, faceStart, neighbour, blockedShare } = this.cut;
    const phi = this.fields.phiIn;
    const invH2 = 1 / (this.h * this.h);
    let sum = 0;
    for (let i = 0; i < cells.length; i++)
      for (let q = faceStart[i]; q < faceStart[i + 1]; q++) {
        const n = neighbour[q];
        if (this.fixedKind[n] === 1 && blockedShare[q] > 0) sum += blockedShare[q] * (phi[n] - phi[cells[i]]) * invH2;
      }
    return sum * dtS;
  }

  /**
   * Heat into free cells from fixed neighbours over dt [J/m³ summed]: `outerSum` (outerLayerInflow
   * of the cells stepped) plus the vessel faces (`only`: those to count, as indices; else all).
   * Outside the active box both sides of a face are exactly at rest (a zero term).
   */
  private fixedCellInflow(dtS: number, outerSum: number, only: Int32Array | null = null): number {
    const f = this.fields;
    const invH2 = 1 / (this.h * this.h);
    let sum = outerSum;
    // Vessel faces (regular or walled: the wall correction already moved H; count its real flux).
    // Precomputed face list (same order as vessels × cells × directions): no per-step allocation.
    const vf = this.vesselFaces;
    if (this.wasm && this.fixedInWasm && (!only || this.listsInWasm)) {
      return this.wasm.vesselInflow(f, this.fixedKind, vf, only, sum, invH2, this.h) * dtS;
    }
    const count = only ? only.length : vf.vessel.length;
    for (let p = 0; p < count; p++) {
      const q = only ? only[p] : p;
      const n = vf.tissue[q];
      if (this.fixedKind[n] !== 0) continue;
      const vc = vf.vessel[q];
      const wallH = vf.wallH[q];
      if (wallH === 0) sum += (f.phiIn[vc] - f.phiIn[n]) * invH2;
      else {
        const k = conductivityOf(this.tissue, f.Tin[n]);
        const u = 1 / (1 / wallH + (0.5 * this.h) / k);
        sum += (u * (vf.bloodC[q] - f.Tin[n])) / this.h;
      }
    }
    return sum * dtS;
  }

  /** `vesselCells`: the vessel cells to reset (default: every vessel's). */
  private resetFixed(Tout: Float32Array, phiOut: Float32Array, vesselCells: Int32Array | null = null, vesselBlood: Float64Array | null = null): void {
    const m = this.tissue;
    if (this.wasm && this.cutInWasm && this.fixedInWasm && (!vesselCells || this.listsInWasm)) {
      // The same loops in wasm (assembly/kernel.ts resetInside, resetVessels).
      this.wasm.resetInside(this.fields, Tout, phiOut, this.insideCells, this.insideValue);
      if (vesselCells && vesselBlood) this.wasm.resetVessels(this.fields, Tout, phiOut, vesselCells, vesselBlood);
      else this.wasm.resetVessels(this.fields, Tout, phiOut, this.vesselCells.cells, this.vesselCells.blood);
      return;
    }
    for (let i = 0; i < this.insideCells.length; i++) {
      const c = this.insideCells[i];
      const t = this.insideValue[i];
      this.fields.H[c] = enthalpyOf(m, t);
      Tout[c] = t;
      phiOut[c] = kirchhoffOf(m, t);
      if (t < this.fields.Tmin[c]) this.fields.Tmin[c] = t;
    }
    if (vesselCells && vesselBlood) {
      for (let i = 0; i < vesselCells.length; i++) {
        const c = vesselCells[i], t = vesselBlood[i];
        this.fields.H[c] = enthalpyOf(m, t);
        Tout[c] = t;
        phiOut[c] = kirchhoffOf(m, t);
        this.fields.Tmin[c] = Math.min(this.tissue.restC, t);
      }
      return;
    }
    for (const v of this.vessels) {
      const phi = kirchhoffOf(m, v.bloodC);
      const H = enthalpyOf(m, v.bloodC);
      // The kernel stepped these cells before this reset; their true history is blood temperature
      // (from the resting start), so undo any minimum it recorded.
      const tMin = Math.min(this.tissue.restC, v.bloodC);
      for (const c of v.cells) {
        this.fields.H[c] = H;
        Tout[c] = v.bloodC;
        phiOut[c] = phi;
        this.fields.Tmin[c] = tMin;
      }
    }
  }

  /** Zero-flux outer faces: each outer cell copies its inner neighbour. */
  private mirrorOuterLayer(Tout: Float32Array, phiOut: Float32Array): void {
    const { nx, ny, nz } = this;
    const nxy = nx * ny;
    const copy = (to: number, from: number): void => {
      Tout[to] = Tout[from];
      phiOut[to] = phiOut[from];
      this.fields.H[to] = this.fields.H[from];
    };
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        copy(k * nxy + j * nx, k * nxy + j * nx + 1);
        copy(k * nxy + j * nx + nx - 1, k * nxy + j * nx + nx - 2);
      }
    for (let k = 0; k < nz; k++)
      for (let i = 0; i < nx; i++) {
        copy(k * nxy + i, k * nxy + nx + i);
        copy(k * nxy + (ny - 1) * nx + i, k * nxy + (ny - 2) * nx + i);
      }
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        copy(j * nx + i, nxy + j * nx + i);
        copy((nz - 1) * nxy + j * nx + i, (nz - 2) * nxy + j * nx + i);
      }
  }

  private setCell(c: number, T: number): void {
    const m = this.tissue;
    const f = this.fields;
    f.H[c] = enthalpyOf(m, T);
    f.Tin[c] = f.Tout[c] = T;
    f.phiIn[c] = f.phiOut[c] = kirchhoffOf(m, T);
    if (T < f.Tmin[c]) f.Tmin[c] = T;
  }

  private markOuterLayer(): void {
    const { nx, ny, nz } = this;
    const kind = this.fixedKind;
    // The first and last plane whole, the first and last row of the others, and the end cells of
    // their other rows.
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        const row = nx * (j + ny * k);
        if (k === 0 || k === nz - 1 || j === 0 || j === ny - 1) kind.fill(1, row, row + nx);
        else kind[row] = kind[row + nx - 1] = 1;
      }
  }

  private buildVesselFaces(): void {
    const vessel: number[] = [], tissue: number[] = [], wallH: number[] = [], blood: number[] = [];
    for (const v of this.vessels)
      for (const vc of v.cells)
        for (let d = 0; d < 6; d++) {
          const n = this.neighbourOf(vc, d);
          // Outer-layer and vessel cells never become free; probe cells are checked per step.
          if (n < 0 || this.fixedKind[n] === 1) continue;
          vessel.push(vc);
          tissue.push(n);
          wallH.push(v.wallH ?? 0);
          blood.push(v.bloodC);
        }
    this.vesselFaces = {
      vessel: Int32Array.from(vessel), tissue: Int32Array.from(tissue), wallH: Float64Array.from(wallH), bloodC: Float64Array.from(blood),
    };
  }

  private buildWallFaces(): void {
    const cell: number[] = [], vessel: number[] = [], U: number[] = [], blood: number[] = [];
    for (const v of this.vessels) {
      if (v.wallH === null) continue;
      for (const vc of v.cells)
        for (let d = 0; d < 6; d++) {
          const n = this.neighbourOf(vc, d);
          if (n < 0 || this.fixedKind[n] !== 0) continue;
          cell.push(n);
          vessel.push(vc);
          U.push(v.wallH);
          blood.push(v.bloodC);
        }
    }
    this.wallFaces = {
      cell: Int32Array.from(cell), vessel: Int32Array.from(vessel), U: Float64Array.from(U), bloodC: Float64Array.from(blood),
    };
  }

  private neighbourOf(c: number, d: number): number {
    const { nx, ny, nz } = this;
    const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
    const ijk = [i, j, k];
    ijk[NEIGHBOUR_AXES[d]] += NEIGHBOUR_SIGNS[d];
    if (ijk[0] < 0 || ijk[1] < 0 || ijk[2] < 0 || ijk[0] >= nx || ijk[1] >= ny || ijk[2] >= nz) return -1;
    return ijk[0] + nx * (ijk[1] + ny * ijk[2]);
  }

  private centreM(c: number): Vec3 {
    const { nx, ny } = this;
    const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
    const o = this.grid.originMm;
    return [(o[0] + i * this.grid.spacingMm) / 1000, (o[1] + j * this.grid.spacingMm) / 1000, (o[2] + k * this.grid.spacingMm) / 1000];
  }

  /** Calls fn for every cell whose centre lies within one cell of the body's bounds. */
  private forCellsNear(body: Body, fn: (c: number, centre: Vec3) => void): void {
    const g = this.grid;
    const lo: Vec3 = [0, 0, 0], hi: Vec3 = [0, 0, 0];
    const limitMin: Vec3 = [g.originMm[0] / 1000, g.originMm[1] / 1000, g.originMm[2] / 1000];
    const limitMax: Vec3 = [
      (g.originMm[0] + (this.nx - 1) * g.spacingMm) / 1000,
      (g.originMm[1] + (this.ny - 1) * g.spacingMm) / 1000,
      (g.originMm[2] + (this.nz - 1) * g.spacingMm) / 1000,
    ];
    const b = bodyBounds(body, limitMin, limitMax);
    const dims = g.dims;
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.max(0, Math.floor((b.min[a] * 1000 - g.originMm[a]) / g.spacingMm) - 1);
      hi[a] = Math.min(dims[a] - 1, Math.ceil((b.max[a] * 1000 - g.originMm[a]) / g.spacingMm) + 1);
    }
    for (let k = lo[2]; k <= hi[2]; k++)
      for (let j = lo[1]; j <= hi[1]; j++)
        for (let i = lo[0]; i <= hi[0]; i++) {
          const c = i + this.nx * (j + this.ny * k);
          fn(c, this.centreM(c));
        }
  }

  /**
   * Cut faces of the active bodies. Each face of a free cell is probed with SUBRAYS² parallel rays
   * spread over the face (midpoint rule): a ray that meets the body couples its share of the face
   * to the surface at the crossing distance; the other rays keep conducting to the neighbour. The
   * coupling therefore varies smoothly as a thin probe moves across a cell, and a probe that only
   * grazes a face still draws heat through it.
   */
  private buildCutFaces(active: ColdSource[]): CutFaces {
    const m = this.tissue;
    const perCell = new Map<number, { n: number; inv: number; blocked: number; phi: number }[]>();
    const h = this.h;
    const share = 1 / (SUBRAYS * SUBRAYS);
    const offsets: number[] = [];
    for (let q = 0; q < SUBRAYS; q++) offsets.push(((q + 0.5) / SUBRAYS - 0.5) * h);
    const a: Vec3 = [0, 0, 0], b: Vec3 = [0, 0, 0];
    for (const s of active) {
      const surfacePhi = kirchhoffOf(m, s.surfaceC as number);
      this.forCellsNear(s.body, (c, p) => {
        // A cell farther from the surface than its rays reach has no face to cut.
        if (this.fixedKind[c] !== 0 || surfaceDistanceBound(s.body, p) > RAY_REACH * h) return;
        for (let d = 0; d < 6; d++) {
          const n = this.neighbourOf(c, d);
          if (n < 0) continue;
          const axis = NEIGHBOUR_AXES[d];
          const u = (axis + 1) % 3, v = (axis + 2) % 3;
          let inv = 0, blocked = 0;
          for (const ou of offsets)
            for (const ov of offsets) {
              a[0] = p[0]; a[1] = p[1]; a[2] = p[2];
              a[u] += ou; a[v] += ov;
              b[0] = a[0]; b[1] = a[1]; b[2] = a[2];
              b[axis] += NEIGHBOUR_SIGNS[d] * h;
              // A ray that starts inside the body lies within the body's own cells: no face to cut.
              const hit = bodyContains(s.body, a) ? null : segmentEntry(s.body, a, b);
              if (hit === null) continue;
              blocked += share;
              inv += share / (Math.max(hit, MIN_CUT_FRACTION) * h * h);
            }
          // A face onto a cell inside a body still needs an entry when no ray was cut (a cell
          // whose face rays start inside the body, or graze it): its regular flux feeds the body,
          // and the probes' tally takes it from this list (cutFaces' toInside).
          if (blocked === 0 && this.fixedKind[n] !== 2) continue;
          let list = perCell.get(c);
          if (!list) perCell.set(c, (list = []));
          const existing = list.find((e) => e.n === n);
          // Two bodies on one face: the stronger coupling wins.
          if (existing) {
            if (inv > existing.inv) Object.assign(existing, { inv, blocked, phi: surfacePhi });
          } else list.push({ n, inv, blocked, phi: surfacePhi });
        }
      });
    }
    // Conservation: a face's blocked share must be removed from both of its cells. Where the
    // neighbour is free, give it the same share (its own rays may have hit less, or not at all).
    for (const [c, list] of [...perCell]) {
      for (const e of list) {
        if (this.fixedKind[e.n] !== 0) continue;
        let back = perCell.get(e.n);
        if (!back) perCell.set(e.n, (back = []));
        const twin = back.find((x) => x.n === c);
        if (!twin) back.push({ n: c, inv: 0, blocked: e.blocked, phi: e.phi });
        else twin.blocked = e.blocked = Math.max(twin.blocked, e.blocked);
      }
    }
    const cells = Int32Array.from(perCell.keys()).sort();
    const faceStart = new Int32Array(cells.length + 1);
    const neighbour: number[] = [], inverseDistance2: number[] = [], blockedShare: number[] = [], surfacePhi: number[] = [];
    cells.forEach((c, i) => {
      faceStart[i] = neighbour.length;
      for (const e of perCell.get(c)!) {
        neighbour.push(e.n);
        inverseDistance2.push(e.inv);
        blockedShare.push(e.blocked);
        surfacePhi.push(e.phi);
      }
    });
    faceStart[cells.length] = neighbour.length;
    return {
      cells, faceStart, neighbour: Int32Array.from(neighbour), inverseDistance2: Float64Array.from(inverseDistance2),
      blockedShare: Float64Array.from(blockedShare), surfacePhi: Float64Array.from(surfacePhi),
    };
  }
}

/** Newton steps a cut cell's coupling may take (bisection included: enough for f64). */
const CUT_SOLVE_ITERATIONS = 60;
/** A cut cell's coupling is solved when its residual is below this [J/m³] (H is stored in float32). */
const CUT_SOLVE_TOLERANCE_J_M3 = 1e-3;

/**
 * A cut cell's enthalpy change over a step [J/m³]: `rateDrive` = the kernel's rate without the
 * blocked faces plus the body drive Σ (φ_surface − φ)/d², `conductance` = Σ 1/d² [1/m²]. Backward
 * Euler in the body coupling, x = dt·rateDrive − dt·conductance·(φ(hOld + x) − φ(hOld)): first the
 * point-implicit estimate (φ linearised at the old temperature), which is exact while the cell
 * stays frozen or stays unfrozen (φ linear in H there). Across or inside the mushy zone k/C changes
 * up to 30-fold and the estimate overshoots (a mushy cell at a re-freeze went to −263 °C next to a
 * −145 °C probe), so Newton's method finishes the solve there, bisecting when a step leaves the
 * bracket (the residual increases with x, as φ does with H). assembly/kernel.ts mirrors this
 * operation for operation.
 */
export function cutCellStep(m: TissueModel, hOld: number, tOld: number, dtS: number, rateDrive: number, conductance: number): number {
  const slope = conductivityOf(m, tOld) / capacityOf(m, tOld);
  let x = (dtS * rateDrive) / (1 + dtS * slope * conductance);
  const t1 = temperatureOf(m, hOld + x);
  if ((tOld < m.Ts && t1 <= m.Ts) || (tOld > m.Tl && t1 >= m.Tl)) return x;
  const a = dtS * rateDrive, b = dtS * conductance;
  const phiOld = kirchhoffOf(m, temperatureOf(m, hOld));
  let lo = -Infinity, hi = Infinity;
  for (let it = 0; it < CUT_SOLVE_ITERATIONS; it++) {
    const t = temperatureOf(m, hOld + x);
    const r = x - a + b * (kirchhoffOf(m, t) - phiOld);
    if (Math.abs(r) <= CUT_SOLVE_TOLERANCE_J_M3) break;
    if (r > 0) hi = x;
    else lo = x;
    let next = x - r / (1 + b * (conductivityOf(m, t) / capacityOf(m, t)));
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    x = next;
  }
  return x;
}

/**
 * Largest stable explicit step [s] of warm tissue alone (unfrozen or mushy, never frozen): the
 * slow region of a multi-rate step. A cell next to a vessel wall swaps one regular face (k/h²)
 * for the wall in series with half a cell (≤ U/h), so its stencil weight is 5k/h² + max(k/h², U/h).
 */
export function warmStableStepS(m: TissueModel, h: number, wallU: ArrayLike<number> = []): number {
  let uMax = 0;
  for (let q = 0; q < wallU.length; q++) uMax = Math.max(uMax, wallU[q]);
  const cMushy = Math.min(m.mushyB, m.mushyB + (2 * m.mushyA) / m.invMushyWidth);
  const states: [number, number][] = [[m.kl, m.Cl], [Math.max(m.ks, m.kl), cMushy]];
  let rate = 0;
  for (const [k, C] of states) rate = Math.max(rate, (5 * k + Math.max(k, uMax * h)) / (C * h * h));
  const perfusion = m.wc > 0 ? (0.5 * m.Cl) / m.wc : Infinity;
  return Math.min(1 / rate, perfusion);
}

/** What a multi-rate macro step needs to know about its fast box (HeatSolver.splitForFastBox). */
interface FastBoxLists {
  /** Interface faces (faces.fast …) and ring cells (faces.slow …). */
  nFaces: number;
  nRing: number;
  /** Indices into wallFaces / vesselFaces of the faces whose tissue cell is in F / in S. */
  wallF: Int32Array;
  wallS: Int32Array;
  faceF: Int32Array;
  faceS: Int32Array;
  /** Vessel cells in F / in S with their blood temperature [°C], in cell order. */
  vesselCellsF: Int32Array;
  vesselBloodF: Float64Array;
  vesselCellsS: Int32Array;
  vesselBloodS: Float64Array;
}

/** Cells in box [i0, i1, j0, j1, k0, k1] (0 when empty on any axis). */
function boxCells(b: Int32Array): number {
  return b[0] < b[1] && b[2] < b[3] && b[4] < b[5] ? (b[1] - b[0]) * (b[3] - b[2]) * (b[5] - b[4]) : 0;
}

/** Whether any of the cells row + [i0, i1) differs from rest by more than eps. */
function disturbedRun(T: Float32Array, row: number, i0: number, i1: number, rest: number, eps: number): boolean {
  for (let c = row + i0; c < row + i1; c++) if (Math.abs(T[c] - rest) > eps) return true;
  return false;
}

const slowRegionScratch = new Int32Array(36);

/**
 * The slow region around fast box F (F inside A) and in its rows as six boxes [i0, i1, j0, j1,
 * k0, k1] (a shared scratch): the two z boxes and the two y boxes of A \ F, whole rows of A; then
 * A's x range over F's rows twice, for the row spans left and right of the fast cells (FastRegion
 * slowLeft, slowRight). No short boxes: the kernel runs rows in four-cell vectors plus a scalar
 * tail, and a short row is mostly tail.
 */
function slowRegions(A: Int32Array, F: Int32Array): Int32Array {
  slowRegionScratch.set([
    A[0], A[1], A[2], A[3], A[4], F[4],
    A[0], A[1], A[2], A[3], F[5], A[5],
    A[0], A[1], A[2], F[2], F[4], F[5],
    A[0], A[1], F[3], A[3], F[4], F[5],
    A[0], A[1], F[2], F[3], F[4], F[5],
    A[0], A[1], F[2], F[3], F[4], F[5],
  ]);
  return slowRegionScratch;
}

/** A copy of `lists` with every typed array on the arena, or null when one does not fit. */
function toArena<T extends object>(arena: WasmArena, lists: T): T | null {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(lists)) {
    if (value instanceof Int32Array || value instanceof Float64Array || value instanceof Uint8Array) {
      const placed = arena.copy(value);
      if (!placed) return null;
      out[key] = placed;
    } else out[key] = value;
  }
  return out as T;
}

function emptyCut(): CutFaces {
  return {
    cells: new Int32Array(0), faceStart: new Int32Array(1), neighbour: new Int32Array(0),
    inverseDistance2: new Float64Array(0), blockedShare: new Float64Array(0), surfacePhi: new Float64Array(0),
  };
}

