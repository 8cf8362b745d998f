/**
 * Pure probe-layout geometry for the planning screen: entry points, active-zone centres,
 * spacing between probes and distance to the tumour edge, with the guidance warnings of
 * physics.md §4 (probes 1–2 cm apart, within about 1 cm of the tumour edge). All lengths mm.
 */

import type { InlineMesh, Plan, PlanProbe, ProbeSpec, Shape, Vec3 } from '../plan/types.ts';
import { findProbe, resolveProbe } from '../plan/catalog.ts';
import { inlineToMesh, type TriangleMesh } from '../geometry/mesh.ts';
import { signedDistanceMm, type ResolvedShape } from '../geometry/shapes.ts';

/** Probes whose nearest neighbour is farther than this leave an unfrozen gap [mm]. */
export const MAX_PROBE_SPACING_MM = 20;
/** Probes farther than this from the tumour edge (inside or outside) leave the edge cold [mm]. */
export const MAX_EDGE_DISTANCE_MM = 10;
/** Shaft length shown from the tip to the entry point when none was set [mm]. */
export const DEFAULT_ENTRY_LENGTH_MM = 70;

/** Resolves a probe's `type` (catalogue id or custom object) to its dimensions; undefined if unknown. */
export type ProbeSpecResolver = (type: PlanProbe['type']) => ProbeSpec | undefined;

/** The catalogue (public/probes.json) or the custom object; undefined for an unknown id. */
export const catalogSpec: ProbeSpecResolver = (type) =>
  typeof type !== 'string' || findProbe(type) ? resolveProbe(type) : undefined;

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
export function length(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}
export function distance(a: Vec3, b: Vec3): number {
  return length(sub(a, b));
}
/** Unit vector along `a`; null for a (near) zero vector. */
export function normalize(a: Vec3): Vec3 | null {
  const n = length(a);
  return n > 1e-9 ? scale(a, 1 / n) : null;
}

/** Entry point = tip + axis × length [mm]. */
export function entryPoint(probe: PlanProbe, lengthMm: number): Vec3 {
  return add(probe.tip_mm, scale(probe.axis, lengthMm));
}

/** Centre of the freezing segment [mm]; the tip itself when the probe type is unknown. */
export function activeZoneCentre(probe: PlanProbe, spec: ProbeSpec | undefined): Vec3 {
  if (!spec) return probe.tip_mm;
  return add(probe.tip_mm, scale(probe.axis, spec.active_offset_mm + spec.active_length_mm / 2));
}

const meshCache = new WeakMap<InlineMesh, TriangleMesh>();

/** The geometry layer's form of a plan shape; null for a mesh file not carried in the plan. */
export function resolveShape(shape: Shape, meshes: Plan['meshes']): ResolvedShape | null {
  if ('ellipsoid' in shape) {
    return { kind: 'ellipsoid', centerMm: shape.ellipsoid.center_mm, radiiMm: shape.ellipsoid.radii_mm };
  }
  if ('cylinder' in shape) {
    const c = shape.cylinder;
    return { kind: 'cylinder', fromMm: c.from_mm, toMm: c.to_mm, radiusMm: c.radius_mm };
  }
  const inline = meshes?.[shape.mesh];
  if (!inline) return null;
  let mesh = meshCache.get(inline);
  if (!mesh) {
    mesh = inlineToMesh(inline);
    meshCache.set(inline, mesh);
  }
  return { kind: 'mesh', mesh };
}

export interface ProbeSpacing {
  a: string;
  b: string;
  /** Distance between the active-zone centres [mm]. */
  distanceMm: number;
}

export interface ProbeWarning {
  probeId: string;
  kind: 'spacing' | 'edge' | 'unknown-type';
  message: string;
}

export interface LayoutReport {
  /** Every pair of probes, in plan order. */
  pairs: ProbeSpacing[];
  /** Per probe: distance to its nearest neighbour [mm] (absent with a single probe). */
  nearestMm: Record<string, number>;
  /** Per probe: signed distance from the active-zone centre to the tumour surface [mm], negative inside. */
  edgeMm: Record<string, number>;
  warnings: ProbeWarning[];
}

const fmt = (mm: number): string => `${mm.toFixed(1)} mm`;

/**
 * Spacing and tumour-edge distances of a layout, with the guidance warnings: a probe whose
 * nearest neighbour is more than 20 mm away (opposite probes of a wide layout are expected to be
 * far apart, so only the nearest neighbour counts), and a probe more than 10 mm from the tumour edge.
 */
export function layoutReport(plan: Plan, resolve: ProbeSpecResolver = catalogSpec): LayoutReport {
  const centres = plan.probes.map((p) => activeZoneCentre(p, resolve(p.type)));
  const pairs: ProbeSpacing[] = [];
  const nearestMm: Record<string, number> = {};
  const edgeMm: Record<string, number> = {};
  const warnings: ProbeWarning[] = [];
  const tumor = plan.tumor ? resolveShape(plan.tumor, plan.meshes) : null;
  plan.probes.forEach((p, i) => {
    if (!resolve(p.type)) {
      warnings.push({ probeId: p.id, kind: 'unknown-type', message: `${p.id}: unknown probe type` });
    }
    for (let j = i + 1; j < plan.probes.length; j++) {
      pairs.push({ a: p.id, b: plan.probes[j].id, distanceMm: distance(centres[i], centres[j]) });
    }
  });
  plan.probes.forEach((p, i) => {
    let nearest = Infinity;
    let nearestId = '';
    plan.probes.forEach((q, j) => {
      if (i === j) return;
      const d = distance(centres[i], centres[j]);
      if (d < nearest) {
        nearest = d;
        nearestId = q.id;
      }
    });
    if (Number.isFinite(nearest)) {
      nearestMm[p.id] = nearest;
      if (nearest > MAX_PROBE_SPACING_MM) {
        warnings.push({
          probeId: p.id,
          kind: 'spacing',
          message: `${p.id} is ${fmt(nearest)} from its nearest probe ${nearestId} (guide: ≤ ${MAX_PROBE_SPACING_MM} mm)`,
        });
      }
    }
    const d = tumor ? signedDistanceMm(tumor, centres[i]) : NaN;
    if (Number.isFinite(d)) {
      edgeMm[p.id] = d;
      if (Math.abs(d) > MAX_EDGE_DISTANCE_MM) {
        const where = d > 0 ? 'outside' : 'inside';
        warnings.push({
          probeId: p.id,
          kind: 'edge',
          message: `${p.id} is ${fmt(Math.abs(d))} ${where} the tumour edge (guide: within ${MAX_EDGE_DISTANCE_MM} mm)`,
        });
      }
    }
  });
  return { pairs, nearestMm, edgeMm, warnings };
}
