import { describe, expect, it } from 'vitest';
import type { Grid } from '../../src/geometry/grid.ts';
import { cellIndex, gridCovering } from '../../src/geometry/grid.ts';
import { cylinderMesh, ellipsoidMesh } from '../../src/geometry/mesh.ts';
import type { ResolvedShape } from '../../src/geometry/shapes.ts';
import { signedDistanceField, voxelize } from '../../src/geometry/voxelize.ts';
import { cubeMesh } from './fixtures.ts';

function count(a: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i];
  return n;
}
function diff(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i] !== b[i] ? 1 : 0;
  return n;
}

describe('voxelize', () => {
  it('a 5×5×1 literal grid with a sphere of radius 1.5 at the centre', () => {
    const grid: Grid = { dims: [5, 5, 1], spacingMm: 1, originMm: [-2, -2, 0] };
    const v = voxelize(grid, { kind: 'ellipsoid', centerMm: [0, 0, 0], radiiMm: [1.5, 1.5, 1.5] });
    // prettier-ignore
    expect(Array.from(v)).toEqual([
      0, 0, 0, 0, 0,
      0, 1, 1, 1, 0,
      0, 1, 1, 1, 0,
      0, 1, 1, 1, 0,
      0, 0, 0, 0, 0,
    ]);
  });

  it('sphere volume ≈ 4/3 π r³', () => {
    const r = 12;
    const grid = gridCovering([-15, -15, -15], [15, 15, 15], 0.5);
    const v = voxelize(grid, { kind: 'ellipsoid', centerMm: [0.3, -0.2, 0.1], radiiMm: [r, r, r] });
    const vol = count(v) * 0.125;
    expect(Math.abs(vol / ((4 / 3) * Math.PI * r ** 3) - 1)).toBeLessThan(0.01);
  });

  it('cylinder volume ≈ π r² L (oblique)', () => {
    const grid = gridCovering([-20, -20, -20], [20, 20, 20], 0.5);
    const v = voxelize(grid, { kind: 'cylinder', fromMm: [-10, -5, -8], toMm: [10, 6, 9], radiusMm: 4 });
    const exact = Math.PI * 16 * Math.hypot(20, 11, 17);
    expect(Math.abs((count(v) * 0.125) / exact - 1)).toBeLessThan(0.02);
  });

  it('mesh parity voxelization matches the analytic ellipsoid within a few cells', () => {
    const grid = gridCovering([-14, -9, -22], [14, 9, 22], 1);
    const centerMm: [number, number, number] = [0.25, 0.1, -0.3];
    const radiiMm: [number, number, number] = [11, 6.5, 19];
    const analytic = voxelize(grid, { kind: 'ellipsoid', centerMm, radiiMm });
    const mesh = voxelize(grid, { kind: 'mesh', mesh: ellipsoidMesh(centerMm, radiiMm, 160) });
    expect(count(analytic)).toBeGreaterThan(5000);
    // Faceting only moves cells that lie within ~0.02 mm of the surface.
    expect(diff(analytic, mesh)).toBeLessThan(0.005 * count(analytic) + 5);
  });

  it('mesh parity voxelization of a cube whose faces lie on cell centres', () => {
    const grid: Grid = { dims: [14, 14, 14], spacingMm: 1, originMm: [-2, -2, -2] };
    const v = voxelize(grid, { kind: 'mesh', mesh: cubeMesh(10) });
    // Centres at 0..10 on each axis lie on or inside: jittered rays put faces on one side or the other,
    // but never more than 11 and never fewer than 10 per axis.
    expect(count(v)).toBeGreaterThanOrEqual(10 * 10 * 10);
    expect(count(v)).toBeLessThanOrEqual(11 * 11 * 11);
    expect(v[cellIndex(grid, 7, 7, 7)]).toBe(1);
    expect(v[cellIndex(grid, 13, 7, 7)]).toBe(0);
  });

  it('mesh cylinder agrees with analytic cylinder', () => {
    const grid = gridCovering([-10, -10, -2], [10, 10, 22], 0.5);
    const from: [number, number, number] = [0.1, 0.2, 0.3];
    const to: [number, number, number] = [3, 1, 19.7];
    const a = voxelize(grid, { kind: 'cylinder', fromMm: from, toMm: to, radiusMm: 5 });
    const m = voxelize(grid, { kind: 'mesh', mesh: cylinderMesh(from, to, 5, 256) });
    expect(diff(a, m)).toBeLessThan(0.01 * count(a));
  });
});

describe('signedDistanceField', () => {
  const grid: Grid = { dims: [21, 21, 21], spacingMm: 1, originMm: [-10, -10, -10] };
  const sphere: ResolvedShape = { kind: 'ellipsoid', centerMm: [0, 0, 0], radiiMm: [6, 6, 6] };

  it('sphere field equals |x| - r, clamped to the band', () => {
    const f = signedDistanceField(grid, sphere);
    expect(f[cellIndex(grid, 10, 10, 10)]).toBeCloseTo(-6, 4);
    expect(f[cellIndex(grid, 20, 10, 10)]).toBeCloseTo(4, 5);
    expect(f[cellIndex(grid, 20, 20, 20)]).toBeCloseTo(Math.sqrt(300) - 6, 4);
    const g = signedDistanceField(grid, sphere, 2);
    expect(g[cellIndex(grid, 10, 10, 10)]).toBe(-2);
    expect(g[cellIndex(grid, 17, 10, 10)]).toBeCloseTo(1, 5);
  });

  it('sign agrees with voxelize', () => {
    const shapes: ResolvedShape[] = [
      { kind: 'ellipsoid', centerMm: [0.3, 0, 1], radiiMm: [8, 4.2, 6] },
      { kind: 'cylinder', fromMm: [-7, -1, -3], toMm: [6, 2.3, 5], radiusMm: 3.3 },
      { kind: 'mesh', mesh: ellipsoidMesh([0.3, 0, 1], [8, 4.2, 6], 48) },
    ];
    for (const s of shapes) {
      const v = voxelize(grid, s);
      const f = signedDistanceField(grid, s, 3);
      for (let i = 0; i < v.length; i++) expect(f[i] <= 0 ? 1 : 0).toBe(v[i]);
    }
  });

  it('mesh SDF ≈ analytic SDF near the surface', () => {
    const centerMm: [number, number, number] = [0.3, 0, 1];
    const radiiMm: [number, number, number] = [8, 5, 6];
    const a = signedDistanceField(grid, { kind: 'ellipsoid', centerMm, radiiMm }, 3);
    const m = signedDistanceField(grid, { kind: 'mesh', mesh: ellipsoidMesh(centerMm, radiiMm, 128) }, 3);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - m[i]));
    expect(worst).toBeLessThan(0.05);
  });
});

describe('signedDistanceField with a band on a grid much larger than the shape', () => {
  it('computes only near the shape and gives the clamped exact field, cell for cell', () => {
    const grid: Grid = { dims: [44, 40, 42], spacingMm: 1, originMm: [-20, -21, -19.5] };
    const shapes: ResolvedShape[] = [
      { kind: 'ellipsoid', centerMm: [4.3, -2, 1.2], radiiMm: [6, 3.5, 5] },
      { kind: 'cylinder', fromMm: [-6, -3, -4], toMm: [5, 2.3, 6], radiusMm: 2.7 },
      { kind: 'mesh', mesh: ellipsoidMesh([4.3, -2, 1.2], [6, 3.5, 5], 40) },
    ];
    for (const s of shapes) {
      const exact = signedDistanceField(grid, s, Infinity);
      const banded = signedDistanceField(grid, s, 2.5);
      let far = 0;
      for (let i = 0; i < exact.length; i++) {
        expect(banded[i]).toBe(Math.fround(Math.max(-2.5, Math.min(2.5, exact[i]))));
        if (exact[i] > 10) far++;
      }
      expect(far).toBeGreaterThan(exact.length / 2);
    }
  });
});

describe('signedDistanceField band clamp (ellipsoid fast path)', () => {
  it('equals the clamped exact field', () => {
    const grid: Grid = { dims: [30, 24, 28], spacingMm: 1, originMm: [-15, -12, -14] };
    const s: ResolvedShape = { kind: 'ellipsoid', centerMm: [0.4, -0.3, 0.2], radiiMm: [11, 5, 8] };
    const exact = signedDistanceField(grid, s);
    const banded = signedDistanceField(grid, s, 2.5);
    let clamped = 0;
    for (let i = 0; i < exact.length; i++) {
      const e = Math.max(-2.5, Math.min(2.5, exact[i]));
      expect(banded[i]).toBeCloseTo(e, 5);
      if (Math.abs(banded[i]) === 2.5) clamped++;
    }
    expect(clamped).toBeGreaterThan(exact.length / 2);
  });
});
