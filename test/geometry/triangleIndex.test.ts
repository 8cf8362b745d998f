import { describe, expect, it } from 'vitest';
import { ellipsoidMesh, type TriangleMesh } from '../../src/geometry/mesh.ts';
import { TriangleIndex, buildTriangleIndex, pointTriangleDistSq } from '../../src/geometry/triangleIndex.ts';

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
    const d = (x: number, y: number, z: number): number => pointTriangleDistSq(x, y, z, tri, 0, 3, 6);
    expect(d(1, 1, 3)).toBeCloseTo(9, 12); // face
    expect(d(-2, -2, 0)).toBeCloseTo(8, 12); // vertex A
    expect(d(6, 0, 0)).toBeCloseTo(4, 12); // vertex B
    expect(d(0, 7, 1)).toBeCloseTo(10, 12); // vertex C
    expect(d(2, -3, 0)).toBeCloseTo(9, 12); // edge AB
    expect(d(-1, 2, 0)).toBeCloseTo(1, 12); // edge AC
    expect(d(3, 3, 0)).toBeCloseTo(2, 12); // edge BC
    // Corners are read at the given offsets: the same triangle listed C, A, B further on.
    expect(pointTriangleDistSq(1, 1, 3, [9, 9, 9, 0, 4, 0, 0, 0, 0, 4, 0, 0], 6, 9, 3)).toBeCloseTo(9, 12);
  });
});

/** Nearest distance to any triangle of the mesh, by testing every one. */
function bruteForce(mesh: TriangleMesh, x: number, y: number, z: number): number {
  let best = Infinity;
  const idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) best = Math.min(best, pointTriangleDistSq(x, y, z, mesh.positions, idx[t] * 3, idx[t + 1] * 3, idx[t + 2] * 3));
  return Math.sqrt(best);
}

describe('TriangleIndex', () => {
  it('matches brute force on random queries (inside, near and far)', () => {
    const mesh = ellipsoidMesh([3, -2, 1], [12, 8, 20], 40);
    const index = new TriangleIndex(mesh);
    const rand = rng(42);
    for (let q = 0; q < 400; q++) {
      const s = q < 200 ? 30 : 120;
      const x = (rand() - 0.5) * s, y = (rand() - 0.5) * s, z = (rand() - 0.5) * s;
      const exact = bruteForce(mesh, x, y, z);
      expect(index.nearestDistanceMm([x, y, z])).toBeCloseTo(exact, 9);
      expect(index.nearestDistanceMm([x, y, z], 2)).toBeCloseTo(Math.min(2, exact), 9);
    }
  });

  it('bounded and seeded queries (upperMm, seedTriangle) match brute force min(d, bound)', () => {
    const mesh = ellipsoidMesh([3, -2, 1], [12, 8, 20], 40);
    const index = new TriangleIndex(mesh);
    const rand = rng(7);
    for (let q = 0; q < 400; q++) {
      const x = (rand() - 0.5) * 40, y = (rand() - 0.5) * 40, z = (rand() - 0.5) * 50;
      const exact = bruteForce(mesh, x, y, z);
      // Bounds below, near and above the true distance, with and without a (random) seed.
      for (const upper of [0.5 * exact, exact * 1.01 + 0.01, exact + 3, 0.3]) {
        const seed = q % 2 ? Math.floor(rand() * index.triangleCount) : -1;
        expect(index.nearestDistanceXYZ(x, y, z, Infinity, upper, seed)).toBeCloseTo(Math.min(upper, exact), 9);
      }
    }
  });

  it('anyWithin says whether a triangle is nearer than r (random seeds, with and without a mask cap)', () => {
    const mesh = ellipsoidMesh([3, -2, 1], [12, 8, 20], 40);
    const index = new TriangleIndex(mesh);
    const rand = rng(11);
    let yes = 0, no = 0;
    for (let q = 0; q < 400; q++) {
      const x = (rand() - 0.5) * 40, y = (rand() - 0.5) * 40, z = (rand() - 0.5) * 50;
      const exact = bruteForce(mesh, x, y, z);
      for (const r of [0.5 * exact, exact * 0.999, exact * 1.001 + 1e-6, exact + 3, 2]) {
        const seed = q % 2 ? Math.floor(rand() * index.triangleCount) : -1;
        const cap = q % 3 === 0 ? 5 : Infinity;
        if (r > cap) continue;
        const hit = index.anyWithin(x, y, z, r, seed, cap);
        expect(hit, `q ${q} r ${r} exact ${exact}`).toBe(exact < r);
        // The triangle it stopped at is nearer than r.
        if (hit) {
          const o = index.nearestTriangle * 3;
          expect(Math.sqrt(pointTriangleDistSq(x, y, z, mesh.positions, mesh.indices[o] * 3, mesh.indices[o + 1] * 3, mesh.indices[o + 2] * 3))).toBeLessThan(r);
        }
        if (hit) yes++;
        else no++;
      }
    }
    expect(yes).toBeGreaterThan(300);
    expect(no).toBeGreaterThan(300);
  });

  it('works with a tiny bucket size and an empty mesh', () => {
    const index = new TriangleIndex(ellipsoidMesh([0, 0, 0], [5, 5, 5], 12), 0.3);
    expect(index.nearestDistanceMm([20, 0, 0])).toBeCloseTo(15, 5);
    expect(new TriangleIndex({ positions: new Float32Array(0), indices: new Uint32Array(0) }).nearestDistanceMm([0, 0, 0])).toBe(Infinity);
  });

  it('built in slices, is the same index as built in one go', () => {
    const mesh = ellipsoidMesh([3, -2, 1], [12, 8, 20], 120); // 14 160 triangles: several slices
    const whole = new TriangleIndex(mesh);
    const build = buildTriangleIndex(mesh);
    let steps = 1;
    let sliced = build.step(-1); // past every deadline: one chunk of triangles per step
    while (!sliced) {
      steps++;
      sliced = build.step(-1);
    }
    expect(steps).toBeGreaterThan(6);
    expect(sliced.bucketMm).toBe(whole.bucketMm);
    expect(sliced.triangleCount).toBe(whole.triangleCount);
    const rand = rng(3);
    for (let q = 0; q < 200; q++) {
      const x = (rand() - 0.5) * 40, y = (rand() - 0.5) * 40, z = (rand() - 0.5) * 50;
      expect(sliced.nearestDistanceXYZ(x, y, z)).toBe(whole.nearestDistanceXYZ(x, y, z));
      expect(sliced.nearestTriangle).toBe(whole.nearestTriangle);
    }
    expect(buildTriangleIndex({ positions: new Float32Array(0), indices: new Uint32Array(0) }).step(Infinity)!.triangleCount).toBe(0);
  });
});
