import { type CellBox, type Grid, cellsWithin, gridCovering } from '../geometry/grid.ts';
import { ellipsoidMesh, cylinderMesh, inlineToMesh, meshToSoup, type TriangleMesh } from '../geometry/mesh.ts';
import { type ResolvedShape, shapeBounds } from '../geometry/shapes.ts';
import type { Vec3 } from '../geometry/vec.ts';
import { signedDistanceField, voxelize } from '../geometry/voxelize.ts';
import { resolveProbe } from '../plan/catalog.ts';
import { resolveTissue } from '../plan/presets.ts';
import type { Plan, ProbeSpec, Shape } from '../plan/types.ts';
import { type TissueModel, makeTissueModel } from '../physics/tissueModel.ts';
import type { VesselCells } from '../physics/solver.ts';

/** Bytes of memory the solver and metrics hold per grid cell (fields, masks, ping-pong buffers). */
export const BYTES_PER_CELL = 64;
/** Default memory budget for one simulation grid [bytes]. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 1.5e9;

export interface PrepareOptions {
  /** Overrides plan.grid.spacing_mm [mm]. */
  spacingMm?: number;
  /** Meshes loaded from files by name (the CLI reads `{ "mesh": "tumor.stl" }` next to the plan). */
  meshes?: Record<string, TriangleMesh>;
  /** Refuse grids needing more than this [bytes]. */
  memoryBudgetBytes?: number;
}

export interface PreparedProbe {
  id: string;
  spec: ProbeSpec;
  /** Active segment ends [mm]. */
  activeFromMm: Vec3;
  activeToMm: Vec3;
}

export interface PreparedStructure {
  name: string;
  role: 'avoid' | 'vessel';
  shape: ResolvedShape;
  /** Cells measured for this structure: inside it, or for vessels the tissue layer around it. */
  measuredCells: Int32Array;
}

export interface PreparedTumor {
  shape: ResolvedShape;
  /** Cells whose centre is inside the tumour. */
  cells: Int32Array;
  /** Cells of the shell between the tumour surface and tumour + margin. */
  marginShellCells: Int32Array;
  /** Points on the tumour surface [mm] (xyz triples) where the signed margin is measured. */
  surfacePointsMm: Float32Array;
}

export interface PreparedPlan {
  plan: Plan;
  grid: Grid;
  tissue: TissueModel;
  probes: PreparedProbe[];
  tumor: PreparedTumor | null;
  structures: PreparedStructure[];
  vessels: VesselCells[];
}

/** Raised for a plan that cannot be simulated (missing mesh, grid over budget); `path` names the field. */
export class PlanPreparationError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

export function resolveShape(shape: Shape, plan: Plan, meshes: Record<string, TriangleMesh>, path: string): ResolvedShape {
  if ('ellipsoid' in shape) return { kind: 'ellipsoid', centerMm: shape.ellipsoid.center_mm, radiiMm: shape.ellipsoid.radii_mm };
  if ('cylinder' in shape)
    return { kind: 'cylinder', fromMm: shape.cylinder.from_mm, toMm: shape.cylinder.to_mm, radiusMm: shape.cylinder.radius_mm };
  const inline = plan.meshes?.[shape.mesh];
  if (inline) return { kind: 'mesh', mesh: inlineToMesh(inline) };
  const loaded = meshes[shape.mesh];
  if (loaded) return { kind: 'mesh', mesh: loaded };
  throw new PlanPreparationError(`${path}.mesh`, `mesh '${shape.mesh}' is neither in the plan's meshes nor loaded from a file`);
}

export function prepareProbe(probe: Plan['probes'][number]): PreparedProbe {
  const spec = resolveProbe(probe.type);
  const a = probe.axis;
  const at = (d: number): Vec3 => [probe.tip_mm[0] + a[0] * d, probe.tip_mm[1] + a[1] * d, probe.tip_mm[2] + a[2] * d];
  return {
    id: probe.id,
    spec,
    activeFromMm: at(spec.active_offset_mm),
    activeToMm: at(spec.active_offset_mm + spec.active_length_mm),
  };
}

/** The simulation domain of a plan: explicit bounds, or the bounds of everything plus padding. */
export function planGrid(plan: Plan, shapes: ResolvedShape[], probes: PreparedProbe[], spacingMm: number): Grid {
  if (plan.grid.bounds_mm) return gridCovering(plan.grid.bounds_mm.min, plan.grid.bounds_mm.max, spacingMm);
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const include = (lo: Vec3, hi: Vec3): void => {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], lo[a]);
      max[a] = Math.max(max[a], hi[a]);
    }
  };
  for (const s of shapes) {
    const b = shapeBounds(s);
    include(b.minMm, b.maxMm);
  }
  for (const p of probes) {
    const r = p.spec.diameter_mm / 2;
    for (const end of [p.activeFromMm, p.activeToMm]) include([end[0] - r, end[1] - r, end[2] - r], [end[0] + r, end[1] + r, end[2] + r]);
  }
  const pad = plan.grid.padding_mm;
  return gridCovering([min[0] - pad, min[1] - pad, min[2] - pad], [max[0] + pad, max[1] + pad, max[2] + pad], spacingMm);
}

/** Everything the solver and the metrics need, computed once per plan and grid. */
export function preparePlan(plan: Plan, options: PrepareOptions = {}): PreparedPlan {
  const meshes = options.meshes ?? {};
  const tumorShape = plan.tumor ? resolveShape(plan.tumor, plan, meshes, 'tumor') : null;
  const structureShapes = plan.structures.map((s, i) => resolveShape(s, plan, meshes, `structures[${i}]`));
  const probes = plan.probes.map(prepareProbe);
  const spacingMm = options.spacingMm ?? plan.grid.spacing_mm;
  const grid = planGrid(plan, tumorShape ? [tumorShape, ...structureShapes] : structureShapes, probes, spacingMm);

  const cells = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  if (cells * BYTES_PER_CELL > budget) {
    throw new PlanPreparationError(
      'grid.spacing_mm',
      `a ${grid.dims.join(' × ')} grid (${(cells / 1e6).toFixed(1)} M cells) needs about ` +
        `${Math.round((cells * BYTES_PER_CELL) / 1e6)} MB, over the memory budget of ${Math.round(budget / 1e6)} MB; ` +
        'use a coarser spacing or smaller padding',
    );
  }

  const tissue = makeTissueModel(resolveTissue(plan.tissue));
  const vessels: VesselCells[] = [];
  const structures: PreparedStructure[] = plan.structures.map((s, i) => {
    const shape = structureShapes[i];
    const mask = voxelize(grid, shape);
    // The mask is 0 farther than a cell from the shape's bounds (voxelize): only that box is read.
    const b = shapeBounds(shape);
    const box = cellsWithin(grid, b.minMm, b.maxMm, spacingMm);
    if (s.role === 'vessel') {
      vessels.push({ cells: indicesOf(mask, grid, box), bloodC: s.blood_C ?? 37, wallH: s.wall_h_W_m2K ?? null });
      const ringBox = cellsWithin(grid, b.minMm, b.maxMm, 2 * spacingMm);
      return { name: s.name, role: s.role, shape, measuredCells: indicesOf(dilationRing(mask, grid, ringBox), grid, ringBox) };
    }
    return { name: s.name, role: s.role, shape, measuredCells: indicesOf(mask, grid, box) };
  });

  let tumor: PreparedTumor | null = null;
  if (tumorShape) {
    const band = plan.margin_mm + 2 * spacingMm;
    const sdf = signedDistanceField(grid, tumorShape, band);
    const inside: number[] = [];
    const shell: number[] = [];
    // Farther than the band from the shape's bounds the field is +band, past the margin.
    const b = shapeBounds(tumorShape);
    const [i0, i1, j0, j1, k0, k1] = cellsWithin(grid, b.minMm, b.maxMm, band + spacingMm);
    const [nx, ny] = grid.dims;
    for (let k = k0; k <= k1; k++)
      for (let j = j0; j <= j1; j++)
        for (let c = i0 + nx * (j + ny * k), end = c + i1 - i0; c <= end; c++) {
          if (sdf[c] <= 0) inside.push(c);
          else if (sdf[c] <= plan.margin_mm) shell.push(c);
        }
    tumor = {
      shape: tumorShape,
      cells: Int32Array.from(inside),
      marginShellCells: Int32Array.from(shell),
      surfacePointsMm: surfacePoints(tumorShape, spacingMm),
    };
  }
  return { plan, grid, tissue, probes, tumor, structures, vessels };
}

/**
 * Surface sample points [mm], about a cell apart. Distances to the lethal isosurface are exact per
 * point; between points the distance varies smoothly, so sampling at the cell size misses the
 * minimum by far less than a cell (≈ δ²/8 × the relative curvature: < 0.01 mm for a 1 cm tumour).
 */
function surfacePoints(shape: ResolvedShape, spacingMm: number): Float32Array {
  if (shape.kind === 'mesh') return denseMeshPoints(shape.mesh, spacingMm);
  if (shape.kind === 'ellipsoid') {
    const r = Math.max(...shape.radiiMm);
    const segments = Math.max(24, Math.ceil((2 * Math.PI * r) / spacingMm));
    return ellipsoidMesh(shape.centerMm, shape.radiiMm, Math.min(segments, 256)).positions;
  }
  const segments = Math.max(24, Math.ceil((2 * Math.PI * shape.radiusMm) / spacingMm));
  return denseMeshPoints(cylinderMesh(shape.fromMm, shape.toMm, shape.radiusMm, Math.min(segments, 256)), spacingMm);
}

/** Mesh vertices plus points inside large triangles, so no surface patch is wider than `stepMm`. */
function denseMeshPoints(mesh: TriangleMesh, stepMm: number): Float32Array {
  const soup = meshToSoup(mesh);
  const out: number[] = Array.from(mesh.positions);
  for (let t = 0; t < soup.length; t += 9) {
    const e = Math.max(
      Math.hypot(soup[t + 3] - soup[t], soup[t + 4] - soup[t + 1], soup[t + 5] - soup[t + 2]),
      Math.hypot(soup[t + 6] - soup[t], soup[t + 7] - soup[t + 1], soup[t + 8] - soup[t + 2]),
    );
    const n = Math.min(16, Math.ceil(e / stepMm));
    for (let a = 0; a <= n; a++)
      for (let b = 0; a + b <= n; b++) {
        const u = a / n, v = b / n, w = 1 - u - v;
        if (u === 1 || v === 1 || w === 1) continue;
        for (let d = 0; d < 3; d++) out.push(w * soup[t + d] + u * soup[t + 3 + d] + v * soup[t + 6 + d]);
      }
  }
  return Float32Array.from(out);
}

/** The cells of `mask` (0 outside `box`) in ascending order. */
function indicesOf(mask: Uint8Array, grid: Grid, box: CellBox): Int32Array {
  const [nx, ny] = grid.dims;
  const [i0, i1, j0, j1, k0, k1] = box;
  const cells: number[] = [];
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++)
      for (let c = i0 + nx * (j + ny * k), end = c + i1 - i0; c <= end; c++) if (mask[c]) cells.push(c);
  return Int32Array.from(cells);
}

/**
 * Cells outside `mask` that touch it through a face (the tissue layer around a vessel), looked for
 * within `box` (which must hold the mask grown by a cell).
 */
function dilationRing(mask: Uint8Array, grid: Grid, box: CellBox): Uint8Array {
  const [nx, ny, nz] = grid.dims;
  const out = new Uint8Array(mask.length);
  for (let k = box[4]; k <= box[5]; k++)
    for (let j = box[2]; j <= box[3]; j++)
      for (let i = box[0]; i <= box[1]; i++) {
        const c = i + nx * (j + ny * k);
        if (mask[c]) continue;
        if ((i > 0 && mask[c - 1]) || (i < nx - 1 && mask[c + 1]) || (j > 0 && mask[c - nx]) || (j < ny - 1 && mask[c + nx]) ||
          (k > 0 && mask[c - nx * ny]) || (k < nz - 1 && mask[c + nx * ny])) out[c] = 1;
      }
  return out;
}
