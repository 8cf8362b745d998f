import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Body, cylinderBody, segmentEntry, surfaceDistanceBound } from '../../src/physics/bodies.ts';
import type { Vec3 } from '../../src/geometry/vec.ts';

/**
 * surfaceDistanceBound lets buildCutFaces skip cells whose rays cannot reach a probe, so it must
 * never exceed the distance to a surface that a segment near the point actually crosses.
 */
describe('probe bodies', () => {
  const mm = fc.double({ min: -6, max: 6, noNaN: true }).map((v) => v / 1000);
  const point = fc.tuple(mm, mm, mm) as fc.Arbitrary<Vec3>;
  const bodies: Body[] = [
    cylinderBody([0.0004, -0.0003, -0.004], [-0.0002, 0.0005, 0.004], 0.0012),
    cylinderBody([-0.003, 0, 0.001], [0.003, 0.0004, 0.0012], 0.0007),
    { kind: 'sphere', centre: [0.0003, 0, -0.0002], radius: 0.0025 },
    { kind: 'halfspace', point: [0, 0, 0.001], normal: [0.6, 0, 0.8] },
  ];

  it('a segment that crosses the surface comes at least surfaceDistanceBound close to every point it passes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bodies), point, point, fc.double({ min: 0, max: 1, noNaN: true }), (body, a, b, along) => {
        const s = segmentEntry(body, a, b);
        if (s === null) return;
        // The crossing point lies on the surface: every point p of the segment is within
        // |p − crossing| of it, so the bound at p may not exceed that.
        const crossing: Vec3 = [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1]), a[2] + s * (b[2] - a[2])];
        const p: Vec3 = [a[0] + along * (b[0] - a[0]), a[1] + along * (b[1] - a[1]), a[2] + along * (b[2] - a[2])];
        const d = Math.hypot(p[0] - crossing[0], p[1] - crossing[1], p[2] - crossing[2]);
        expect(surfaceDistanceBound(body, p)).toBeLessThanOrEqual(d + 1e-12);
      }),
      { numRuns: 4000, seed: 20261128 },
    );
  });

  it('is the distance to the side wall beside a cylinder and to the sphere', () => {
    const c = cylinderBody([0, 0, -0.005], [0, 0, 0.005], 0.001);
    expect(surfaceDistanceBound(c, [0.003, 0, 0])).toBeCloseTo(0.002, 12);
    expect(surfaceDistanceBound({ kind: 'sphere', centre: [0, 0, 0], radius: 0.002 }, [0, 0.005, 0])).toBeCloseTo(0.003, 12);
  });
});
