import { describe, expect, it } from 'vitest';
import { activeZoneCentre, layoutReport, type ProbeSpecResolver } from '../../src/store/probeGeometry.ts';
import { resolveProbe } from '../../src/plan/catalog.ts';
import type { Plan, PlanProbe, ProbeSpec } from '../../src/plan/types.ts';
import { twoProbePlan } from './fixtures.ts';

/** A probe whose active zone is 20 mm long starting at the tip: centre = tip + 10 mm × axis. */
const spec: ProbeSpec = { diameter_mm: 2, active_length_mm: 20, active_offset_mm: 0, freeze_C: -145, active_thaw_C: 20 };
const resolve: ProbeSpecResolver = (t) => (t === 'unknown' ? undefined : spec);

function plan(probes: [string, [number, number, number]][], tumor?: Plan['tumor']): Plan {
  const base = twoProbePlan();
  return {
    ...base,
    tumor,
    probes: probes.map(([id, tip]): PlanProbe => ({ id, type: 'x', tip_mm: tip, axis: [0, 0, 1] })),
  };
}

describe('probe layout distances', () => {
  it('measures between active-zone centres, not tips', () => {
    const p: PlanProbe = { id: 'A', type: 'argon-2.4mm', tip_mm: [1, 2, 3], axis: [0, 0, 1] };
    const s = resolveProbe('argon-2.4mm');
    expect(activeZoneCentre(p, s)).toEqual([1, 2, 3 + s.active_offset_mm + s.active_length_mm / 2]);
    const tilted = plan([['A', [0, 0, 0]], ['B', [15, 0, 0]]]);
    tilted.probes[1] = { ...tilted.probes[1], axis: [1, 0, 0] };
    // A centre (0,0,10); B centre (25,0,0).
    expect(layoutReport(tilted, resolve).pairs[0].distanceMm).toBeCloseTo(Math.hypot(25, 10), 12);
  });

  it('lists every pair and warns when a probe is more than 20 mm from its nearest neighbour', () => {
    const ok = layoutReport(plan([['A', [0, 0, 0]], ['B', [15, 0, 0]], ['C', [7.5, 13, 0]]]), resolve);
    expect(ok.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(['A-B', 'A-C', 'B-C']);
    expect(ok.pairs[0].distanceMm).toBeCloseTo(15, 12);
    expect(ok.warnings).toEqual([]);

    const far = layoutReport(plan([['A', [0, 0, 0]], ['B', [15, 0, 0]], ['C', [15, 25, 0]]]), resolve);
    expect(far.nearestMm.C).toBeCloseTo(25, 12);
    const spacing = far.warnings.filter((w) => w.kind === 'spacing');
    expect(spacing.map((w) => w.probeId)).toEqual(['C']);
    expect(spacing[0].message).toBe('C is 25.0 mm from its nearest probe B (guide: ≤ 20 mm)');
  });

  it('exactly 20 mm apart is within the guide', () => {
    const r = layoutReport(plan([['A', [0, 0, 0]], ['B', [20, 0, 0]]]), resolve);
    expect(r.warnings).toEqual([]);
  });

  it('gives the signed distance to the tumour edge and warns beyond 10 mm either side', () => {
    const tumor = { ellipsoid: { center_mm: [0, 0, 0] as [number, number, number], radii_mm: [15, 15, 15] as [number, number, number] } };
    // Centres: A (0,0,0) 15 mm inside; B (10,0,0) 5 mm inside; C (30,0,0) 15 mm outside; D (22,0,0) 7 mm outside.
    const r = layoutReport(
      plan([['A', [0, 0, -10]], ['B', [10, 0, -10]], ['C', [30, 0, -10]], ['D', [22, 0, -10]]], tumor),
      resolve,
    );
    expect(r.edgeMm.A).toBeCloseTo(-15, 4);
    expect(r.edgeMm.B).toBeCloseTo(-5, 4);
    expect(r.edgeMm.C).toBeCloseTo(15, 4);
    expect(r.edgeMm.D).toBeCloseTo(7, 4);
    const edge = r.warnings.filter((w) => w.kind === 'edge');
    expect(edge.map((w) => w.message)).toEqual([
      'A is 15.0 mm inside the tumour edge (guide: within 10 mm)',
      'C is 15.0 mm outside the tumour edge (guide: within 10 mm)',
    ]);
  });

  it('measures the edge of a tumour carried as a mesh', () => {
    // A closed cube 20 mm wide centred at the origin, CCW seen from outside.
    const v = [-10, -10, -10, 10, -10, -10, 10, 10, -10, -10, 10, -10, -10, -10, 10, 10, -10, 10, 10, 10, 10, -10, 10, 10];
    const t = [0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 2, 3, 7, 2, 7, 6, 1, 2, 6, 1, 6, 5, 0, 4, 7, 0, 7, 3];
    const p = { ...plan([['A', [0, 0, -10]], ['B', [25, 0, -10]]], { mesh: 'cube' }), meshes: { cube: { vertices_mm: v, triangles: t } } };
    const r = layoutReport(p, resolve);
    expect(r.edgeMm.A).toBeCloseTo(-10, 5);
    expect(r.edgeMm.B).toBeCloseTo(15, 5);
  });

  it('flags an unknown probe type and has no tumour distances without a tumour', () => {
    const p = plan([['A', [0, 0, 0]]]);
    p.probes[0] = { ...p.probes[0], type: 'unknown' };
    const r = layoutReport(p, resolve);
    expect(r.warnings.map((w) => w.kind)).toEqual(['unknown-type']);
    expect(r.edgeMm).toEqual({});
    expect(r.nearestMm).toEqual({});
  });
});
