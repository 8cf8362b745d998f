import type { Grid } from './grid.ts';
import type { TriangleMesh } from './mesh.ts';
import { doubled } from './typedArrays.ts';

/**
 * An indexed isosurface [mm] with one unit normal per vertex as signed bytes (component × 127,
 * rounded: a normalized Int8 vertex attribute reads n / 127). Vertices are shared: each lies on
 * one grid edge and every triangle that cuts that edge uses it, about 6 triangles per vertex, so
 * a 1 mm frame's surfaces are 2.3× fewer bytes to transfer, keep and upload than a triangle soup
 * (45 bytes a triangle against ~20), and shading cannot tell 1/127 apart.
 */
export interface Isosurface extends TriangleMesh {
  normals: Int8Array;
}

/*
 * Marching tetrahedra on the 6-tetrahedron (Freudenthal/Kuhn) split of each grid cube: every
 * tetrahedron shares the cube diagonal 0–7, so each cube face is cut along the diagonal from its
 * lowest to its highest corner, which the neighbouring cube cuts the same way: the surface has no
 * cracks and needs no 256-case table. Inside a tetrahedron the field is taken as linear, so the
 * isosurface there is one plane triangle (1 or 3 corners above) or one quad (2 above).
 *
 * Cube corner c has offset (c & 1, (c >> 1) & 1, (c >> 2) & 1) in (i, j, k).
 */
const TETS = new Uint8Array([0, 1, 3, 7, 0, 1, 5, 7, 0, 2, 3, 7, 0, 2, 6, 7, 0, 4, 5, 7, 0, 4, 6, 7]);

// Scratch and growth buffers, reused across calls (results are returned as exact-length copies).
const val = new Float64Array(8);
const cpos = new Float64Array(24);
const grad = new Float64Array(24);
/** Up to 4 edge vertices per tetrahedron: xyz, and each one's vertex index. */
const ev = new Float64Array(12);
const evVertex = new Int32Array(4);
let outPos = new Float32Array(3 * 4096);
let outNrm = new Float32Array(3 * 4096);
/** The grid edge each vertex lies on (edgeKey). */
let outKey = new Int32Array(4096);
let vertexCount = 0;
let outIdx = new Uint32Array(3 * 8192);
let indexCount = 0;
/**
 * Vertex of each grid edge whose lower end is in plane k (edgesLo) or k + 1 (edgesHi) of the
 * current cube slab, at (i + nx·j)·8 + direction. Entries are never cleared: one is valid only
 * if it names a vertex of this call whose edge key matches (so stale entries cost nothing).
 */
let edgesLo = new Int32Array(0);
let edgesHi = new Int32Array(0);
/** The current cube's lattice position and the grid's nx, ny (for edge keys). */
let cubeI = 0, cubeJ = 0, cubeK = 0, gridNx = 0, gridNy = 0;
/** Per row of cells along x (index j + ny·k): the lowest and highest finite value. */
let rowLo = new Float64Array(0);
let rowHi = new Float64Array(0);

/**
 * Fills rowLo / rowHi for every x row of the field (NaN ignored). A cube row whose four
 * neighbouring cell rows are all on one side of a level has no crossing and is skipped: the ice
 * occupies a small part of the grid, so most rows are skipped after this one cheap pass.
 */
function rowRanges(field: ArrayLike<number>, nx: number, rows: number): void {
  if (rowLo.length < rows) {
    rowLo = new Float64Array(rows);
    rowHi = new Float64Array(rows);
  }
  for (let r = 0; r < rows; r++) {
    let lo = Infinity, hi = -Infinity;
    const base = r * nx;
    for (let i = 0; i < nx; i++) {
      const v = field[base + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    rowLo[r] = lo;
    rowHi[r] = hi;
  }
}

function growVertices(): void {
  outPos = doubled(outPos);
  outNrm = doubled(outNrm);
  outKey = doubled(outKey);
}

/**
 * The vertex on cube edge (a, b) into slot s of `ev` and `evVertex`: the edge's existing vertex
 * if a neighbouring tetrahedron or cube made it, else a new one, interpolated from the edge's
 * lower corner (so it is the same point whichever cube reaches it first). Every edge of the
 * split runs from a corner to one whose offset bits include it: direction = the added bits.
 */
function edgeVertex(s: number, a: number, b: number, level: number): void {
  const lo = (a & b) === a ? a : b, hi = lo === a ? b : a;
  const li = cubeI + (lo & 1), lj = cubeJ + ((lo >> 1) & 1), lk = cubeK + (lo >> 2);
  const slot = (li + gridNx * lj) * 8 + (hi ^ lo);
  const key = ((lk * gridNy + lj) * gridNx + li) * 8 + (hi ^ lo);
  const edges = lo >> 2 ? edgesHi : edgesLo;
  const known = edges[slot];
  const o = s * 3;
  if (known >= 0 && known < vertexCount && outKey[known] === key) {
    evVertex[s] = known;
    const p = known * 3;
    ev[o] = outPos[p]; ev[o + 1] = outPos[p + 1]; ev[o + 2] = outPos[p + 2];
    return;
  }
  const vl = val[lo], vh = val[hi];
  const t = (level - vl) / (vh - vl);
  const l3 = lo * 3, h3 = hi * 3;
  ev[o] = cpos[l3] + t * (cpos[h3] - cpos[l3]);
  ev[o + 1] = cpos[l3 + 1] + t * (cpos[h3 + 1] - cpos[l3 + 1]);
  ev[o + 2] = cpos[l3 + 2] + t * (cpos[h3 + 2] - cpos[l3 + 2]);
  if (vertexCount * 3 + 3 > outPos.length) growVertices();
  const v = vertexCount++;
  const p = v * 3;
  outPos[p] = ev[o]; outPos[p + 1] = ev[o + 1]; outPos[p + 2] = ev[o + 2];
  // The interpolated gradient, normalised once the surface is complete.
  outNrm[p] = grad[l3] + t * (grad[h3] - grad[l3]);
  outNrm[p + 1] = grad[l3 + 1] + t * (grad[h3 + 1] - grad[l3 + 1]);
  outNrm[p + 2] = grad[l3 + 2] + t * (grad[h3 + 2] - grad[l3 + 2]);
  outKey[v] = key;
  edges[slot] = v;
  evVertex[s] = v;
  // Positions are read back from the float32 store, so a reused vertex is the same point.
  ev[o] = outPos[p]; ev[o + 1] = outPos[p + 1]; ev[o + 2] = outPos[p + 2];
}

/**
 * Emits the triangle of slots s0, s1, s2, wound so that its geometric normal points from the
 * below-level corner `lo` to the above-level corner `hi` (toward increasing field values).
 */
function emit(s0: number, s1: number, s2: number, lo: number, hi: number): void {
  if (indexCount + 3 > outIdx.length) outIdx = doubled(outIdx);
  const o0 = s0 * 3, o1 = s1 * 3, o2 = s2 * 3;
  let v1 = evVertex[s1], v2 = evVertex[s2];
  const ux = ev[o1] - ev[o0], uy = ev[o1 + 1] - ev[o0 + 1], uz = ev[o1 + 2] - ev[o0 + 2];
  const vx = ev[o2] - ev[o0], vy = ev[o2 + 1] - ev[o0 + 1], vz = ev[o2 + 2] - ev[o0 + 2];
  let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const dx = cpos[hi * 3] - cpos[lo * 3];
  const dy = cpos[hi * 3 + 1] - cpos[lo * 3 + 1];
  const dz = cpos[hi * 3 + 2] - cpos[lo * 3 + 2];
  if (nx * dx + ny * dy + nz * dz < 0) {
    const tv = v1;
    v1 = v2;
    v2 = tv;
    nx = -nx;
    ny = -ny;
    nz = -nz;
  }
  const v0 = evVertex[s0];
  outIdx[indexCount] = v0;
  outIdx[indexCount + 1] = v1;
  outIdx[indexCount + 2] = v2;
  indexCount += 3;
  for (let q = 0; q < 3; q++) {
    const p = (q === 0 ? v0 : q === 1 ? v1 : v2) * 3;
    const gx = outNrm[p], gy = outNrm[p + 1], gz = outNrm[p + 2];
    // Flat or non-finite gradient: the face normal instead.
    if (!(gx * gx + gy * gy + gz * gz > 0)) {
      outNrm[p] = nx;
      outNrm[p + 1] = ny;
      outNrm[p + 2] = nz;
    }
  }
}

/**
 * Isosurface of a cell-centred scalar field at `level`, as an indexed mesh in mm (vertices at
 * cell centres' positions, linearly interpolated along edges, one per cut edge). Normals are the
 * normalised field gradient (central differences, one-sided at the border) interpolated along the
 * edge: they point toward increasing values (the warmer side of a temperature field), and
 * triangles are wound counter-clockwise seen from that side, so a closed surface around a cold
 * region has positive enclosed volume. Values ≥ level count as above. Cubes with a NaN corner are
 * skipped. Method: marching tetrahedra (see the comment at the top of this file). The reference
 * for assembly/isosurface.ts, which builds the same buffers in wasm (keep the two in step).
 */
export function isosurface(field: ArrayLike<number>, grid: Grid, level: number): Isosurface {
  const [nx, ny, nz] = grid.dims;
  const h = grid.spacingMm;
  const ox = grid.originMm[0], oy = grid.originMm[1], oz = grid.originMm[2];
  const sx = 1, sy = nx, sz = nx * ny;
  vertexCount = 0;
  indexCount = 0;
  gridNx = nx;
  gridNy = ny;
  if (edgesLo.length < nx * ny * 8) {
    edgesLo = new Int32Array(nx * ny * 8).fill(-1);
    edgesHi = new Int32Array(nx * ny * 8).fill(-1);
  }
  const inv2h = 1 / (2 * h), invh = 1 / h;
  rowRanges(field, nx, ny * nz);
  for (let k = 0; k + 1 < nz; k++) {
    // The upper plane's edges are the next slab's lower plane's.
    if (k > 0) [edgesLo, edgesHi] = [edgesHi, edgesLo];
    cubeK = k;
    for (let j = 0; j + 1 < ny; j++) {
      cubeJ = j;
      const r0 = j + ny * k, r1 = r0 + 1, r2 = r0 + ny, r3 = r2 + 1;
      const lo = Math.min(rowLo[r0], rowLo[r1], rowLo[r2], rowLo[r3]);
      const hi = Math.max(rowHi[r0], rowHi[r1], rowHi[r2], rowHi[r3]);
      // A cube emits only with a corner ≥ level and a finite corner below it.
      if (!(lo < level && hi >= level)) continue;
      const row = sy * j + sz * k;
      // Sliding window: the x+1 face of one cube is the x face of the next.
      let f0 = field[row], f2 = field[row + sy], f4 = field[row + sz], f6 = field[row + sy + sz];
      for (let i = 0; i + 1 < nx; i++) {
        const base = row + i;
        const f1 = field[base + 1], f3 = field[base + sy + 1];
        const f5 = field[base + sz + 1], f7 = field[base + sy + sz + 1];
        const above =
          (f0 >= level ? 1 : 0) + (f1 >= level ? 1 : 0) + (f2 >= level ? 1 : 0) + (f3 >= level ? 1 : 0) +
          (f4 >= level ? 1 : 0) + (f5 >= level ? 1 : 0) + (f6 >= level ? 1 : 0) + (f7 >= level ? 1 : 0);
        if (above !== 0 && above !== 8) {
          val[0] = f0; val[1] = f1; val[2] = f2; val[3] = f3;
          val[4] = f4; val[5] = f5; val[6] = f6; val[7] = f7;
          let finite = true;
          for (let c = 0; c < 8; c++) if (val[c] !== val[c]) finite = false;
          if (finite) {
            cubeI = i;
            for (let c = 0; c < 8; c++) {
              const ci = i + (c & 1), cj = j + ((c >> 1) & 1), ck = k + ((c >> 2) & 1);
              const c3 = c * 3;
              cpos[c3] = ox + ci * h;
              cpos[c3 + 1] = oy + cj * h;
              cpos[c3 + 2] = oz + ck * h;
              const idx = ci * sx + cj * sy + ck * sz;
              grad[c3] = ci === 0 ? (field[idx + sx] - field[idx]) * invh
                : ci === nx - 1 ? (field[idx] - field[idx - sx]) * invh
                  : (field[idx + sx] - field[idx - sx]) * inv2h;
              grad[c3 + 1] = cj === 0 ? (field[idx + sy] - field[idx]) * invh
                : cj === ny - 1 ? (field[idx] - field[idx - sy]) * invh
                  : (field[idx + sy] - field[idx - sy]) * inv2h;
              grad[c3 + 2] = ck === 0 ? (field[idx + sz] - field[idx]) * invh
                : ck === nz - 1 ? (field[idx] - field[idx - sz]) * invh
                  : (field[idx + sz] - field[idx - sz]) * inv2h;
            }
            for (let t = 0; t < 24; t += 4) polygoniseTet(TETS[t], TETS[t + 1], TETS[t + 2], TETS[t + 3], level);
          }
        }
        f0 = f1; f2 = f3; f4 = f5; f6 = f7;
      }
    }
  }
  const normals = new Int8Array(vertexCount * 3);
  for (let p = 0; p < vertexCount * 3; p += 3) {
    const gx = outNrm[p], gy = outNrm[p + 1], gz = outNrm[p + 2];
    const gl = Math.sqrt(gx * gx + gy * gy + gz * gz);
    if (!(gl > 0)) continue; // a degenerate triangle's vertex: no direction to give
    normals[p] = Math.floor((gx / gl) * 127 + 0.5);
    normals[p + 1] = Math.floor((gy / gl) * 127 + 0.5);
    normals[p + 2] = Math.floor((gz / gl) * 127 + 0.5);
  }
  return { positions: outPos.slice(0, vertexCount * 3), normals, indices: outIdx.slice(0, indexCount) };
}

function polygoniseTet(a: number, b: number, c: number, d: number, level: number): void {
  const ua = val[a] >= level, ub = val[b] >= level, uc = val[c] >= level, ud = val[d] >= level;
  const n = (ua ? 1 : 0) + (ub ? 1 : 0) + (uc ? 1 : 0) + (ud ? 1 : 0);
  if (n === 0 || n === 4) return;
  if (n === 1 || n === 3) {
    // The lone corner (the one above when n = 1, below when n = 3) against the other three.
    const lone = n === 1 ? (ua ? a : ub ? b : uc ? c : d) : (!ua ? a : !ub ? b : !uc ? c : d);
    const o0 = lone === a ? b : a;
    const o1 = lone === a || lone === b ? c : b;
    const o2 = lone === d ? c : d;
    edgeVertex(0, lone, o0, level);
    edgeVertex(1, lone, o1, level);
    edgeVertex(2, lone, o2, level);
    if (n === 1) emit(0, 1, 2, o0, lone);
    else emit(0, 1, 2, lone, o0);
    return;
  }
  // Two above (p, q), two below (r, s): quad on edges pr, ps, qs, qr (cyclic).
  let p = -1, q = -1, r = -1, s = -1;
  if (ua) p = a; else r = a;
  if (ub) { if (p < 0) p = b; else q = b; } else { if (r < 0) r = b; else s = b; }
  if (uc) { if (p < 0) p = c; else q = c; } else { if (r < 0) r = c; else s = c; }
  if (ud) q = d; else s = d;
  edgeVertex(0, p, r, level);
  edgeVertex(1, p, s, level);
  edgeVertex(2, q, s, level);
  edgeVertex(3, q, r, level);
  emit(0, 1, 2, r, p);
  emit(0, 2, 3, r, p);
}
