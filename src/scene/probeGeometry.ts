import type { PlanProbe, ProbeSpec, Vec3 } from '../plan/types.ts';
import { resolveProbe } from '../plan/catalog.ts';

/** Drawn needle length from the tip toward the handle [mm]. */
export const NEEDLE_LENGTH_MM = 120;
/** Default distance from the tip to the draggable entry handle along the axis [mm] (the plan store's default too). */
export const ENTRY_HANDLE_DISTANCE_MM = 70;

/** Used when the probe type is a catalogue id the view does not know. */
export const DEFAULT_PROBE_SPEC: ProbeSpec = {
  diameter_mm: 2.4, active_length_mm: 40, active_offset_mm: 0, freeze_C: -145, active_thaw_C: 20,
};

/** The probe's physical spec: custom, from the catalogue, or the default for an unknown id. */
export function probeSpecOf(probe: PlanProbe): ProbeSpec {
  try {
    return resolveProbe(probe.type);
  } catch {
    return DEFAULT_PROBE_SPEC;
  }
}

export function addScaled(a: Vec3, d: Vec3, s: number): Vec3 {
  return [a[0] + d[0] * s, a[1] + d[1] * s, a[2] + d[2] * s];
}

export function normalize(v: Vec3): Vec3 {
  const l = Math.hypot(v[0], v[1], v[2]);
  return l > 0 ? [v[0] / l, v[1] / l, v[2] / l] : [0, 0, 1];
}

/** Where the entry handle of a probe is drawn [mm]. */
export function entryPointMm(probe: Pick<PlanProbe, 'tip_mm' | 'axis'>, lengthMm = ENTRY_HANDLE_DISTANCE_MM): Vec3 {
  return addScaled(probe.tip_mm, normalize(probe.axis), lengthMm);
}

/** Segment of the freezing zone along the needle: [start, end] points [mm]. */
export function activeZoneMm(probe: PlanProbe, spec: ProbeSpec): [Vec3, Vec3] {
  const a = normalize(probe.axis);
  return [addScaled(probe.tip_mm, a, spec.active_offset_mm),
    addScaled(probe.tip_mm, a, spec.active_offset_mm + spec.active_length_mm)];
}

/**
 * The probe after moving one handle to `positionMm`: the tip handle moves the tip and keeps the
 * entry point; the entry handle swings the axis about the tip. Degenerate moves change nothing.
 * Same rules as the plan store's setProbeTip / setProbeEntry; the new entry distance is returned.
 */
export function applyHandleDrag(
  probe: Pick<PlanProbe, 'tip_mm' | 'axis'>, handle: 'tip' | 'entry', positionMm: Vec3,
  entryLengthMm = ENTRY_HANDLE_DISTANCE_MM,
): { tip_mm: Vec3; axis: Vec3; entryLengthMm: number } {
  if (handle === 'tip') {
    const entry = entryPointMm(probe, entryLengthMm);
    const d: Vec3 = [entry[0] - positionMm[0], entry[1] - positionMm[1], entry[2] - positionMm[2]];
    const len = Math.hypot(d[0], d[1], d[2]);
    if (len <= 1e-6) return { tip_mm: [...probe.tip_mm], axis: normalize(probe.axis), entryLengthMm };
    return { tip_mm: [positionMm[0], positionMm[1], positionMm[2]], axis: normalize(d), entryLengthMm: len };
  }
  const d: Vec3 = [positionMm[0] - probe.tip_mm[0], positionMm[1] - probe.tip_mm[1], positionMm[2] - probe.tip_mm[2]];
  const len = Math.hypot(d[0], d[1], d[2]);
  if (len <= 1e-6) return { tip_mm: [...probe.tip_mm], axis: normalize(probe.axis), entryLengthMm };
  return { tip_mm: [probe.tip_mm[0], probe.tip_mm[1], probe.tip_mm[2]], axis: normalize(d), entryLengthMm: len };
}
