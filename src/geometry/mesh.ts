import type { Vec3 } from './vec.ts';
import type { InlineMesh } from '../plan/types.ts';

/**
 * An indexed triangle mesh. Triangles are counter-clockwise seen from outside (outward normals),
 * so a closed mesh has a positive volume.
 */
export interface TriangleMesh {
  /** Flat xyz triples [mm]. */
  positions: Float32Array;
  /** Flat vertex-index triples. */
  indices: Uint32Array;
}

/** An axis-aligned box [mm]. */
export interface BoundsMm {
  minMm: Vec3;
  maxMm: Vec3;
}

/** Axis-aligned bounds of the referenced vertices [mm]; an empty mesh gives min = max = 0. */
export function meshBounds(mesh: TriangleMesh): BoundsMm {
  const p = mesh.positions;
  const idx = mesh.indices;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let t = 0; t < idx.length; t++) {
    const o = idx[t] * 3;
    const x = p[o], y = p[o + 1], z = p[o + 2];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  if (x0 > x1) return { minMm: [0, 0, 0], maxMm: [0, 0, 0] };
  return { minMm: [x0, y0, z0], maxMm: [x1, y1, z1] };
}

/**
 * A closed UV ellipsoid (axis-aligned radii [mm]): `segments` (≥ 3) around the equator and
 * max(2, round(segments / 2)) bands from pole to pole. Outward CCW.
 */
export function ellipsoidMesh(center: Vec3, radii: Vec3, segments: number): TriangleMesh {
  const nSeg = Math.max(3, Math.floor(segments));
  const nBand = Math.max(2, Math.round(nSeg / 2));
  const nRing = nBand - 1; // rings strictly between the poles
  const nVert = 2 + nRing * nSeg;
  const positions = new Float32Array(nVert * 3);
  const put = (v: number, x: number, y: number, z: number): void => {
    positions[v * 3] = center[0] + radii[0] * x;
    positions[v * 3 + 1] = center[1] + radii[1] * y;
    positions[v * 3 + 2] = center[2] + radii[2] * z;
  };
  put(0, 0, 0, 1); // north pole
  for (let r = 0; r < nRing; r++) {
    const theta = (Math.PI * (r + 1)) / nBand;
    const st = Math.sin(theta), ct = Math.cos(theta);
    for (let s = 0; s < nSeg; s++) {
      const phi = (2 * Math.PI * s) / nSeg;
      put(1 + r * nSeg + s, st * Math.cos(phi), st * Math.sin(phi), ct);
    }
  }
  const south = nVert - 1;
  put(south, 0, 0, -1);
  // Quad A=(θ,φ) B=(θ+dθ,φ) C=(θ+dθ,φ+dφ) D=(θ,φ+dφ): e_θ × e_φ = outward, so ABC and ACD.
  const nTri = 2 * nSeg + 2 * nSeg * (nRing - 1);
  const indices = new Uint32Array(nTri * 3);
  let w = 0;
  const ring = (r: number, s: number): number => 1 + r * nSeg + (s % nSeg);
  for (let s = 0; s < nSeg; s++) {
    indices[w++] = 0; indices[w++] = ring(0, s); indices[w++] = ring(0, s + 1);
  }
  for (let r = 0; r < nRing - 1; r++) {
    for (let s = 0; s < nSeg; s++) {
      const a = ring(r, s), b = ring(r + 1, s), c = ring(r + 1, s + 1), d = ring(r, s + 1);
      indices[w++] = a; indices[w++] = b; indices[w++] = c;
      indices[w++] = a; indices[w++] = c; indices[w++] = d;
    }
  }
  for (let s = 0; s < nSeg; s++) {
    indices[w++] = ring(nRing - 1, s); indices[w++] = south; indices[w++] = ring(nRing - 1, s + 1);
  }
  return { positions, indices };
}

/** Two unit vectors e1, e2 with e1 × e2 = u (u a unit vector). */
export function orthonormalBasis(u: Vec3): [Vec3, Vec3] {
  const ax = Math.abs(u[0]), ay = Math.abs(u[1]), az = Math.abs(u[2]);
  const h: Vec3 = ax <= ay && ax <= az ? [1, 0, 0] : ay <= az ? [0, 1, 0] : [0, 0, 1];
  let e1: Vec3 = [h[1] * u[2] - h[2] * u[1], h[2] * u[0] - h[0] * u[2], h[0] * u[1] - h[1] * u[0]];
  const l = Math.hypot(e1[0], e1[1], e1[2]);
  e1 = [e1[0] / l, e1[1] / l, e1[2] / l];
  const e2: Vec3 = [u[1] * e1[2] - u[2] * e1[1], u[2] * e1[0] - u[0] * e1[2], u[0] * e1[1] - u[1] * e1[0]];
  return [e1, e2];
}

/** A closed capped cylinder from `from` to `to` [mm] with `segments` (≥ 3) sides. Outward CCW. */
export function cylinderMesh(from: Vec3, to: Vec3, radius: number, segments: number): TriangleMesh {
  const n = Math.max(3, Math.floor(segments));
  const d: Vec3 = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
  const len = Math.hypot(d[0], d[1], d[2]);
  const u: Vec3 = len > 0 ? [d[0] / len, d[1] / len, d[2] / len] : [0, 0, 1];
  const [e1, e2] = orthonormalBasis(u);
  const positions = new Float32Array((2 * n + 2) * 3);
  for (let s = 0; s < n; s++) {
    const phi = (2 * Math.PI * s) / n;
    const c = radius * Math.cos(phi), sn = radius * Math.sin(phi);
    for (let a = 0; a < 3; a++) {
      const off = c * e1[a] + sn * e2[a];
      positions[s * 3 + a] = from[a] + off;
      positions[(n + s) * 3 + a] = to[a] + off;
    }
  }
  const cb = 2 * n, ct = 2 * n + 1;
  for (let a = 0; a < 3; a++) {
    positions[cb * 3 + a] = from[a];
    positions[ct * 3 + a] = to[a];
  }
  const indices = new Uint32Array(n * 4 * 3);
  let w = 0;
  for (let s = 0; s < n; s++) {
    const s1 = (s + 1) % n;
    const A = s, B = s1, C = n + s1, D = n + s;
    indices[w++] = A; indices[w++] = B; indices[w++] = C;
    indices[w++] = A; indices[w++] = C; indices[w++] = D;
    indices[w++] = ct; indices[w++] = D; indices[w++] = C;
    indices[w++] = cb; indices[w++] = B; indices[w++] = A;
  }
  return { positions, indices };
}

/** Plan-file mesh → typed arrays (no validation: the plan parser checks indices). */
export function inlineToMesh(inline: InlineMesh): TriangleMesh {
  return {
    positions: Float32Array.from(inline.vertices_mm),
    indices: Uint32Array.from(inline.triangles),
  };
}

/** Typed arrays → plan-file mesh (plain number arrays, JSON-friendly). */
export function meshToInline(mesh: TriangleMesh): InlineMesh {
  return { vertices_mm: Array.from(mesh.positions), triangles: Array.from(mesh.indices) };
}

/** Enclosed volume [ml] by the divergence theorem (Σ a·(b×c)/6; 1 ml = 1000 mm³). */
export function meshVolumeMl(mesh: TriangleMesh): number {
  const p = mesh.positions;
  const idx = mesh.indices;
  let v6 = 0;
  for (let t = 0; t + 2 < idx.length; t += 3) {
    const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
    const ax = p[a], ay = p[a + 1], az = p[a + 2];
    const bx = p[b], by = p[b + 1], bz = p[b + 2];
    const cx = p[c], cy = p[c + 1], cz = p[c + 2];
    v6 += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
  }
  return v6 / 6 / 1000;
}

/** Surface area [mm²]. */
export function meshAreaMm2(mesh: TriangleMesh): number {
  const p = mesh.positions;
  const idx = mesh.indices;
  let a2 = 0;
  for (let t = 0; t + 2 < idx.length; t += 3) {
    const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    a2 += Math.sqrt(cx * cx + cy * cy + cz * cz);
  }
  return a2 / 2;
}

/** Non-indexed triangle soup: 9 floats (three xyz vertices) per triangle [mm]. */
export function meshToSoup(mesh: TriangleMesh): Float32Array {
  const p = mesh.positions;
  const idx = mesh.indices;
  const nTri = Math.floor(idx.length / 3);
  const soup = new Float32Array(nTri * 9);
  for (let t = 0; t < nTri * 3; t++) {
    const o = idx[t] * 3;
    soup[t * 3] = p[o];
    soup[t * 3 + 1] = p[o + 1];
    soup[t * 3 + 2] = p[o + 2];
  }
  return soup;
}

/**
 * A problem with a mesh (index out of range, non-finite coordinate, no triangles), or null.
 * Use at the API edge (file import, plan parsing) so hot paths check nothing.
 */
export function meshProblem(mesh: TriangleMesh): string | null {
  const nVert = Math.floor(mesh.positions.length / 3);
  if (mesh.positions.length % 3 !== 0) return 'vertex array length is not a multiple of 3';
  if (mesh.indices.length % 3 !== 0) return 'triangle index array length is not a multiple of 3';
  if (mesh.indices.length === 0) return 'mesh has no triangles';
  for (let i = 0; i < mesh.positions.length; i++) {
    if (!Number.isFinite(mesh.positions[i])) {
      return `vertex ${Math.floor(i / 3)} has a non-finite coordinate`;
    }
  }
  for (let t = 0; t < mesh.indices.length; t++) {
    if (mesh.indices[t] >= nVert) {
      return `triangle ${Math.floor(t / 3)} refers to vertex ${mesh.indices[t]} but there are ${nVert} vertices`;
    }
  }
  return null;
}
