import { type CellBox, type Grid, cellsWithin } from './grid.ts';
import type { TriangleMesh } from './mesh.ts';
import {
  RAY_JITTER_Y, RAY_JITTER_Z, cylinderSdfXYZ, ellipsoidSdfXYZ, meshTriangleIndex, shapeBounds,
  type ResolvedShape,
} from './shapes.ts';

/**
 * Occupancy of the grid by a shape: 1 where the cell centre is inside (or on) the shape, else 0.
 * Analytic shapes test only the cells of their bounding box. Meshes use scanline ray parity: each
 * triangle deposits its crossing x into every (j, k) row whose (jittered) line along x it meets,
 * then each row is filled between sorted crossing pairs — O(rows + crossings), not per cell.
 */
export function voxelize(grid: Grid, shape: ResolvedShape): Uint8Array {
  const [nx, ny, nz] = grid.dims;
  const out = new Uint8Array(nx * ny * nz);
  if (shape.kind === 'mesh') {
    voxelizeMeshInto(grid, shape.mesh, out);
    return out;
  }
  const b = shapeBounds(shape);
  const [i0, i1, j0, j1, k0, k1] = cellsWithin(grid, b.minMm, b.maxMm);
  const h = grid.spacingMm, ox = grid.originMm[0], oy = grid.originMm[1], oz = grid.originMm[2];
  if (shape.kind === 'ellipsoid') {
    const [cx, cy, cz] = shape.centerMm;
    const ia = 1 / shape.radiiMm[0], ib = 1 / shape.radiiMm[1], ic = 1 / shape.radiiMm[2];
    for (let k = k0; k <= k1; k++) {
      const z = (oz + k * h - cz) * ic;
      for (let j = j0; j <= j1; j++) {
        const y = (oy + j * h - cy) * ib;
        const yz = y * y + z * z;
        if (yz > 1) continue;
        const row = nx * (j + ny * k);
        for (let i = i0; i <= i1; i++) {
          const x = (ox + i * h - cx) * ia;
          if (x * x + yz <= 1) out[row + i] = 1;
        }
      }
    }
    return out;
  }
  const [fx, fy, fz] = shape.fromMm;
  const dx = shape.toMm[0] - fx, dy = shape.toMm[1] - fy, dz = shape.toMm[2] - fz;
  const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const r = shape.radiusMm;
  for (let k = k0; k <= k1; k++) {
    const z = oz + k * h;
    for (let j = j0; j <= j1; j++) {
      const y = oy + j * h;
      const row = nx * (j + ny * k);
      for (let i = i0; i <= i1; i++) {
        if (cylinderSdfXYZ(ox + i * h, y, z, fx, fy, fz, dx, dy, dz, len, r) <= 0) out[row + i] = 1;
      }
    }
  }
  return out;
}

/** Scanline parity voxelization of a closed mesh into `out` (values 0/1, length = cell count). */
function voxelizeMeshInto(grid: Grid, mesh: TriangleMesh, out: Uint8Array): void {
  const [nx, ny, nz] = grid.dims;
  const h = grid.spacingMm, ox = grid.originMm[0], oy = grid.originMm[1], oz = grid.originMm[2];
  const p = mesh.positions, idx = mesh.indices;
  const nTri = Math.floor(idx.length / 3);
  const nRows = ny * nz;
  // Rows are lines y = oy + j·h + jitterY, z = oz + k·h + jitterZ along x.
  const jy = RAY_JITTER_Y, jz = RAY_JITTER_Z;
  const counts = new Uint32Array(nRows + 1);
  let hits = new Float64Array(0);
  let start = counts;
  for (let pass = 0; pass < 2; pass++) {
    for (let t = 0; t < nTri; t++) {
      const a = idx[t * 3] * 3, b = idx[t * 3 + 1] * 3, c = idx[t * 3 + 2] * 3;
      const ya = p[a + 1], za = p[a + 2], yb = p[b + 1], zb = p[b + 2], yc = p[c + 1], zc = p[c + 2];
      const ymin = Math.min(ya, yb, yc), ymax = Math.max(ya, yb, yc);
      const zmin = Math.min(za, zb, zc), zmax = Math.max(za, zb, zc);
      const j0 = Math.max(0, Math.ceil((ymin - jy - oy) / h));
      const j1 = Math.min(ny - 1, Math.floor((ymax - jy - oy) / h));
      const k0 = Math.max(0, Math.ceil((zmin - jz - oz) / h));
      const k1 = Math.min(nz - 1, Math.floor((zmax - jz - oz) / h));
      if (j0 > j1 || k0 > k1) continue;
      for (let k = k0; k <= k1; k++) {
        const z = oz + k * h + jz;
        for (let j = j0; j <= j1; j++) {
          const y = oy + j * h + jy;
          const ay = ya - y, az = za - z, by = yb - y, bz = zb - z, cy = yc - y, cz = zc - z;
          const wa = by * cz - cy * bz;
          const wb = cy * az - ay * cz;
          const wc = ay * bz - by * az;
          if ((wa > 0 && wb > 0 && wc > 0) || (wa < 0 && wb < 0 && wc < 0)) {
            const row = j + ny * k;
            if (pass === 0) {
              counts[row + 1]++;
            } else {
              hits[start[row] + counts[row]++] = (wa * p[a] + wb * p[b] + wc * p[c]) / (wa + wb + wc);
            }
          }
        }
      }
    }
    if (pass === 0) {
      for (let r = 0; r < nRows; r++) counts[r + 1] += counts[r];
      start = counts.slice();
      hits = new Float64Array(counts[nRows]);
      counts.fill(0);
    }
  }
  for (let row = 0; row < nRows; row++) {
    const s0 = start[row], s1 = start[row + 1];
    if (s1 - s0 < 2) continue;
    // Insertion sort: rows hold few crossings.
    for (let s = s0 + 1; s < s1; s++) {
      const v = hits[s];
      let q = s - 1;
      while (q >= s0 && hits[q] > v) {
        hits[q + 1] = hits[q];
        q--;
      }
      hits[q + 1] = v;
    }
    const base = row * nx;
    for (let s = s0; s + 1 < s1; s += 2) {
      // Cells whose centre x lies in [enter, exit].
      const i0 = Math.max(0, Math.ceil((hits[s] - ox) / h));
      const i1 = Math.min(nx - 1, Math.floor((hits[s + 1] - ox) / h));
      for (let i = i0; i <= i1; i++) out[base + i] = 1;
    }
  }
}

/** Default clamp [mm] of mesh signed-distance fields. */
export const DEFAULT_MESH_BAND_MM = 10;

/**
 * Signed distance [mm] from each cell centre to the shape surface (negative inside), as a
 * Float32Array in grid order. Exact within `bandMm` of the surface; beyond it values are clamped to
 * ±bandMm. Ellipsoid and cylinder: closed-form/Newton per cell, default no clamp (exact
 * everywhere). Mesh: sign from scanline parity (as voxelize), magnitude from the bucket-grid
 * triangle index, whose search stops at the band; default band DEFAULT_MESH_BAND_MM (the cost of
 * an exact mesh distance grows with the cube of the distance; pass Infinity to insist).
 */
export function signedDistanceField(grid: Grid, shape: ResolvedShape, bandMm?: number): Float32Array {
  const [nx, ny, nz] = grid.dims;
  const n = nx * ny * nz;
  const out = new Float32Array(n);
  const h = grid.spacingMm, ox = grid.originMm[0], oy = grid.originMm[1], oz = grid.originMm[2];
  /**
   * The cells to compute: with a finite band, those within the band and a cell of the shape's
   * bounds, after setting every cell to +band (the others are farther than the band from the
   * shape, outside it); with none, every cell.
   */
  const cellsToCompute = (band: number): CellBox => {
    if (band === Infinity) return [0, nx - 1, 0, ny - 1, 0, nz - 1];
    out.fill(band);
    const b = shapeBounds(shape);
    return cellsWithin(grid, b.minMm, b.maxMm, band + h);
  };
  if (shape.kind === 'mesh') {
    const band = bandMm !== undefined && bandMm > 0 ? bandMm : DEFAULT_MESH_BAND_MM;
    const inside = new Uint8Array(n);
    voxelizeMeshInto(grid, shape.mesh, inside);
    const index = meshTriangleIndex(shape.mesh);
    const [i0, i1, j0, j1, k0, k1] = cellsToCompute(band);
    for (let k = k0; k <= k1; k++) {
      const z = oz + k * h;
      for (let j = j0; j <= j1; j++) {
        const y = oy + j * h;
        const row = nx * (j + ny * k);
        let seed = -1;
        for (let i = i0; i <= i1; i++) {
          // Neighbour coherence: the previous cell's nearest triangle gives a tight starting bound.
          const d = index.nearestDistanceXYZ(ox + i * h, y, z, band, Infinity, seed);
          seed = index.nearestTriangle;
          out[row + i] = inside[row + i] === 1 ? -d : d;
        }
      }
    }
    return out;
  }
  const band = bandMm !== undefined && bandMm > 0 ? bandMm : Infinity;
  if (shape.kind === 'ellipsoid') {
    const [cx, cy, cz] = shape.centerMm;
    const [a, b, c] = shape.radiiMm;
    const rMin = Math.min(a, b, c);
    const [i0, i1, j0, j1, k0, k1] = cellsToCompute(band);
    for (let k = k0; k <= k1; k++) {
      const z = oz + k * h;
      for (let j = j0; j <= j1; j++) {
        const y = oy + j * h;
        const row = nx * (j + ny * k);
        const yz = ((y - cy) / b) ** 2 + ((z - cz) / c) ** 2;
        for (let i = i0; i <= i1; i++) {
          const x = ox + i * h;
          if (band !== Infinity) {
            // Cheap clamp: p lies on s·E (s = sqrt(k)), and E ± |s − 1|·r_min-balls nest between
            // E and s·E, so |distance| ≥ |s − 1|·r_min.
            const s = Math.sqrt(((x - cx) / a) ** 2 + yz);
            const gap = (s > 1 ? s - 1 : 1 - s) * rMin;
            if (gap >= band) {
              out[row + i] = s > 1 ? band : -band;
              continue;
            }
          }
          const d = ellipsoidSdfXYZ(x, y, z, cx, cy, cz, a, b, c);
          out[row + i] = d > band ? band : d < -band ? -band : d;
        }
      }
    }
    return out;
  }
  const [fx, fy, fz] = shape.fromMm;
  const dx = shape.toMm[0] - fx, dy = shape.toMm[1] - fy, dz = shape.toMm[2] - fz;
  const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const r = shape.radiusMm;
  const [i0, i1, j0, j1, k0, k1] = cellsToCompute(band);
  for (let k = k0; k <= k1; k++) {
    const z = oz + k * h;
    for (let j = j0; j <= j1; j++) {
      const y = oy + j * h;
      const row = nx * (j + ny * k);
      for (let i = i0; i <= i1; i++) {
        const d = cylinderSdfXYZ(ox + i * h, y, z, fx, fy, fz, dx, dy, dz, len, r);
        out[row + i] = d > band ? band : d < -band ? -band : d;
      }
    }
  }
  return out;
}
