/**
 * Plan parsing (`cryoplan/1`): zod schemas for every field, cross-field checks, defaults, and
 * every problem reported at once with its field path (`probes[1].tip_mm: expected 3 numbers`).
 * Also the stable serializer (save) and small helpers on a parsed plan.
 */

import { z } from 'zod';
import type { Vec3 } from '../geometry/vec.ts';
import { findProbe, probeIds, probeSpecShape } from './catalog.ts';
import { isTissuePresetName, resolveTissue, tissuePresetNames } from './presets.ts';
import type {
  GridSpec,
  InlineMesh,
  ParseResult,
  Phase,
  Plan,
  PlanIssue,
  PlanProbe,
  ProbeSpec,
  Sensor,
  Shape,
  Structure,
  TissueProperties,
  TissueSpec,
} from './types.ts';

export const PLAN_FORMAT = 'cryoplan/1';

/** Defaults filled in by parsePlan (plan-format.md). */
export const planDefaults = {
  lethal_C: -40,
  margin_mm: 5,
  grid: { spacing_mm: 1, padding_mm: 25 },
  blood_C: 37,
  thaw_mode: 'passive',
} as const;

/** Allowed grid spacing [mm]. */
export const SPACING_RANGE_MM = [0.25, 5] as const;

// ---------------------------------------------------------------------------------------------
// Paths and issues

type Path = readonly PropertyKey[];

/** `['probes', 1, 'tip_mm']` → `probes[1].tip_mm`; the empty path → `(plan)`. */
export function formatPath(path: Path): string {
  let s = '';
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`;
    else {
      const key = String(k);
      if (/^[A-Za-z_$][\w$]*$/.test(key)) s += s ? `.${key}` : key;
      else s += `[${JSON.stringify(key)}]`;
    }
  }
  return s || '(plan)';
}

class Issues {
  readonly list: PlanIssue[] = [];
  add(path: Path, message: string): void {
    this.list.push({ path: formatPath(path), message });
  }
  /** Runs a zod schema on `value` at `path`; returns the output or undefined (issues recorded). */
  run<T>(schema: z.ZodType<T>, value: unknown, path: Path): T | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const iss of r.error.issues) {
      if (iss.code === 'unrecognized_keys') {
        for (const key of iss.keys) this.add([...path, ...iss.path, key], 'unknown field');
      } else {
        this.add([...path, ...iss.path], zodMessage(iss));
      }
    }
    return undefined;
  }
}

function zodMessage(iss: z.core.$ZodIssue): string {
  const m = iss.message;
  const t = /^Invalid input: expected (\w+), received (\w+)$/.exec(m);
  if (t) return t[2] === 'undefined' ? `required (${t[1]})` : `expected ${t[1]}, got ${t[2]}`;
  if (iss.code === 'too_small' && /^Too small/.test(m)) {
    if (iss.origin === 'array') return `expected at least ${String(iss.minimum)} item(s)`;
    if (iss.origin === 'string') return 'must not be empty';
    return `must be ${iss.inclusive ? '≥' : '>'} ${String(iss.minimum)}`;
  }
  if (iss.code === 'too_big' && /^Too big/.test(m)) {
    if (iss.origin === 'array') return `expected at most ${String(iss.maximum)} item(s)`;
    return `must be ${iss.inclusive ? '≤' : '<'} ${String(iss.maximum)}`;
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Schemas (structure and ranges of single fields)

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isVec3 = (v: unknown): v is Vec3 => Array.isArray(v) && v.length === 3 && v.every(isFiniteNumber);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const vec3 = z.custom<Vec3>(isVec3, { error: 'expected 3 numbers' });
const positiveVec3 = vec3.refine((v) => v.every((x) => x > 0), {
  error: 'expected 3 positive numbers',
});
const axisSchema = vec3
  .refine((v) => Math.hypot(v[0], v[1], v[2]) > 0, { error: 'axis must not be zero' })
  .transform(normalise);

/** Unit vector; a vector already of unit length is returned unchanged (stable round trip). */
export function normalise(v: Vec3): Vec3 {
  const len = Math.hypot(v[0], v[1], v[2]);
  if (Math.abs(len - 1) <= 1e-12) return [v[0], v[1], v[2]];
  return [v[0] / len, v[1] / len, v[2] / len];
}

const ellipsoidSchema = z.strictObject({ center_mm: vec3, radii_mm: positiveVec3 });
const cylinderSchema = z
  .strictObject({ from_mm: vec3, to_mm: vec3, radius_mm: z.number().positive().max(100) })
  .refine((c) => c.from_mm.some((x, i) => x !== c.to_mm[i]), {
    error: 'from_mm and to_mm must differ',
    path: ['to_mm'],
  });
const meshRefSchema = z.string().min(1);
const shapeFields = {
  ellipsoid: ellipsoidSchema.optional(),
  cylinder: cylinderSchema.optional(),
  mesh: meshRefSchema.optional(),
};
const SHAPE_KEYS = ['ellipsoid', 'cylinder', 'mesh'] as const;

const tumorSchema = z.strictObject(shapeFields);
const structureSchema = z.strictObject({
  name: z.string().min(1),
  role: z.enum(['avoid', 'vessel'], { error: "expected 'avoid' or 'vessel'" }),
  blood_C: z.number().gte(0).lte(45).optional(),
  wall_h_W_m2K: z.number().positive().max(1e5).optional(),
  ...shapeFields,
});

const tissueFields = {
  k_unfrozen_W_mK: z.number().positive().max(10),
  k_frozen_W_mK: z.number().positive().max(10),
  C_unfrozen_J_m3K: z.number().positive().max(1e7),
  C_frozen_J_m3K: z.number().positive().max(1e7),
  latent_J_m3: z.number().nonnegative().max(5e8),
  solidus_C: z.number().gte(-100).lte(20),
  liquidus_C: z.number().gte(-100).lte(20),
  perfusion_W_m3K: z.number().nonnegative().max(1e6),
  metabolic_W_m3: z.number().nonnegative().max(1e6),
  arterial_C: z.number().gte(0).lte(50),
  initial_C: z.number().gte(-50).lte(60),
};
const TISSUE_KEYS = Object.keys(tissueFields) as (keyof TissueProperties)[];
const tissuePresetSchema = z.enum(tissuePresetNames as [string, ...string[]], {
  error: `unknown tissue preset; expected one of ${tissuePresetNames.join(', ')}`,
});
const customTissueSchema = z.strictObject({
  base: tissuePresetSchema.optional(),
  ...Object.fromEntries(TISSUE_KEYS.map((k) => [k, tissueFields[k].optional()])),
}) as unknown as z.ZodType<Partial<TissueProperties> & { base?: Plan['tissue'] & string }>;

const probeSpecSchema = z.strictObject(probeSpecShape);
const probeSchema = z.strictObject({
  id: z.string().min(1),
  type: z.unknown(), // checked by hand: a catalogue id or a probe object
  tip_mm: vec3,
  axis: axisSchema,
});

const phaseSchema = z.strictObject({
  phase: z.enum(['freeze', 'thaw'], { error: "expected 'freeze' or 'thaw'" }),
  duration_s: z.number().positive().max(10800),
  mode: z.enum(['passive', 'active'], { error: "expected 'passive' or 'active'" }).optional(),
});

const gridSchema = z
  .strictObject({
    spacing_mm: z.number().gte(SPACING_RANGE_MM[0]).lte(SPACING_RANGE_MM[1]).default(1),
    padding_mm: z.number().nonnegative().max(200).default(25),
    bounds_mm: z
      .strictObject({ min: vec3, max: vec3 })
      .refine((b) => b.min.every((x, i) => x < b.max[i]), {
        error: 'max must exceed min on every axis',
        path: ['max'],
      })
      .optional(),
  })
  .default({ spacing_mm: 1, padding_mm: 25 });

const sensorSchema = z.strictObject({ name: z.string().min(1), at_mm: vec3 });

const meshSchema = z
  .strictObject({
    vertices_mm: z.array(z.number()).min(9),
    triangles: z.array(z.int().nonnegative()).min(3),
  })
  .superRefine((m, ctx) => {
    if (m.vertices_mm.length % 3 !== 0)
      ctx.addIssue({ code: 'custom', message: 'length must be a multiple of 3', path: ['vertices_mm'] });
    if (m.triangles.length % 3 !== 0)
      ctx.addIssue({ code: 'custom', message: 'length must be a multiple of 3', path: ['triangles'] });
    const n = Math.floor(m.vertices_mm.length / 3);
    const bad = m.triangles.findIndex((i) => i >= n);
    if (bad >= 0)
      ctx.addIssue({
        code: 'custom',
        message: `vertex index ${m.triangles[bad]} out of range (${n} vertices)`,
        path: ['triangles', bad],
      });
  });

/** Top level: the fields checked by hand (tissue, probes' type) are `unknown` here. */
const planSchema = z.strictObject({
  format: z.literal(PLAN_FORMAT),
  name: z.string().optional(),
  tissue: z.unknown().optional(),
  lethal_C: z.number().gte(-100).lt(0).default(planDefaults.lethal_C),
  margin_mm: z.number().nonnegative().max(50).default(planDefaults.margin_mm),
  grid: gridSchema,
  tumor: tumorSchema.optional(),
  structures: z.array(structureSchema).default([]),
  probes: z.array(probeSchema).min(1, { error: 'expected at least one probe' }),
  protocol: z.array(phaseSchema).min(1, { error: 'expected at least one phase' }),
  sensors: z.array(sensorSchema).default([]),
  report_times_s: z.array(z.number().nonnegative()).default([]),
  meshes: z.record(z.string().min(1), meshSchema).optional(),
});

// ---------------------------------------------------------------------------------------------
// Hand checks (run on the raw input, so they report even when other fields are broken)

function checkShapeKeys(raw: unknown, path: Path, issues: Issues, meshKeys: Set<string>): void {
  if (!isObject(raw)) return;
  const present = SHAPE_KEYS.filter((k) => raw[k] !== undefined);
  if (present.length === 0) issues.add(path, 'expected one shape: ellipsoid, cylinder or mesh');
  else if (present.length > 1) issues.add(path, `expected one shape, got ${present.join(' and ')}`);
  const m = raw.mesh;
  if (typeof m === 'string' && m.length > 0 && !meshKeys.has(m) && !/\.(stl|obj|ply)$/i.test(m)) {
    const keys = [...meshKeys];
    issues.add(
      [...path, 'mesh'],
      `'${m}' is neither a key of meshes${keys.length ? ` (${keys.join(', ')})` : ''} nor an .stl/.obj/.ply file name`,
    );
  }
}

function checkTissue(raw: unknown, issues: Issues): TissueSpec | undefined {
  const path = ['tissue'];
  if (raw === undefined) {
    issues.add(path, `required: a preset (${tissuePresetNames.join(', ')}) or a tissue object`);
    return undefined;
  }
  if (typeof raw === 'string') {
    if (isTissuePresetName(raw)) return raw;
    issues.add(path, `unknown tissue preset '${raw}'; expected one of ${tissuePresetNames.join(', ')}`);
    return undefined;
  }
  if (!isObject(raw)) {
    issues.add(path, `expected a preset name (${tissuePresetNames.join(', ')}) or a tissue object`);
    return undefined;
  }
  const spec = issues.run(customTissueSchema, raw, path);
  if (!spec) return undefined;
  const t = resolveTissue(spec as TissueSpec);
  const where = (k: keyof TissueProperties) => (spec[k] !== undefined ? [...path, k] : path);
  let ok = true;
  if (!(t.solidus_C < t.liquidus_C)) {
    issues.add(where('solidus_C'), `solidus_C (${t.solidus_C}) must be below liquidus_C (${t.liquidus_C})`);
    ok = false;
  }
  if (!(t.initial_C > t.liquidus_C)) {
    issues.add(where('initial_C'), `initial_C (${t.initial_C}) must be above liquidus_C (${t.liquidus_C})`);
    ok = false;
  }
  return ok ? pruneTissue(spec) : undefined;
}

function pruneTissue(spec: Partial<TissueProperties> & { base?: string }): TissueSpec {
  const out: Partial<TissueProperties> & { base?: string } = {};
  if (spec.base !== undefined) out.base = spec.base;
  for (const k of TISSUE_KEYS) if (spec[k] !== undefined) out[k] = spec[k];
  return out as TissueSpec;
}

function checkProbeType(raw: unknown, path: Path, issues: Issues): string | ProbeSpec | undefined {
  const ids = probeIds.join(', ');
  if (typeof raw === 'string') {
    if (findProbe(raw)) return raw;
    issues.add(path, `unknown probe type '${raw}'; catalogue ids: ${ids}`);
    return undefined;
  }
  if (isObject(raw)) {
    const spec = issues.run(probeSpecSchema, raw, path);
    return spec ? { ...spec } : undefined;
  }
  issues.add(
    path,
    raw === undefined
      ? `required: a catalogue id (${ids}) or a probe object`
      : `expected a catalogue id (${ids}) or a probe object`,
  );
  return undefined;
}

function checkUnique(raw: unknown, field: string, key: string, what: string, issues: Issues): void {
  if (!Array.isArray(raw)) return;
  const first = new Map<string, number>();
  raw.forEach((item, i) => {
    if (!isObject(item) || typeof item[key] !== 'string') return;
    const v = item[key];
    const j = first.get(v);
    if (j === undefined) first.set(v, i);
    else issues.add([field, i, key], `duplicate ${what} '${v}' (also ${field}[${j}])`);
  });
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Validates a plan document (already JSON-parsed), fills defaults, normalises probe axes. */
export function parsePlan(json: unknown): ParseResult {
  const issues = new Issues();
  if (!isObject(json)) {
    issues.add([], 'expected a JSON object (a cryoplan/1 plan)');
    return { ok: false, issues: issues.list };
  }
  if (json.format !== PLAN_FORMAT) {
    issues.add(
      ['format'],
      json.format === undefined
        ? `missing; expected "${PLAN_FORMAT}" (is this a plan file?)`
        : `unsupported format ${JSON.stringify(json.format)}; this version reads "${PLAN_FORMAT}"`,
    );
    return { ok: false, issues: issues.list };
  }

  const doc = issues.run(planSchema, json, []);

  // Hand checks on the raw input.
  const meshKeys = new Set(isObject(json.meshes) ? Object.keys(json.meshes) : []);
  const tissue = checkTissue(json.tissue, issues);
  if (json.tumor !== undefined) checkShapeKeys(json.tumor, ['tumor'], issues, meshKeys);
  const rawStructures = Array.isArray(json.structures) ? json.structures : [];
  rawStructures.forEach((s, i) => {
    checkShapeKeys(s, ['structures', i], issues, meshKeys);
    if (isObject(s) && s.role === 'avoid') {
      for (const k of ['blood_C', 'wall_h_W_m2K'])
        if (s[k] !== undefined) issues.add(['structures', i, k], "applies to role 'vessel' only");
    }
  });
  const rawProbes = Array.isArray(json.probes) ? json.probes : [];
  const probeTypes = rawProbes.map((p, i) =>
    isObject(p) ? checkProbeType(p.type, ['probes', i, 'type'], issues) : undefined,
  );
  const rawProtocol = Array.isArray(json.protocol) ? json.protocol : [];
  rawProtocol.forEach((ph, i) => {
    if (isObject(ph) && ph.phase === 'freeze' && ph.mode !== undefined)
      issues.add(['protocol', i, 'mode'], 'applies to thaw phases only');
  });
  checkUnique(json.probes, 'probes', 'id', 'probe id', issues);
  checkUnique(json.structures, 'structures', 'name', 'structure name', issues);
  checkUnique(json.sensors, 'sensors', 'name', 'sensor name', issues);
  const durations = rawProtocol.map((ph) => (isObject(ph) ? ph.duration_s : undefined));
  if (durations.length > 0 && durations.every((d) => isFiniteNumber(d) && d > 0)) {
    const end = (durations as number[]).reduce((a, b) => a + b, 0);
    const times = Array.isArray(json.report_times_s) ? json.report_times_s : [];
    times.forEach((t, i) => {
      if (isFiniteNumber(t) && t > end)
        issues.add(['report_times_s', i], `${t} s is after the end of the protocol (${end} s)`);
    });
  }

  if (issues.list.length > 0 || !doc || tissue === undefined) {
    if (issues.list.length === 0) issues.add([], 'invalid plan');
    return { ok: false, issues: sortIssues(issues.list) };
  }

  const plan: Plan = {
    format: PLAN_FORMAT,
    ...(doc.name !== undefined ? { name: doc.name } : {}),
    tissue,
    lethal_C: doc.lethal_C,
    margin_mm: doc.margin_mm,
    grid: buildGrid(doc.grid),
    ...(doc.tumor ? { tumor: buildShape(doc.tumor) } : {}),
    structures: doc.structures.map(buildStructure),
    probes: doc.probes.map(
      (p, i): PlanProbe => ({ id: p.id, type: probeTypes[i]!, tip_mm: [...p.tip_mm], axis: p.axis }),
    ),
    protocol: doc.protocol.map(
      (ph): Phase =>
        ph.phase === 'freeze'
          ? { phase: 'freeze', duration_s: ph.duration_s }
          : { phase: 'thaw', duration_s: ph.duration_s, mode: ph.mode ?? planDefaults.thaw_mode },
    ),
    sensors: doc.sensors.map((s): Sensor => ({ name: s.name, at_mm: [...s.at_mm] })),
    report_times_s: [...new Set(doc.report_times_s)].sort((a, b) => a - b),
    ...(doc.meshes ? { meshes: buildMeshes(doc.meshes) } : {}),
  };
  return { ok: true, plan };
}

const FIELD_ORDER = Object.keys(planSchema.shape);

/** Issues in document order: by top-level field, then item index (stable otherwise). */
function sortIssues(list: PlanIssue[]): PlanIssue[] {
  const rank = (p: string): [number, number] => {
    const m = /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?/.exec(p);
    const top = m ? FIELD_ORDER.indexOf(m[1]!) : -1;
    return [top < 0 ? FIELD_ORDER.length : top, m?.[2] !== undefined ? Number(m[2]) : -1];
  };
  return list
    .map((issue, i) => ({ issue, i, r: rank(issue.path) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map((x) => x.issue);
}

function buildGrid(g: GridSpec): GridSpec {
  const out: GridSpec = { spacing_mm: g.spacing_mm, padding_mm: g.padding_mm };
  if (g.bounds_mm) out.bounds_mm = { min: [...g.bounds_mm.min], max: [...g.bounds_mm.max] };
  return out;
}

interface RawShape {
  ellipsoid?: { center_mm: Vec3; radii_mm: Vec3 };
  cylinder?: { from_mm: Vec3; to_mm: Vec3; radius_mm: number };
  mesh?: string;
}

function buildShape(s: RawShape): Shape {
  if (s.ellipsoid)
    return { ellipsoid: { center_mm: [...s.ellipsoid.center_mm], radii_mm: [...s.ellipsoid.radii_mm] } };
  if (s.cylinder)
    return {
      cylinder: {
        from_mm: [...s.cylinder.from_mm],
        to_mm: [...s.cylinder.to_mm],
        radius_mm: s.cylinder.radius_mm,
      },
    };
  return { mesh: s.mesh! };
}

function buildStructure(
  s: RawShape & { name: string; role: 'avoid' | 'vessel'; blood_C?: number; wall_h_W_m2K?: number },
): Structure {
  const out: Structure = { name: s.name, role: s.role, ...buildShape(s) };
  if (s.role === 'vessel') {
    out.blood_C = s.blood_C ?? planDefaults.blood_C;
    if (s.wall_h_W_m2K !== undefined) out.wall_h_W_m2K = s.wall_h_W_m2K;
  }
  return out;
}

function buildMeshes(m: Record<string, InlineMesh>): Record<string, InlineMesh> {
  const out: Record<string, InlineMesh> = {};
  for (const [k, v] of Object.entries(m))
    out[k] = { vertices_mm: [...v.vertices_mm], triangles: [...v.triangles] };
  return out;
}

/** Parses plan text (a `.cryoplan.json` file); a JSON syntax error is one issue at `(file)`. */
export function parsePlanText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, issues: [{ path: '(file)', message: `not valid JSON: ${msg}` }] };
  }
  return parsePlan(json);
}

/** One line per issue: `probes[1].tip_mm: expected 3 numbers`. */
export function formatIssues(issues: readonly PlanIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}

/** End of the protocol [s]: the sum of all phase durations. */
export function protocolEndS(plan: Pick<Plan, 'protocol'>): number {
  let t = 0;
  for (const ph of plan.protocol) t += ph.duration_s;
  return t;
}

// ---------------------------------------------------------------------------------------------
// Save

/**
 * Stable, pretty JSON of a parsed plan: fixed key order, defaults written out, number arrays on
 * one line. `parsePlan(JSON.parse(serializePlan(p)))` gives back a plan deep-equal to `p`.
 */
export function serializePlan(plan: Plan): string {
  return pretty(canonical(plan), '') + '\n';
}

function canonicalShape(s: Shape): Record<string, unknown> {
  if ('ellipsoid' in s)
    return { ellipsoid: { center_mm: s.ellipsoid.center_mm, radii_mm: s.ellipsoid.radii_mm } };
  if ('cylinder' in s)
    return {
      cylinder: { from_mm: s.cylinder.from_mm, to_mm: s.cylinder.to_mm, radius_mm: s.cylinder.radius_mm },
    };
  return { mesh: s.mesh };
}

function canonicalTissue(t: TissueSpec): unknown {
  if (typeof t === 'string') return t;
  const out: Record<string, unknown> = {};
  if (t.base !== undefined) out.base = t.base;
  for (const k of TISSUE_KEYS) if (t[k] !== undefined) out[k] = t[k];
  return out;
}

function canonicalProbeType(t: string | ProbeSpec): unknown {
  if (typeof t === 'string') return t;
  return {
    diameter_mm: t.diameter_mm,
    active_length_mm: t.active_length_mm,
    active_offset_mm: t.active_offset_mm,
    freeze_C: t.freeze_C,
    active_thaw_C: t.active_thaw_C,
  };
}

function canonical(p: Plan): Record<string, unknown> {
  return {
    format: p.format,
    name: p.name,
    tissue: canonicalTissue(p.tissue),
    lethal_C: p.lethal_C,
    margin_mm: p.margin_mm,
    grid: {
      spacing_mm: p.grid.spacing_mm,
      padding_mm: p.grid.padding_mm,
      bounds_mm: p.grid.bounds_mm && { min: p.grid.bounds_mm.min, max: p.grid.bounds_mm.max },
    },
    tumor: p.tumor && canonicalShape(p.tumor),
    structures: p.structures.map((s) => ({
      name: s.name,
      role: s.role,
      ...canonicalShape(s),
      blood_C: s.blood_C,
      wall_h_W_m2K: s.wall_h_W_m2K,
    })),
    probes: p.probes.map((pr) => ({
      id: pr.id,
      type: canonicalProbeType(pr.type),
      tip_mm: pr.tip_mm,
      axis: pr.axis,
    })),
    protocol: p.protocol.map((ph) =>
      ph.phase === 'freeze'
        ? { phase: ph.phase, duration_s: ph.duration_s }
        : { phase: ph.phase, duration_s: ph.duration_s, mode: ph.mode },
    ),
    sensors: p.sensors.map((s) => ({ name: s.name, at_mm: s.at_mm })),
    report_times_s: p.report_times_s,
    meshes: p.meshes,
  };
}

function pretty(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => typeof x === 'number')) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (isObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    // Small flat objects (a phase, a sensor, a probe) on one line.
    const flat = entries.every(([, x]) => !isObject(x) && (!Array.isArray(x) || x.every(isFiniteNumber)));
    if (flat) {
      const line = `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${pretty(x, '')}`).join(', ')} }`;
      if (indent.length + line.length <= 100) return line;
    }
    const inner = indent + '  ';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}
