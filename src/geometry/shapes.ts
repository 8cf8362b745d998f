import type { Vec3 } from './vec.ts';
import { meshBounds, type BoundsMm, type TriangleMesh } from './mesh.ts';
import { TriangleIndex } from './triangleIndex.ts';

/** A plan shape with mesh references resolved (all lengths [mm]). */
export type ResolvedShape =
  | { kind: 'ellipsoid'; centerMm: Vec3; radiiMm: Vec3 }
  | { kind: 'cylinder'; fromMm: Vec3; toMm: Vec3; radiusMm: number }
  | { kind: 'mesh'; mesh: TriangleMesh };

/** Axis-aligned bounds of a shape [mm] (tight for ellipsoids and cylinders). */
export function shapeBounds(shape: ResolvedShape): BoundsMm {
  switch (shape.kind) {
    case 'ellipsoid': {
      const c = shape.centerMm, r = shape.radiiMm;
      return {
        minMm: [c[0] - r[0], c[1] - r[1], c[2] - r[2]],
        maxMm: [c[0] + r[0], c[1] + r[1], c[2] + r[2]],
      };
    }
    case 'cylinder': {
      const a = shape.fromMm, b = shape.toMm, r = shape.radiusMm;
      const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const len = Math.hypot(d[0], d[1], d[2]);
      const minMm: Vec3 = [0, 0, 0], maxMm: Vec3 = [0, 0, 0];
      for (let i = 0; i < 3; i++) {
        const u = len > 0 ? d[i] / len : 0;
        // A disc of radius r normal to u extends r·sqrt(1 - u_i²) along axis i.
        const e = r * Math.sqrt(Math.max(0, 1 - u * u));
        minMm[i] = Math.min(a[i], b[i]) - e;
        maxMm[i] = Math.max(a[i], b[i]) + e;
      }
      return { minMm, maxMm };
    }
    case 'mesh':
      return meshBounds(shape.mesh);
  }
}

/**
 * Ray-parity inside test for a closed mesh: crossings of the ray from p along +x, shifted by a tiny
 * fixed jitter in y and z so that rays (almost surely) miss edges and vertices.
 */
export function meshContainsXYZ(mesh: TriangleMesh, px: number, py: number, pz: number): boolean {
  const p = mesh.positions, idx = mesh.indices;
  const y = py + RAY_JITTER_Y, z = pz + RAY_JITTER_Z;
  let crossings = 0;
  for (let t = 0; t + 2 < idx.length; t += 3) {
    const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
    const ya = p[a + 1] - y, za = p[a + 2] - z;
    const yb = p[b + 1] - y, zb = p[b + 2] - z;
    const yc = p[c + 1] - y, zc = p[c + 2] - z;
    // Edge functions in the yz projection (barycentric weights × 2·area).
    const wa = yb * zc - yc * zb;
    const wb = yc * za - ya * zc;
    const wc = ya * zb - yb * za;
    if ((wa > 0 && wb > 0 && wc > 0) || (wa < 0 && wb < 0 && wc < 0)) {
      const x = (wa * p[a] + wb * p[b] + wc * p[c]) / (wa + wb + wc);
      if (x > px) crossings++;
    }
  }
  return (crossings & 1) === 1;
}

/** Fixed ray offsets [mm] that keep parity rays off mesh edges on regular grids. */
export const RAY_JITTER_Y = 1.37e-5;
export const RAY_JITTER_Z = 2.71e-5;

/** True when p is inside or on the shape. */
export function containsPoint(shape: ResolvedShape, p: Vec3): boolean {
  switch (shape.kind) {
    case 'ellipsoid': {
      const c = shape.centerMm, r = shape.radiiMm;
      const x = (p[0] - c[0]) / r[0], y = (p[1] - c[1]) / r[1], z = (p[2] - c[2]) / r[2];
      return x * x + y * y + z * z <= 1;
    }
    case 'cylinder':
      return cylinderSdf(shape.fromMm, shape.toMm, shape.radiusMm, p[0], p[1], p[2]) <= 0;
    case 'mesh':
      return meshContainsXYZ(shape.mesh, p[0], p[1], p[2]);
  }
}

/**
 * Signed distance [mm] from point (px, py, pz) to an axis-aligned ellipsoid surface; negative inside.
 *
 * Exact up to rounding: the nearest surface point is x_i = r_i² p_i / (t + r_i²) where t is the
 * root of F(t) = Σ (r_i p_i / (t + r_i²))² − 1 (p in the positive octant). F is convex and
 * decreasing on t > −r_min², so Newton's method started left of the root (t = 0 outside,
 * t = −r_min² + r_min·p_min inside, where F ≥ 0) increases monotonically to it. Coordinates
 * exactly on a symmetry plane are nudged by 1e-7·r_max (distance error ≤ that) to avoid the
 * degenerate case where the nearest point leaves the plane.
 */
export function ellipsoidSdfXYZ(
  px: number, py: number, pz: number,
  cx: number, cy: number, cz: number,
  a: number, b: number, c: number,
): number {
  let x = Math.abs(px - cx), y = Math.abs(py - cy), z = Math.abs(pz - cz);
  const k = (x / a) * (x / a) + (y / b) * (y / b) + (z / c) * (z / c);
  if (k === 1) return 0;
  const eps = 1e-7 * Math.max(a, b, c);
  if (x < eps) x = eps;
  if (y < eps) y = eps;
  if (z < eps) z = eps;
  const a2 = a * a, b2 = b * b, c2 = c * c;
  const ax = a * x, by = b * y, cz2 = c * z;
  let t: number;
  if (k > 1) {
    t = 0;
  } else if (a <= b && a <= c) {
    t = -a2 + ax;
  } else if (b <= c) {
    t = -b2 + by;
  } else {
    t = -c2 + cz2;
  }
  for (let it = 0; it < 100; it++) {
    const ia = 1 / (t + a2), ib = 1 / (t + b2), ic = 1 / (t + c2);
    const fa = ax * ia, fb = by * ib, fc = cz2 * ic;
    const f = fa * fa + fb * fb + fc * fc - 1;
    if (f <= 0) break;
    const df = -2 * (fa * fa * ia + fb * fb * ib + fc * fc * ic);
    const dt = -f / df;
    t += dt;
    if (dt <= 1e-13 * (Math.abs(t) + a2 + b2 + c2)) break;
  }
  const qx = (a2 * x) / (t + a2), qy = (b2 * y) / (t + b2), qz = (c2 * z) / (t + c2);
  const d = Math.hypot(x - qx, y - qy, z - qz);
  return k > 1 ? d : -d;
}

/** Exact signed distance [mm] to a capped cylinder (flat ends); negative inside. */
export function cylinderSdf(from: Vec3, to: Vec3, radius: number, px: number, py: number, pz: number): number {
  const dx = to[0] - from[0], dy = to[1] - from[1], dz = to[2] - from[2];
  const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
  return cylinderSdfXYZ(px, py, pz, from[0], from[1], from[2], dx, dy, dz, len, radius);
}

/** Capped-cylinder SDF with the axis pre-computed: d = to − from, len = |d|. */
export function cylinderSdfXYZ(
  px: number, py: number, pz: number,
  fx: number, fy: number, fz: number,
  dx: number, dy: number, dz: number, len: number, radius: number,
): number {
  const wx = px - fx, wy = py - fy, wz = pz - fz;
  const half = 0.5 * len;
  let along: number, radial: number;
  if (len > 0) {
    const s = (wx * dx + wy * dy + wz * dz) / len;
    along = Math.abs(s - half) - half;
    const rx = wx - (s * dx) / len, ry = wy - (s * dy) / len, rz = wz - (s * dz) / len;
    radial = Math.sqrt(rx * rx + ry * ry + rz * rz) - radius;
  } else {
    along = 0;
    radial = Math.sqrt(wx * wx + wy * wy + wz * wz) - radius;
  }
  const ox = radial > 0 ? radial : 0, oa = along > 0 ? along : 0;
  const outside = Math.sqrt(ox * ox + oa * oa);
  const inside = Math.min(Math.max(radial, along), 0);
  return outside + inside;
}

const indexCache = new WeakMap<TriangleMesh, TriangleIndex>();

/** A cached nearest-triangle index for a mesh (built on first use; meshes are treated as immutable). */
export function meshTriangleIndex(mesh: TriangleMesh): TriangleIndex {
  let index = indexCache.get(mesh);
  if (!index) {
    index = new TriangleIndex(mesh);
    indexCache.set(mesh, index);
  }
  return index;
}

/**
 * Signed distance [mm] from p to the shape surface, negative inside. Ellipsoid: exact (Newton,
 * see ellipsoidSdfXYZ). Cylinder: exact capped cylinder. Mesh: exact distance to the nearest
 * triangle (cached bucket index) with the sign of a ray-parity inside test.
 */
export function signedDistanceMm(shape: ResolvedShape, p: Vec3): number {
  switch (shape.kind) {
    case 'ellipsoid': {
      const c = shape.centerMm, r = shape.radiiMm;
      return ellipsoidSdfXYZ(p[0], p[1], p[2], c[0], c[1], c[2], r[0], r[1], r[2]);
    }
    case 'cylinder':
      return cylinderSdf(shape.fromMm, shape.toMm, shape.radiusMm, p[0], p[1], p[2]);
    case 'mesh': {
      const d = meshTriangleIndex(shape.mesh).nearestDistanceXYZ(p[0], p[1], p[2]);
      return meshContainsXYZ(shape.mesh, p[0], p[1], p[2]) ? -d : d;
    }
  }
}
