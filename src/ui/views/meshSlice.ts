import type { Axis } from './sliceMapping.ts';

/**
 * Outline of a triangle mesh on an axis-aligned plane (coordinate `axis` = `valueMm`): for
 * each triangle that crosses it, the segment where it does. Output: flat (u0, v0, u1, v1) in mm,
 * with (u, v) the world axes `u` and `v`. Exact for the mesh; no allocation per triangle.
 */
export function meshPlaneSegments(
  positions: Float32Array, indices: Uint32Array, axis: Axis, valueMm: number, u: Axis, v: Axis,
): Float32Array {
  const out: number[] = [];
  const pu = [0, 0, 0], pv = [0, 0, 0], d = [0, 0, 0];
  for (let t = 0; t + 2 < indices.length; t += 3) {
    let pos = 0, neg = 0;
    for (let c = 0; c < 3; c++) {
      const o = indices[t + c] * 3;
      // Nudge exact hits so every vertex has a side (no degenerate double segments).
      let s = positions[o + axis] - valueMm;
      if (s === 0) s = 1e-7;
      d[c] = s;
      pu[c] = positions[o + u];
      pv[c] = positions[o + v];
      if (s > 0) pos++; else neg++;
    }
    if (pos === 0 || neg === 0) continue;
    for (let c = 0; c < 3; c++) {
      const n = (c + 1) % 3;
      if ((d[c] > 0) !== (d[n] > 0)) {
        const w = d[c] / (d[c] - d[n]);
        out.push(pu[c] + (pu[n] - pu[c]) * w, pv[c] + (pv[n] - pv[c]) * w);
      }
    }
  }
  return new Float32Array(out);
}
