import { describe, expect, it } from 'vitest';
import {
  formatIssues,
  formatPath,
  parsePlan,
  parsePlanText,
  protocolEndS,
  serializePlan,
} from '../../src/plan/parse.ts';
import type { Plan, PlanIssue } from '../../src/plan/types.ts';

/** Raw plan JSON, loosely typed so tests can break any field. */
type Raw = { [key: string]: unknown; probes: Record<string, unknown>[]; protocol: unknown[] };

/** A minimal valid plan (raw JSON); tests break one field at a time. */
const minimal = (): Raw => ({
  format: 'cryoplan/1',
  tissue: 'liver',
  probes: [{ id: 'P1', type: 'argon-2.4mm', tip_mm: [0, 0, -15], axis: [0, 0, 1] }],
  protocol: [{ phase: 'freeze', duration_s: 600 }],
});

function issuesOf(json: unknown): PlanIssue[] {
  const r = parsePlan(json);
  if (r.ok) throw new Error('expected the plan to be refused');
  return r.issues;
}
function ok(json: unknown): Plan {
  const r = parsePlan(json);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.plan;
}
const paths = (issues: PlanIssue[]) => issues.map((i) => i.path);
function only(json: unknown, path: string, message: RegExp): void {
  const issues = issuesOf(json);
  expect(paths(issues)).toEqual([path]);
  expect(issues[0]!.message).toMatch(message);
}

describe('parsePlan: defaults and normalisation', () => {
  it('fills every default', () => {
    const plan = ok(minimal());
    expect(plan).toStrictEqual({
      format: 'cryoplan/1',
      tissue: 'liver',
      lethal_C: -40,
      margin_mm: 5,
      grid: { spacing_mm: 1, padding_mm: 25 },
      structures: [],
      probes: [{ id: 'P1', type: 'argon-2.4mm', tip_mm: [0, 0, -15], axis: [0, 0, 1] }],
      protocol: [{ phase: 'freeze', duration_s: 600 }],
      sensors: [],
      report_times_s: [],
    });
  });

  it('defaults thaw mode to passive and vessel blood to 37 °C', () => {
    const raw: Raw = {
      ...minimal(),
      protocol: [{ phase: 'freeze', duration_s: 600 }, { phase: 'thaw', duration_s: 300 }],
      structures: [
        { name: 'v', role: 'vessel', cylinder: { from_mm: [0, 0, 0], to_mm: [0, 10, 0], radius_mm: 3 } },
        { name: 'b', role: 'avoid', ellipsoid: { center_mm: [0, 30, 0], radii_mm: [5, 5, 5] } },
      ],
    };
    const plan = ok(raw);
    expect(plan.protocol[1]).toEqual({ phase: 'thaw', duration_s: 300, mode: 'passive' });
    expect(plan.structures[0]!.blood_C).toBe(37);
    expect(plan.structures[1]).not.toHaveProperty('blood_C');
  });

  it('normalises probe axes to unit length', () => {
    const raw = minimal();
    raw.probes[0]!.axis = [0, 3, 4];
    const axis = ok(raw).probes[0]!.axis;
    expect(axis[0]).toBe(0);
    expect(axis[1]).toBeCloseTo(0.6, 15);
    expect(axis[2]).toBeCloseTo(0.8, 15);
    expect(Math.hypot(...axis)).toBeCloseTo(1, 15);
  });

  it('sorts and de-duplicates report times', () => {
    expect(ok({ ...minimal(), report_times_s: [600, 60, 300, 60] }).report_times_s).toEqual([60, 300, 600]);
  });

  it('accepts custom tissue over a base and a custom probe', () => {
    const raw: Raw = {
      ...minimal(),
      tissue: { base: 'kidney', k_frozen_W_mK: 2.2, perfusion_W_m3K: 0 },
      probes: [{
        id: 'X',
        type: { diameter_mm: 2, active_length_mm: 30, active_offset_mm: 0, freeze_C: -150, active_thaw_C: 20 },
        tip_mm: [0, 0, 0], axis: [1, 0, 0],
      }],
    };
    const plan = ok(raw);
    expect(plan.tissue).toEqual({ base: 'kidney', k_frozen_W_mK: 2.2, perfusion_W_m3K: 0 });
    expect(plan.probes[0]!.type).toEqual(raw.probes[0]!.type);
  });

  it('accepts inline meshes and mesh file names', () => {
    const raw: Raw = {
      ...minimal(),
      tumor: { mesh: 'lesion' },
      structures: [{ name: 'gb', role: 'avoid', mesh: 'gallbladder.STL' }],
      meshes: { lesion: { vertices_mm: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], triangles: [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3] } },
    };
    const plan = ok(raw);
    expect(plan.tumor).toEqual({ mesh: 'lesion' });
    expect(plan.meshes?.lesion?.triangles).toHaveLength(12);
  });
});

describe('parsePlan: errors with field paths', () => {
  it('refuses another format with a clear message, and nothing else', () => {
    only({ ...minimal(), format: 'cryoplan/2' }, 'format', /unsupported format "cryoplan\/2".*cryoplan\/1/);
    only({ ...minimal(), format: undefined }, 'format', /missing/);
    only([1, 2], '(plan)', /JSON object/);
  });

  it('probe tip with 2 numbers -> probes[0].tip_mm', () => {
    const raw = minimal();
    (raw.probes[0] as { tip_mm: number[] }).tip_mm = [1, 2];
    only(raw, 'probes[0].tip_mm', /^expected 3 numbers$/);
  });

  it('zero axis is an error', () => {
    const raw = minimal();
    raw.probes[0]!.axis = [0, 0, 0];
    only(raw, 'probes[0].axis', /zero/);
  });

  it('unknown catalogue id names the field and lists valid ids', () => {
    const raw = minimal();
    raw.probes[0]!.type = 'argon-9mm';
    only(raw, 'probes[0].type', /argon-9mm.*argon-1\.47mm.*argon-2\.4mm.*ln2-3\.4mm/);
  });

  it('bad custom probe fields', () => {
    const raw: Raw = { ...minimal() };
    raw.probes = [{ id: 'P1', type: { diameter_mm: 2.4, active_length_mm: 40, active_offset_mm: 0, freeze_C: 10, active_thaw_C: 20 } as never, tip_mm: [0, 0, 0], axis: [0, 0, 1] }];
    only(raw, 'probes[0].type.freeze_C', /below 0/);
  });

  it('unknown tissue preset lists the names', () => {
    only({ ...minimal(), tissue: 'lung' }, 'tissue', /'lung'.*generic, liver, kidney, prostate, breast, muscle, fat, bone, gel/);
    only({ ...minimal(), tissue: { base: 'lung' } }, 'tissue.base', /generic/);
    only({ ...minimal(), tissue: undefined }, 'tissue', /required/);
  });

  it('bad custom tissue values', () => {
    only({ ...minimal(), tissue: { k_frozen_W_mK: -1 } }, 'tissue.k_frozen_W_mK', /> 0/);
    only({ ...minimal(), tissue: { C_unfrozen_J_m3K: 0 } }, 'tissue.C_unfrozen_J_m3K', /> 0/);
    only({ ...minimal(), tissue: { latent_J_m3: -5 } }, 'tissue.latent_J_m3', /≥ 0/);
    only({ ...minimal(), tissue: { solidus_C: -1, liquidus_C: -8 } }, 'tissue.solidus_C', /below liquidus_C/);
    only({ ...minimal(), tissue: { base: 'gel', solidus_C: 0 } }, 'tissue.solidus_C', /below liquidus_C \(0\)/);
    only({ ...minimal(), tissue: { k_frozen: 2 } }, 'tissue.k_frozen', /unknown field/);
    only({ ...minimal(), tissue: 42 }, 'tissue', /preset name/);
  });

  it('empty protocol, negative duration, bad phase and thaw mode', () => {
    only({ ...minimal(), protocol: [] }, 'protocol', /at least one phase/);
    only({ ...minimal(), protocol: [{ phase: 'freeze', duration_s: -60 }] }, 'protocol[0].duration_s', /> 0/);
    only({ ...minimal(), protocol: [{ phase: 'melt', duration_s: 60 }] }, 'protocol[0].phase', /'freeze' or 'thaw'/);
    only(
      { ...minimal(), protocol: [{ phase: 'freeze', duration_s: 60 }, { phase: 'thaw', duration_s: 60, mode: 'hot' }] },
      'protocol[1].mode',
      /'passive' or 'active'/,
    );
    only({ ...minimal(), protocol: [{ phase: 'freeze', duration_s: 60, mode: 'active' }] }, 'protocol[0].mode', /thaw/);
  });

  it('duplicate probe ids, structure names and sensor names', () => {
    const raw: Raw = {
      ...minimal(),
      probes: [
        { id: 'P1', type: 'argon-2.4mm', tip_mm: [0, 0, -15], axis: [0, 0, 1] },
        { id: 'P1', type: 'argon-2.4mm', tip_mm: [15, 0, -15], axis: [0, 0, 1] },
      ],
      structures: [
        { name: 'bowel', role: 'avoid', ellipsoid: { center_mm: [0, 30, 0], radii_mm: [5, 5, 5] } },
        { name: 'bowel', role: 'avoid', ellipsoid: { center_mm: [0, -30, 0], radii_mm: [5, 5, 5] } },
      ],
      sensors: [{ name: 'TC1', at_mm: [0, 0, 0] }, { name: 'TC1', at_mm: [1, 0, 0] }],
    };
    const issues = issuesOf(raw);
    expect(paths(issues)).toEqual(['structures[1].name', 'probes[1].id', 'sensors[1].name']);
    expect(issues[1]!.message).toMatch(/duplicate probe id 'P1' \(also probes\[0\]\)/);
  });

  it('report times, grid spacing, shapes, unknown fields', () => {
    only({ ...minimal(), report_times_s: [-1] }, 'report_times_s[0]', /≥ 0/);
    only({ ...minimal(), report_times_s: [60, 900] }, 'report_times_s[1]', /after the end of the protocol \(600 s\)/);
    only({ ...minimal(), grid: { spacing_mm: 0.1 } }, 'grid.spacing_mm', /≥ 0\.25/);
    only({ ...minimal(), grid: { spacing_mm: 10 } }, 'grid.spacing_mm', /≤ 5/);
    only({ ...minimal(), grid: { bounds_mm: { min: [0, 0, 0], max: [10, -1, 10] } } }, 'grid.bounds_mm.max', /exceed/);
    only({ ...minimal(), tumor: {} }, 'tumor', /one shape/);
    only({ ...minimal(), tumor: { ellipsoid: { center_mm: [0, 0, 0], radii_mm: [5, 0, 5] } } }, 'tumor.ellipsoid.radii_mm', /positive/);
    only({ ...minimal(), tumor: { mesh: 'lesion' } }, 'tumor.mesh', /neither a key of meshes nor an \.stl/);
    only({ ...minimal(), tumour: {} }, 'tumour', /unknown field/);
    only({ ...minimal(), lethal_C: 'cold' }, 'lethal_C', /expected number, got string/);
    only(
      { ...minimal(), structures: [{ name: 'b', role: 'avoid', wall_h_W_m2K: 230, ellipsoid: { center_mm: [0, 0, 0], radii_mm: [1, 1, 1] } }] },
      'structures[0].wall_h_W_m2K',
      /vessel/,
    );
    only(
      { ...minimal(), structures: [{ name: 'v', role: 'vessel', cylinder: { from_mm: [0, 0, 0], to_mm: [0, 0, 0], radius_mm: 4 } }] },
      'structures[0].cylinder.to_mm',
      /differ/,
    );
    only({ ...minimal(), probes: [] }, 'probes', /at least one probe/);
  });

  it('reports all problems at once, in document order', () => {
    const raw = {
      format: 'cryoplan/1',
      tissue: 'lung',
      grid: { spacing_mm: 0 },
      probes: [
        { id: 'P1', type: 'argon-2.4mm', tip_mm: [0, 0, -15], axis: [0, 0, 1] },
        { id: 'P2', type: 'nope', tip_mm: [0, 0], axis: [0, 0, 0] },
      ],
      protocol: [{ phase: 'freeze', duration_s: -1 }],
      sensors: [{ name: 'TC1' }],
    };
    const issues = issuesOf(raw);
    expect(paths(issues)).toEqual([
      'tissue',
      'grid.spacing_mm',
      'probes[1].tip_mm',
      'probes[1].axis',
      'probes[1].type',
      'protocol[0].duration_s',
      'sensors[0].at_mm',
    ]);
    expect(formatIssues(issues)).toContain('probes[1].tip_mm: expected 3 numbers');
  });
});

describe('parsePlanText, serializePlan, helpers', () => {
  it('JSON syntax errors are one issue at (file)', () => {
    const r = parsePlanText('{ "format": "cryoplan/1", ');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.path).toBe('(file)');
    expect(r.issues[0]!.message).toMatch(/not valid JSON/);
  });

  it('round-trips a plan with every optional part', () => {
    const raw: Raw = {
      ...minimal(),
      name: 'everything',
      tissue: { base: 'gel', initial_C: 20 },
      lethal_C: -20,
      margin_mm: 3,
      grid: { spacing_mm: 0.5, padding_mm: 10, bounds_mm: { min: [-30, -30, -30], max: [30, 30, 30] } },
      tumor: { ellipsoid: { center_mm: [1, 2, 3], radii_mm: [4, 5, 6] } },
      structures: [{ name: 'v', role: 'vessel', wall_h_W_m2K: 230, blood_C: 36, cylinder: { from_mm: [0, -20, 0], to_mm: [0, 20, 0], radius_mm: 2.5 } }],
      probes: [{ id: 'A', type: { diameter_mm: 1.5, active_length_mm: 20, active_offset_mm: 2, freeze_C: -140, active_thaw_C: 25 }, tip_mm: [0.1, 0.2, 0.3], axis: [1, 1, 1] }],
      protocol: [{ phase: 'freeze', duration_s: 300 }, { phase: 'thaw', duration_s: 120, mode: 'active' }],
      sensors: [{ name: 'S', at_mm: [5, 5, 5] }],
      report_times_s: [60, 420],
      meshes: { m: { vertices_mm: [0, 0, 0, 1, 0, 0, 0, 1, 0], triangles: [0, 1, 2] } },
    };
    const plan = ok(raw);
    const text = serializePlan(plan);
    const back = ok(JSON.parse(text));
    expect(back).toStrictEqual(plan);
    expect(serializePlan(back)).toBe(text);
    expect(text.indexOf('"format"')).toBe(4);
    expect(protocolEndS(plan)).toBe(420);
  });

  it('formats paths with dots and brackets', () => {
    expect(formatPath(['probes', 1, 'tip_mm'])).toBe('probes[1].tip_mm');
    expect(formatPath(['meshes', 'a.stl', 'triangles', 3])).toBe('meshes["a.stl"].triangles[3]');
    expect(formatPath([])).toBe('(plan)');
  });
});
