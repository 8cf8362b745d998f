import type { PlanProbe, Vec3 } from '../../plan/types.ts';
import { entryPointMm, NEEDLE_LENGTH_MM, normalize } from '../../scene/probeGeometry.ts';
import type { SliceLayout } from './sliceMapping.ts';

export interface ProbeOnSlice {
  id: string;
  /** Needle tip and far end projected onto the plane (u, v) [mm]. */
  tip: [number, number];
  far: [number, number];
  entry: [number, number];
  /** Where the needle crosses the plane (u, v), or null if it does not. */
  crossing: [number, number] | null;
  /** Distance of the tip from the plane [mm] (signed along the slice axis). */
  tipDepthMm: number;
  /** The needle lies within `inPlaneMm` of the plane along its whole length. */
  inPlane: boolean;
}

/** How a probe meets an axis-aligned slice plane at `slicePosMm`. */
export function probeOnSlice(probe: PlanProbe, layout: SliceLayout, slicePosMm: number, inPlaneMm: number, entryLengthMm?: number): ProbeOnSlice {
  const a = normalize(probe.axis);
  const t = probe.tip_mm;
  const far: Vec3 = [t[0] + a[0] * NEEDLE_LENGTH_MM, t[1] + a[1] * NEEDLE_LENGTH_MM, t[2] + a[2] * NEEDLE_LENGTH_MM];
  const e = entryPointMm(probe, entryLengthMm);
  const d0 = t[layout.axis] - slicePosMm;
  const d1 = far[layout.axis] - slicePosMm;
  let crossing: [number, number] | null = null;
  if ((d0 <= 0 && d1 >= 0) || (d0 >= 0 && d1 <= 0)) {
    const w = d0 === d1 ? 0 : d0 / (d0 - d1);
    crossing = [t[layout.u] + (far[layout.u] - t[layout.u]) * w, t[layout.v] + (far[layout.v] - t[layout.v]) * w];
  }
  return {
    id: probe.id,
    tip: [t[layout.u], t[layout.v]],
    far: [far[layout.u], far[layout.v]],
    entry: [e[layout.u], e[layout.v]],
    crossing,
    tipDepthMm: d0,
    inPlane: Math.abs(d0) <= inPlaneMm && Math.abs(d1) <= inPlaneMm,
  };
}
