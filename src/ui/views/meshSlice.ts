import type { Axis } from './sliceMapping.ts';
import { chainSegments, type Polylines } from '../../geometry/segmentChains.ts';

/**
 * Outline of a triangle mesh on an axis-aligned plane (coordinate `axis` = `valueMm`), as paths in
 * mm of the world axes `u` and `v`: each triangle that crosses the plane gives the segment where
 * it does, and segments are joined where they cross the same mesh edge (its crossing point is
 * interpolated from the edge's lower vertex index, so both triangles of an edge compute it bit for
 * bit alike). A closed, indexed mesh gives loops; a triangle soup gives one path per triangle.
 * Exact for the mesh.
 */
export function meshPlanePaths(
  positions: Float32Array, indices: Uint32Array, axis: Axis, valueMm: number, u: Axis, v: Axis,
): Polylines {
  const points: number[] = [];
  const keys: number[] = [];
  const vertexCount = positions.length / 3;
  const d = [0, 0, 0];
  for (let t = 0; t + 2 < indices.length; t += 3) {
    let pos = 0, neg = 0;
    for (let c = 0; c < 3; c++) {
      // Nudge exact hits so every vertex has a side (no degenerate double segments).
      let s = positions[indices[t + c] * 3 + axis] - valueMm;
      if (s === 0) s = 1e-7;
      d[c] = s;
      if (s > 0) pos++; else neg++;
    }
    if (pos === 0 || neg === 0) continue;
    for (let c = 0; c < 3; c++) {
      const n = (c + 1) % 3;
      if ((d[c] > 0) === (d[n] > 0)) continue;
      const [lo, hi, dLo, dHi] = indices[t + c] < indices[t + n]
        ? [indices[t + c], indices[t + n], d[c], d[n]]
        : [indices[t + n], indices[t + c], d[n], d[c]];
      const w = dLo / (dLo - dHi);
      const pu = positions[lo * 3 + u], pv = positions[lo * 3 + v];
      points.push(pu + (positions[hi * 3 + u] - pu) * w, pv + (positions[hi * 3 + v] - pv) * w);
      keys.push(lo * vertexCount + hi);
    }
  }
  return chainSegments(new Float32Array(points), keys, keys.length / 2);
}
