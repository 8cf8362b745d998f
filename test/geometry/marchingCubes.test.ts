import { describe, expect, it } from 'vitest';
import type { Grid } from '../../src/geometry/grid.ts';
import { isosurface } from '../../src/geometry/marchingCubes.ts';
import { meshAreaMm2, meshToSoup, meshVolumeMl } from '../../src/geometry/mesh.ts';

/** Distance-from-centre field on an n³ grid of spacing h centred on 0 (centre slightly off-grid). */
function sphereField(n: number, h: number, c: [number, number, number] = [0.13, -0.21, 0.07]): { grid: Grid; field: Float32Array } {
  const grid: Grid = { dims: [n, n, n], spacingMm: h, originMm: [-((n - 1) / 2) * h, -((n - 1) / 2) * h, -((n - 1) / 2) * h] };
  const field = new Float32Array(n * n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const x = grid.originMm[0] + i * h - c[0], y = grid.originMm[1] + j * h - c[1], z = grid.originMm[2] + k * h - c[2];
        field[i + n * (j + n * k)] = Math.sqrt(x * x + y * y + z * z);
      }
    }
  }
  return { grid, field };
}

describe('isosurface (marching tetrahedra)', () => {
  it('sphere: area and volume within 2 % of exact, outward normals and winding, no NaN', () => {
    const R = 8;
    const { grid, field } = sphereField(24, 1);
    const s = isosurface(field, grid, R);
    expect(s.indices.length % 3).toBe(0);
    expect(s.indices.length).toBeGreaterThan(900);
    expect(s.positions.length % 3).toBe(0);
    expect(s.normals.length).toBe(s.positions.length);
    for (const v of s.indices) expect(v).toBeLessThan(s.positions.length / 3);
    const area = meshAreaMm2(s);
    const volMl = meshVolumeMl(s);
    expect(Math.abs(area / (4 * Math.PI * R * R) - 1)).toBeLessThan(0.02);
    expect(Math.abs(volMl / ((4 / 3) * Math.PI * R ** 3 / 1000) - 1)).toBeLessThan(0.02);
    for (let v = 0; v < s.positions.length; v += 3) {
      const x = s.positions[v] - 0.13, y = s.positions[v + 1] + 0.21, z = s.positions[v + 2] - 0.07;
      const r = Math.hypot(x, y, z);
      expect(Math.abs(r - R)).toBeLessThan(0.1);
      // Normal ≈ radial outward (toward increasing distance), unit length: bytes of 127 per unit.
      const dot = (s.normals[v] * x + s.normals[v + 1] * y + s.normals[v + 2] * z) / (127 * r);
      expect(dot).toBeGreaterThan(0.98);
      expect(Math.abs(Math.hypot(s.normals[v], s.normals[v + 1], s.normals[v + 2]) / 127 - 1)).toBeLessThan(0.01);
    }
  });

  it('the surface is closed and welded: every edge joins two triangles in opposite directions, no vertex repeats', () => {
    const { grid, field } = sphereField(12, 1);
    const s = isosurface(field, grid, 3.7);
    const edges = new Map<string, number>();
    const idx = s.indices;
    for (let t = 0; t < idx.length; t += 3) {
      for (let e = 0; e < 3; e++) {
        const k = `${idx[t + e]}|${idx[t + ((e + 1) % 3)]}`;
        edges.set(k, (edges.get(k) ?? 0) + 1);
      }
    }
    for (const [k, n] of edges) {
      const [a, b] = k.split('|');
      expect(n).toBe(1);
      expect(edges.get(`${b}|${a}`)).toBe(1);
    }
    // One vertex per point: a soup would list each about 6 times.
    const points = new Set<string>();
    for (let v = 0; v < s.positions.length; v += 3) points.add(`${s.positions[v]},${s.positions[v + 1]},${s.positions[v + 2]}`);
    expect(points.size).toBe(s.positions.length / 3);
    expect(s.positions.length / 3).toBeLessThan(idx.length / 4);
  });

  it('is empty when the level is out of range and skips NaN cubes', () => {
    const { grid, field } = sphereField(10, 1);
    expect(isosurface(field, grid, 100).positions.length).toBe(0);
    expect(isosurface(field, grid, -1).indices.length).toBe(0);
    const f = field.slice();
    f[5 + 10 * (5 + 10 * 5)] = NaN;
    const s = isosurface(f, grid, 3);
    expect(s.positions.length).toBeGreaterThan(0);
    for (const v of s.positions) expect(Number.isNaN(v)).toBe(false);
    for (const v of s.normals) expect(Number.isNaN(v)).toBe(false);
  });

  it('a 2×2×2 literal grid with one cold corner gives one small triangle facing away from it', () => {
    const grid: Grid = { dims: [2, 2, 2], spacingMm: 2, originMm: [0, 0, 0] };
    const field = Float32Array.from([-1, 1, 1, 1, 1, 1, 1, 1]);
    const mesh = isosurface(field, grid, 0);
    // As a soup: each triangle's three corners and their normals in a row.
    const s = { positions: meshToSoup(mesh), normals: new Int8Array(mesh.indices.length * 3) };
    mesh.indices.forEach((v, q) => s.normals.set(mesh.normals.subarray(v * 3, v * 3 + 3), q * 3));
    // Corner 0 is on all six tetrahedra but only its edges to 1, 2, 4 and 3, 5, 6, 7 cross: the
    // surface is the triangle fan around corner 0, cutting each edge at its midpoint.
    for (let v = 0; v < s.positions.length; v += 3) {
      const d = Math.hypot(s.positions[v], s.positions[v + 1], s.positions[v + 2]);
      expect(d).toBeGreaterThan(0.9);
      expect(d).toBeLessThan(1.8);
    }
    expect(s.positions.length).toBeGreaterThanOrEqual(9);
    // Each triangle is wound to face away from the cold corner at the origin (toward warmer values).
    const p = s.positions;
    for (let t = 0; t < p.length; t += 9) {
      const ux = p[t + 3] - p[t], uy = p[t + 4] - p[t + 1], uz = p[t + 5] - p[t + 2];
      const vx = p[t + 6] - p[t], vy = p[t + 7] - p[t + 1], vz = p[t + 8] - p[t + 2];
      const n = [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
      expect(n[0] * p[t] + n[1] * p[t + 1] + n[2] * p[t + 2]).toBeGreaterThan(0);
      expect(s.normals[t] + s.normals[t + 1] + s.normals[t + 2]).toBeGreaterThan(0);
    }
  });

  it('is fast on ~100³', () => {
    const { grid, field } = sphereField(100, 1);
    isosurface(field, grid, 30);
    const t = performance.now();
    const s = isosurface(field, grid, 30);
    const ms = performance.now() - t;
    expect(s.positions.length).toBeGreaterThan(0);
    console.log(`isosurface 100³: ${ms.toFixed(1)} ms, ${s.indices.length / 3} triangles, ${s.positions.length / 3} vertices`);
    expect(ms).toBeLessThan(1000); // generous for loaded CI; benchmark separately
  });
});
