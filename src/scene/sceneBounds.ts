import type { Plan, Vec3 } from '../plan/types.ts';
import { meshBounds, type TriangleMesh } from '../geometry/mesh.ts';
import { entryPointMm } from './probeGeometry.ts';

/** Focus point and radius [mm] for framing the camera: the tumour (and probe entry handles), else the probe tips. */
export function sceneFocus(plan: Plan, tumorMesh: TriangleMesh | null, entryLengthsMm?: Record<string, number>): { center: Vec3; radius: number } {
  if (tumorMesh && tumorMesh.indices.length > 0) {
    const b = meshBounds(tumorMesh);
    const c: Vec3 = [(b.minMm[0] + b.maxMm[0]) / 2, (b.minMm[1] + b.maxMm[1]) / 2, (b.minMm[2] + b.maxMm[2]) / 2];
    const r = 0.5 * Math.hypot(b.maxMm[0] - b.minMm[0], b.maxMm[1] - b.minMm[1], b.maxMm[2] - b.minMm[2]);
    // Keep the probes' entry handles in view (they are what the user drags): shift the focus a
    // quarter of the way toward their mean and frame the farthest one.
    const n = plan.probes.length;
    if (n > 0) {
      const m: Vec3 = [0, 0, 0];
      const entries = plan.probes.map((p) => entryPointMm(p, entryLengthsMm?.[p.id]));
      for (const e of entries) for (let a = 0; a < 3; a++) m[a] += e[a] / n;
      for (let a = 0; a < 3; a++) c[a] += 0.25 * (m[a] - c[a]);
      let reach = 0;
      for (const e of entries) reach = Math.max(reach, Math.hypot(e[0] - c[0], e[1] - c[1], e[2] - c[2]));
      return { center: c, radius: Math.max(30, r * 1.8, reach * 0.85) };
    }
    return { center: c, radius: Math.max(30, r * 1.8) };
  }
  if (plan.probes.length > 0) {
    const c: Vec3 = [0, 0, 0];
    for (const p of plan.probes) for (let a = 0; a < 3; a++) c[a] += p.tip_mm[a] / plan.probes.length;
    return { center: c, radius: 40 };
  }
  return { center: [0, 0, 0], radius: 40 };
}
