import { describe, expect, it } from 'vitest';
import { isosurface } from '../../src/geometry/marchingCubes.ts';
import { ellipsoidMesh } from '../../src/geometry/mesh.ts';
import { sampleTrilinear } from '../../src/geometry/sample.ts';
import { pointTriangleDistSq } from '../../src/geometry/triangleIndex.ts';
import { boxGrid } from './helpers.ts';
import { coverageMetrics, isothermMetrics, isothermMetricsAt, signedMinMarginMm, structureMetrics } from '../../src/physics/metrics.ts';

/** A field on an n³ grid of 1 mm cells from origin `o` [mm]: tAt(x, y, z) at each cell centre. */
function fieldOn(n: number, o: [number, number, number], tAt: (x: number, y: number, z: number) => number) {
  const grid = boxGrid([n, n, n], 1, o);
  const Tmin = new Float32Array(n ** 3);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) Tmin[i + n * (j + n * k)] = tAt(o[0] + i, o[1] + j, o[2] + k);
  return { grid, Tmin };
}

/** A minimum-temperature field whose lethal (−40 °C) isotherm is a sphere of radius R [mm]. */
function sphericalField(R: number, centre: [number, number, number]) {
  return fieldOn(50, [-24.6, -24.3, -24.8], (x, y, z) => -40 + 8 * (Math.hypot(x - centre[0], y - centre[1], z - centre[2]) - R));
}

describe('metrics', () => {
  it('isotherm volumes and boxes of several levels in one pass equal a cell-by-cell count per level', () => {
    const { grid, Tmin } = sphericalField(12, [1.2, -0.7, 2.1]);
    const levels = [0, -20, -40, -60, -500];
    const [nx, ny, nz] = grid.dims;
    const got = isothermMetricsAt(Tmin, grid, levels);
    levels.forEach((level, l) => {
      let count = 0;
      const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            if (Tmin[i + nx * (j + ny * k)] > level) continue;
            count++;
            [i, j, k].forEach((v, a) => { lo[a] = Math.min(lo[a], v); hi[a] = Math.max(hi[a], v); });
          }
      const r3 = (v: number): number => Math.round(v * 1000) / 1000;
      expect(got[l].volume_ml).toBe(r3(count / 1000));
      if (count === 0) expect(got[l].bbox_mm).toBeNull();
      else {
        expect(got[l].bbox_mm!.min).toEqual([0, 1, 2].map((a) => r3(grid.originMm[a] + lo[a] - 0.5)));
        expect(got[l].bbox_mm!.max).toEqual([0, 1, 2].map((a) => r3(grid.originMm[a] + hi[a] + 0.5)));
      }
      expect(isothermMetrics(Tmin, grid, level)).toEqual(got[l]);
    });
    expect(got[0].volume_ml).toBeGreaterThan(got[2].volume_ml);
    expect(got[4].bbox_mm).toBeNull();
  });

  it('signed minimum margin is accurate to a fraction of a cell, positive and negative', () => {
    const { grid, Tmin } = sphericalField(15, [0.3, -0.2, 0.1]);
    // Tumour 10 mm off-centre by 2 mm: nearest approach to the 15 mm sphere is 15 − 10 − 2 = 3 mm.
    const inside = ellipsoidMesh([2.3, -0.2, 0.1], [10, 10, 10], 96).positions;
    expect(Math.abs((signedMinMarginMm(Tmin, grid, -40, inside) as number) - 3)).toBeLessThan(0.1);
    // A tumour poking 2.2 mm out of the ablation zone (4.5 mm off-centre, radius 12.7: 17.2 − 15).
    const poking = ellipsoidMesh([4.8, -0.2, 0.1], [12.7, 12.7, 12.7], 96).positions;
    expect(Math.abs((signedMinMarginMm(Tmin, grid, -40, poking) as number) + 2.2)).toBeLessThan(0.1);
    // No ablation zone at all.
    expect(signedMinMarginMm(new Float32Array(Tmin.length).fill(37), grid, -40, inside)).toBeNull();
  });

  it('signed minimum margin equals the brute-force minimum over every point and triangle, whatever order it visits the points in', () => {
    // A lumpy ablation zone (two overlapping spheres), tumours partly inside and partly outside.
    const { grid, Tmin } = fieldOn(40, [-19.5, -19.5, -19.5], (x, y, z) =>
      -40 + 6 * Math.min(Math.hypot(x - 4, y, z) - 9, Math.hypot(x + 5, y - 2, z + 1) - 7) + Math.sin(0.7 * x + 0.3 * y) * 2);
    const surface = isosurface(Tmin, grid, -40);
    const bruteForce = (points: Float32Array): number => {
      let best = Infinity;
      for (let p = 0; p < points.length; p += 3) {
        let d2 = Infinity;
        for (let t = 0; t < surface.indices.length; t += 3) {
          d2 = Math.min(d2, pointTriangleDistSq(points[p], points[p + 1], points[p + 2], surface.positions,
            3 * surface.indices[t], 3 * surface.indices[t + 1], 3 * surface.indices[t + 2]));
        }
        const covered = sampleTrilinear(Tmin, grid, points[p], points[p + 1], points[p + 2]) <= -40;
        best = Math.min(best, covered ? Math.sqrt(d2) : -Math.sqrt(d2));
      }
      return Math.round(best * 1000) / 1000;
    };
    for (const [centre, radius] of [[[3, 0, 0], 5], [[-1, 1, 0], 9], [[8, -3, 2], 6]] as [[number, number, number], number][]) {
      const points = ellipsoidMesh(centre, [radius, radius * 0.8, radius * 1.1], 40).positions;
      expect(signedMinMarginMm(Tmin, grid, -40, points, surface)).toBe(bruteForce(points));
    }
  });

  it('isotherm volume and box, coverage of tumour and margin shell, structure figures', () => {
    const { grid, Tmin } = sphericalField(8, [0, 0, 0]);
    const iso = isothermMetrics(Tmin, grid, -40);
    expect(Math.abs(iso.volume_ml - (4 / 3) * Math.PI * 0.512)).toBeLessThan(0.05);
    expect(iso.bbox_mm!.min[0]).toBeLessThan(-7.5);
    expect(iso.bbox_mm!.max[0]).toBeGreaterThan(7.5);
    const cells = (pred: (r: number) => boolean): Int32Array => {
      const out: number[] = [];
      for (let c = 0; c < Tmin.length; c++) if (pred((Tmin[c] + 40) / 8 + 8)) out.push(c);
      return Int32Array.from(out);
    };
    const tumor = { cells: cells((r) => r <= 6), marginShellCells: cells((r) => r > 6 && r <= 11), surfacePointsMm: ellipsoidMesh([0, 0, 0], [6, 6, 6], 64).positions };
    const cov = coverageMetrics(Tmin, grid, -40, tumor);
    expect(cov.tumor_covered_fraction).toBe(1);
    // Shell 6–11 mm, covered to 8 mm: (8³ − 6³)/(11³ − 6³) ≈ 0.27.
    expect(Math.abs(cov.margin_covered_fraction - (512 - 216) / (1331 - 216))).toBeLessThan(0.03);
    expect(Math.abs((cov.min_margin_mm as number) - 2)).toBeLessThan(0.1);
    const s = structureMetrics(Tmin, cells((r) => r >= 9 && r <= 12), grid, -40);
    expect(s.lethal_volume_ml).toBe(0);
    expect(s.frozen_volume_ml).toBeGreaterThan(0);
    expect(Math.abs((s.min_C as number) - (-40 + 8))).toBeLessThan(0.5);
  });
});
