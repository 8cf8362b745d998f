import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProbe, resolveProbe } from '../../src/plan/catalog.ts';
import { formatIssues, parsePlan, parsePlanText, protocolEndS, serializePlan } from '../../src/plan/parse.ts';
import { sampleCases } from '../../src/plan/samples.ts';
import type { Plan, Vec3 } from '../../src/plan/types.ts';

const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));
const load = (file: string): Plan => {
  const r = parsePlanText(readFileSync(publicDir + file, 'utf8'));
  if (!r.ok) throw new Error(`${file}:\n${formatIssues(r.issues)}`);
  return r.plan;
};
const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('sample cases', () => {
  it('lists every file in public/cases, with unique ids', () => {
    const files = readdirSync(publicDir + 'cases').filter((f) => f.endsWith('.cryoplan.json'));
    expect(sampleCases.map((s) => s.file.replace('cases/', '')).sort()).toEqual(files.sort());
    expect(new Set(sampleCases.map((s) => s.id)).size).toBe(sampleCases.length);
    expect(sampleCases.map((s) => s.id).sort()).toEqual(
      ['breast-ln2', 'gel-single-probe', 'liver-3probe', 'renal-2probe'],
    );
  });

  for (const s of sampleCases) {
    describe(s.id, () => {
      it('parses', () => {
        const plan = load(s.file);
        expect(plan.format).toBe('cryoplan/1');
        expect(plan.probes.length).toBeGreaterThan(0);
      });

      it('round-trips save → load unchanged, and saving is stable', () => {
        const plan = load(s.file);
        const text = serializePlan(plan);
        const again = parsePlan(JSON.parse(text));
        expect(again.ok).toBe(true);
        if (!again.ok) return;
        expect(again.plan).toStrictEqual(plan);
        expect(serializePlan(again.plan)).toBe(text);
      });

      it('follows the placement guidance', () => {
        const plan = load(s.file);
        for (const p of plan.probes) {
          const spec = resolveProbe(p.type);
          // The active zone spans the tumour along the probe (tip beyond the tumour).
          if (plan.tumor && 'ellipsoid' in plan.tumor) {
            const { center_mm: c, radii_mm: r } = plan.tumor.ellipsoid;
            const along = (q: Vec3) => (q[0] - p.tip_mm[0]) * p.axis[0] + (q[1] - p.tip_mm[1]) * p.axis[1] + (q[2] - p.tip_mm[2]) * p.axis[2];
            const halfExtent = Math.abs(p.axis[0]) * r[0] + Math.abs(p.axis[1]) * r[1] + Math.abs(p.axis[2]) * r[2];
            const mid = along(c);
            expect(spec.active_offset_mm).toBeLessThanOrEqual(mid - halfExtent);
            expect(spec.active_offset_mm + spec.active_length_mm).toBeGreaterThanOrEqual(mid + halfExtent);
          }
        }
        // Probes 1–2 cm apart.
        for (let i = 0; i < plan.probes.length; i++)
          for (let j = i + 1; j < plan.probes.length; j++) {
            const d = dist(plan.probes[i]!.tip_mm, plan.probes[j]!.tip_mm);
            expect(d).toBeGreaterThanOrEqual(10);
            expect(d).toBeLessThanOrEqual(20);
          }
        expect(protocolEndS(plan)).toBeGreaterThan(0);
        for (const t of plan.report_times_s) expect(t).toBeLessThanOrEqual(protocolEndS(plan));
      });
    });
  }

  it('has the protocols the cases name', () => {
    const ends = Object.fromEntries(sampleCases.map((s) => [s.id, protocolEndS(load(s.file))]));
    expect(ends).toEqual({
      'gel-single-probe': 600,
      'renal-2probe': 1680,
      'liver-3probe': 1680,
      'breast-ln2': 1800,
    });
    const breast = load('cases/breast-ln2.cryoplan.json');
    expect(findProbe(breast.probes[0]!.type as string)?.cryogen).toBe('ln2');
    expect(breast.protocol[1]).toEqual({ phase: 'thaw', duration_s: 600, mode: 'passive' });
  });

  it('keeps the liver domain within about 90 mm per side at 1 mm', () => {
    const plan = load('cases/liver-3probe.cryoplan.json');
    const lo: Vec3 = [Infinity, Infinity, Infinity];
    const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
    const add = (p: Vec3, r = 0) => {
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a]!, p[a]! - r);
        hi[a] = Math.max(hi[a]!, p[a]! + r);
      }
    };
    const t = plan.tumor!;
    if ('ellipsoid' in t) {
      const { center_mm: c, radii_mm: r } = t.ellipsoid;
      add([c[0] - r[0], c[1] - r[1], c[2] - r[2]]);
      add([c[0] + r[0], c[1] + r[1], c[2] + r[2]]);
    }
    for (const s of plan.structures)
      if ('cylinder' in s) {
        // Exact box of a cylinder: end discs extend r·sqrt(1 − d_a²) along axis a.
        const { from_mm: f, to_mm: t, radius_mm: r } = s.cylinder;
        const len = dist(f, t);
        for (let a = 0; a < 3; a++) {
          const d = (t[a]! - f[a]!) / len;
          const e = r * Math.sqrt(Math.max(0, 1 - d * d));
          lo[a] = Math.min(lo[a]!, f[a]! - e, t[a]! - e);
          hi[a] = Math.max(hi[a]!, f[a]! + e, t[a]! + e);
        }
      }
    for (const p of plan.probes) {
      const spec = resolveProbe(p.type);
      add(p.tip_mm);
      const e = spec.active_offset_mm + spec.active_length_mm;
      add([p.tip_mm[0] + e * p.axis[0], p.tip_mm[1] + e * p.axis[1], p.tip_mm[2] + e * p.axis[2]]);
    }
    for (let a = 0; a < 3; a++) expect(hi[a]! - lo[a]! + 2 * plan.grid.padding_mm).toBeLessThanOrEqual(90);
    expect(plan.grid.spacing_mm).toBe(1);
  });
});
