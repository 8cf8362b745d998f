import { describe, expect, it } from 'vitest';
import {
  cylinderMesh, ellipsoidMesh, inlineToMesh, meshAreaMm2, meshBounds, meshProblem, meshToInline,
  meshVolumeMl, type TriangleMesh,
} from '../../src/geometry/mesh.ts';
import { cubeMesh } from './fixtures.ts';

describe('mesh', () => {
  it('cube volume, area and bounds', () => {
    const m = cubeMesh(10);
    expect(meshVolumeMl(m)).toBeCloseTo(1, 10); // 1000 mm³
    expect(meshAreaMm2(m)).toBeCloseTo(600, 6);
    expect(meshBounds(m)).toEqual({ minMm: [0, 0, 0], maxMm: [10, 10, 10] });
  });

  it('reversed winding gives negative volume', () => {
    const m = cubeMesh(10);
    const r = m.indices.slice();
    for (let t = 0; t < r.length; t += 3) [r[t + 1], r[t + 2]] = [r[t + 2], r[t + 1]];
    expect(meshVolumeMl({ positions: m.positions, indices: r })).toBeCloseTo(-1, 10);
  });

  it('ellipsoid mesh is closed, outward and close to the analytic volume', () => {
    const m = ellipsoidMesh([5, -3, 2], [10, 20, 15], 64);
    const exact = ((4 / 3) * Math.PI * 10 * 20 * 15) / 1000;
    const v = meshVolumeMl(m);
    expect(v).toBeGreaterThan(0.98 * exact);
    expect(v).toBeLessThan(exact);
    const b = meshBounds(m);
    expect(b.minMm[2]).toBeCloseTo(2 - 15, 4);
    expect(b.maxMm[0]).toBeCloseTo(15, 4);
    expect(meshProblem(m)).toBeNull();
    expectClosed(m);
  });

  it('cylinder mesh is closed, outward, with the right volume along any axis', () => {
    const from: [number, number, number] = [1, 2, 3];
    const to: [number, number, number] = [11, -4, 20];
    const len = Math.hypot(10, -6, 17);
    const m = cylinderMesh(from, to, 4, 128);
    const exact = (Math.PI * 16 * len) / 1000;
    expect(meshVolumeMl(m)).toBeGreaterThan(0.995 * exact);
    expect(meshVolumeMl(m)).toBeLessThan(exact);
    expectClosed(m);
  });

  it('inline round trip', () => {
    const m = cubeMesh(2);
    const inline = meshToInline(m);
    expect(inline.vertices_mm.length).toBe(24);
    const back = inlineToMesh(inline);
    expect(Array.from(back.positions)).toEqual(Array.from(m.positions));
    expect(Array.from(back.indices)).toEqual(Array.from(m.indices));
  });

  it('meshProblem reports bad indices and coordinates', () => {
    const m = cubeMesh(1);
    expect(meshProblem({ positions: m.positions, indices: Uint32Array.from([0, 1, 99]) })).toMatch(/vertex 99/);
    const p = m.positions.slice();
    p[4] = NaN;
    expect(meshProblem({ positions: p, indices: m.indices })).toMatch(/vertex 1/);
    expect(meshProblem({ positions: p, indices: new Uint32Array(0) })).toMatch(/no triangles/);
  });
});

/** Every directed edge appears once and its reverse once (closed, consistently oriented). */
function expectClosed(m: TriangleMesh): void {
  const edges = new Map<string, number>();
  const idx = m.indices;
  for (let t = 0; t < idx.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = idx[t + e], b = idx[t + ((e + 1) % 3)];
      const key = `${a},${b}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of edges) {
    expect(n).toBe(1);
    const [a, b] = key.split(',');
    expect(edges.get(`${b},${a}`)).toBe(1);
  }
}
