import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../src/geometry/vec.ts';
import { cylinderMesh, ellipsoidMesh } from '../../src/geometry/mesh.ts';
import {
  containsPoint, shapeBounds, signedDistanceMm, type ResolvedShape,
} from '../../src/geometry/shapes.ts';
import { cubeMesh } from './fixtures.ts';

const ell: ResolvedShape = { kind: 'ellipsoid', centerMm: [1, 2, 3], radiiMm: [10, 5, 20] };
const cyl: ResolvedShape = { kind: 'cylinder', fromMm: [0, 0, 0], toMm: [0, 0, 10], radiusMm: 2 };

describe('ellipsoid SDF', () => {
  it('is exact on the axes (inside and outside)', () => {
    expect(signedDistanceMm(ell, [1 + 13, 2, 3])).toBeCloseTo(3, 9);
    expect(signedDistanceMm(ell, [1, 2 + 7, 3])).toBeCloseTo(2, 9);
    expect(signedDistanceMm(ell, [1, 2, 3 - 26])).toBeCloseTo(6, 9);
    expect(signedDistanceMm(ell, [1 + 9, 2, 3])).toBeCloseTo(-1, 9);
    // Centre: nearest surface point is at the smallest radius.
    expect(signedDistanceMm(ell, [1, 2, 3])).toBeCloseTo(-5, 5);
    expect(signedDistanceMm(ell, [1, 2 + 4, 3])).toBeCloseTo(-1, 5);
  });

  it('sphere case matches |p - c| - r everywhere', () => {
    const s: ResolvedShape = { kind: 'ellipsoid', centerMm: [0, 0, 0], radiiMm: [7, 7, 7] };
    for (const p of [[1, 2, 3], [10, -4, 2], [0.1, 0, 0], [-3, -3, -3], [50, 1, 1]] as Vec3[]) {
      expect(signedDistanceMm(s, p)).toBeCloseTo(Math.hypot(...p) - 7, 6);
    }
  });

  it('distance equals the distance to a dense surface sampling (off-axis)', () => {
    const pts: Vec3[] = [[8, 4, 10], [3, 1, -5], [-12, 6, 18], [0.5, -3.9, 2]];
    for (const p of pts) {
      let best = Infinity;
      const n = 600;
      for (let a = 0; a <= n; a++) {
        const th = (Math.PI * a) / n;
        for (let b = 0; b < 2 * n; b += 1) {
          const ph = (Math.PI * b) / n;
          const q: Vec3 = [1 + 10 * Math.sin(th) * Math.cos(ph), 2 + 5 * Math.sin(th) * Math.sin(ph), 3 + 20 * Math.cos(th)];
          best = Math.min(best, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
        }
      }
      const d = signedDistanceMm(ell, p);
      expect(Math.abs(Math.abs(d) - best)).toBeLessThan(0.03);
      expect(d < 0).toBe(containsPoint(ell, p));
    }
  }, 20000);
});

describe('cylinder SDF', () => {
  it('is exact at known points', () => {
    expect(signedDistanceMm(cyl, [5, 0, 5])).toBeCloseTo(3, 12);
    expect(signedDistanceMm(cyl, [0, 0, 13])).toBeCloseTo(3, 12);
    expect(signedDistanceMm(cyl, [0, 0, -1])).toBeCloseTo(1, 12);
    expect(signedDistanceMm(cyl, [5, 0, 14])).toBeCloseTo(5, 12); // corner: hypot(3, 4)
    expect(signedDistanceMm(cyl, [0, 0, 5])).toBeCloseTo(-2, 12);
    expect(signedDistanceMm(cyl, [0, 1.5, 0.25])).toBeCloseTo(-0.25, 12);
    expect(containsPoint(cyl, [1.9, 0, 9.9])).toBe(true);
    expect(containsPoint(cyl, [2.1, 0, 5])).toBe(false);
  });

  it('bounds of an oblique cylinder', () => {
    const b = shapeBounds({ kind: 'cylinder', fromMm: [0, 0, 0], toMm: [10, 0, 0], radiusMm: 3 });
    expect(b.minMm).toEqual([0, -3, -3]);
    expect(b.maxMm).toEqual([10, 3, 3]);
    const b2 = shapeBounds({ kind: 'cylinder', fromMm: [0, 0, 0], toMm: [10, 10, 0], radiusMm: 2 });
    expect(b2.minMm[0]).toBeCloseTo(-Math.SQRT2, 12);
    expect(b2.maxMm[2]).toBeCloseTo(2, 12);
  });
});

describe('mesh shapes', () => {
  it('cube: inside test and exact distances', () => {
    const m: ResolvedShape = { kind: 'mesh', mesh: cubeMesh(10) };
    expect(containsPoint(m, [5, 5, 5])).toBe(true);
    expect(containsPoint(m, [0, 0, 0.5])).toBeDefined();
    expect(containsPoint(m, [11, 5, 5])).toBe(false);
    expect(containsPoint(m, [-1, 5, 5])).toBe(false);
    expect(signedDistanceMm(m, [5, 5, 5])).toBeCloseTo(-5, 6);
    expect(signedDistanceMm(m, [5, 5, 12])).toBeCloseTo(2, 6);
    expect(signedDistanceMm(m, [13, 14, 5])).toBeCloseTo(5, 6);
    expect(signedDistanceMm(m, [2, 5, 5])).toBeCloseTo(-2, 6);
  });

  it('ellipsoid mesh SDF agrees with the analytic SDF near the surface', () => {
    const m: ResolvedShape = { kind: 'mesh', mesh: ellipsoidMesh([1, 2, 3], [10, 5, 20], 96) };
    for (const p of [[12, 2, 3], [1, 2, 3], [5, 5, 10], [-8, 0, -10]] as Vec3[]) {
      expect(signedDistanceMm(m, p)).toBeCloseTo(signedDistanceMm(ell, p), 0);
    }
  });

  it('cylinder mesh SDF agrees with the analytic cylinder', () => {
    const m: ResolvedShape = { kind: 'mesh', mesh: cylinderMesh([0, 0, 0], [0, 0, 10], 2, 256) };
    for (const p of [[5, 0, 5], [0, 0, 13], [0, 0, 5], [0, 1.5, 0.25], [5, 0, 14]] as Vec3[]) {
      expect(Math.abs(signedDistanceMm(m, p) - signedDistanceMm(cyl, p))).toBeLessThan(0.01);
    }
  });
});
