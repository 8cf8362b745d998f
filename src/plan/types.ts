/**
 * The plan document (`cryoplan/1`), as parsed: every optional field of the file format
 * (../shared/design/plan-format.md) that has a default is filled in. Names are the contract.
 * Coordinates are millimetres in one patient frame; temperatures °C; times s.
 */

import type { Vec3 } from '../geometry/vec.ts';
export type { Vec3 };

export interface EllipsoidShape {
  ellipsoid: { center_mm: Vec3; radii_mm: Vec3 };
}
export interface CylinderShape {
  cylinder: { from_mm: Vec3; to_mm: Vec3; radius_mm: number };
}
/** A triangle mesh: a file path relative to the plan, or a key of `Plan.meshes`. */
export interface MeshShape {
  mesh: string;
}
export type Shape = EllipsoidShape | CylinderShape | MeshShape;

/** Triangle mesh carried inside the plan (imported in the app, or shared as a link). */
export interface InlineMesh {
  /** Flat xyz triples [mm]. */
  vertices_mm: number[];
  /** Flat vertex-index triples, counter-clockwise seen from outside. */
  triangles: number[];
}

export type StructureRole = 'avoid' | 'vessel';

export type Structure = Shape & {
  name: string;
  role: StructureRole;
  /** Vessels: blood temperature [°C]; default 37. */
  blood_C?: number;
  /** Vessels: convective wall coefficient [W/(m²·K)]; absent = wall held at blood_C (artery). */
  wall_h_W_m2K?: number;
};

/** Tissue properties in SI (the custom tissue object of the plan format). */
export interface TissueProperties {
  /** [W/(m·K)] */ k_unfrozen_W_mK: number;
  /** [W/(m·K)] */ k_frozen_W_mK: number;
  /** [J/(m³·K)] */ C_unfrozen_J_m3K: number;
  /** [J/(m³·K)] */ C_frozen_J_m3K: number;
  /** [J/m³] */ latent_J_m3: number;
  /** [°C] */ solidus_C: number;
  /** [°C] */ liquidus_C: number;
  /** blood perfusion × ρ_b c_b [W/(m³·K)] */ perfusion_W_m3K: number;
  /** [W/m³] */ metabolic_W_m3: number;
  /** [°C] */ arterial_C: number;
  /** Undisturbed starting temperature [°C]. */ initial_C: number;
}

export type TissuePresetName =
  | 'generic' | 'liver' | 'kidney' | 'prostate' | 'breast' | 'muscle' | 'fat' | 'bone' | 'gel';

/** Custom tissue: any field over a preset (`base`, default `generic`). */
export type TissueSpec = TissuePresetName | (Partial<TissueProperties> & { base?: TissuePresetName });

/** Custom probe object (instead of a catalogue id). */
export interface ProbeSpec {
  /** Outer diameter [mm]. */ diameter_mm: number;
  /** Length of the freezing segment [mm]. */ active_length_mm: number;
  /** Distance from the tip to the start of the freezing segment [mm]. */ active_offset_mm: number;
  /** Surface temperature while freezing [°C]. */ freeze_C: number;
  /** Surface temperature during active thaw [°C]. */ active_thaw_C: number;
}

export interface PlanProbe {
  id: string;
  /** Catalogue id (public/probes.json) or a custom probe. */
  type: string | ProbeSpec;
  tip_mm: Vec3;
  /** Unit vector from the tip toward the handle (normalised on parse). */
  axis: Vec3;
}

export type Phase =
  | { phase: 'freeze'; duration_s: number }
  | { phase: 'thaw'; duration_s: number; mode: 'passive' | 'active' };

export interface GridSpec {
  /** Cell size [mm]; default 1. */
  spacing_mm: number;
  /** Margin added around the bounds of tumour, structures and active zones [mm]; default 25. */
  padding_mm: number;
  /** Explicit domain instead of bounds + padding. */
  bounds_mm?: { min: Vec3; max: Vec3 };
}

export interface Sensor {
  name: string;
  at_mm: Vec3;
}

export interface Plan {
  format: 'cryoplan/1';
  name?: string;
  tissue: TissueSpec;
  /** Lethal threshold [°C]; default -40. */
  lethal_C: number;
  /** Required margin beyond the tumour [mm]; default 5. */
  margin_mm: number;
  grid: GridSpec;
  tumor?: Shape;
  structures: Structure[];
  probes: PlanProbe[];
  protocol: Phase[];
  sensors: Sensor[];
  report_times_s: number[];
  /** Meshes carried inside the plan, keyed by the name a `{ mesh }` shape uses. */
  meshes?: Record<string, InlineMesh>;
}

/** One problem found in a plan, with the field path (`probes[1].tip_mm`). */
export interface PlanIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };
