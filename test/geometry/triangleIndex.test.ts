import { describe, expect, it } from 'vitest';
import { ellipsoidMesh, meshToSoup } from '../../src/geometry/mesh.ts';
import { TriangleIndex, pointTriangleDistSq } from '../../src/geometry/triangleIndex.ts';

/** A seeded LCG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('pointTriangleDistSq', () => {
  const tri = [0, 0, 0, 4, 0, 0, 0, 4, 0];
  it('covers face, edges and vertices', () => {
    expect(pointTriangleDistSq(1, 1, 3, tri, 0)).toBeCloseTo(9, 12); // face
    expect(pointTriangleDistSq(-2, -2, 0, tri, 0)).toBeCloseTo(8, 12); // vertex A
    expect(pointTriangleDistSq(6, 0, 0, tri, 0)).toBeCloseTo(4, 12); // vertex B
    expect(pointTriangleDistSq(0, 7, 1, tri, 0)).toBeCloseTo(10, 12); // vertex C
    expect(pointTriangleDistSq(2, -3, 0, tri, 0)).toBeCloseTo(9, 12); // edge AB
    expect(pointTriangleDistSq(-1, 2, 0, tri, 0)).toBeCloseTo(1, 12); // edge AC
    expect(pointTriangleDistSq(3, 3, 0, tri, 0)).toBeCloseTo(2, 12); // edge BC
  });
});

describe('TriangleIndex', () => {
  it('matches brute force on random queries (inside, near and far)', () => {
    const soup = meshToSoup(ellipsoidMesh([3, -2, 1], [12, 8, 20], 40));
    const index = new TriangleIndex(soup);
    const rand = rng(42);
    for (let q = 0; q < 400; q++) {
      const s = q < 200 ? 30 : 120;
      const x = (rand() - 0.5) * s, y = (rand() - 0.5) * s, z = (rand() - 0.5) * s;
      let best = Infinity;
      for (let o = 0; o < soup.length; o += 9) best = Math.min(best, pointTriangleDistSq(x, y, z, soup, o));
      expect(index.nearestDistanceMm([x, y, z])).toBeCloseTo(Math.sqrt(best), 9);
      expect(index.nearestDistanceMm([x, y, z], 2)).toBeCloseTo(Math.min(2, Math.sqrt(best)), 9);
    }
  });

  it('bounded and seeded queries (upperMm, seedTriangle) match brute force min(d, bound)', () => {
    const soup = meshToSoup(ellipsoidMesh([3, -2, 1], [12, 8, 20], 40));
    const index = new TriangleIndex(soup);
    const rand = rng(7);
    for (let q = 0; q < 400; q++) {
      const x = (rand() - 0.5) * 40, y = (rand() - 0.5) * 40, z = (rand() - 0.5) * 50;
      let best = Infinity;
      for (let o = 0; o < soup.length; o += 9) best = Math.min(best, pointTriangleDistSq(x, y, z, soup, o));
      const exact = Math.sqrt(best);
      // Bounds below, near and above the true distance, with and without a (random) seed.
      for (const upper of [0.5 * exact, exact * 1.01 + 0.01, exact + 3, 0.3]) {
        const seed = q % 2 ? Math.floor(rand() * index.triangleCount) : -1;
        expect(index.nearestDistanceXYZ(x, y, z, Infinity, upper, seed)).toBeCloseTo(Math.min(upper, exact), 9);
      }
    }
  });

  it('works with a tiny bucket size and an empty soup', () => {
    const soup = meshToSoup(ellipsoidMesh([0, 0, 0], [5, 5, 5], 12));
    const index = new TriangleIndex(soup, 0.3);
    expect(index.nearestDistanceMm([20, 0, 0])).toBeCloseTo(15, 5);
    expect(new TriangleIndex(new Float32Array(0)).nearestDistanceMm([0, 0, 0])).toBe(Infinity);
  });
});
