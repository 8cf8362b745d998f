import { describe, expect, it } from 'vitest';
import { BufferGeometry, Vector3 } from 'three';
import type { Grid } from '../../src/geometry/grid.ts';
import { ellipsoidMesh, meshToSoup } from '../../src/geometry/mesh.ts';
import { sampleTrilinear, trilinearCorners } from '../../src/geometry/sample.ts';
import { TriangleIndex } from '../../src/geometry/triangleIndex.ts';
import { BAND_OK, BAND_THIN, BAND_UNCOVERED, classifyMargin, computeMarginBands, marginBandsJob, marginKey, sameMarginKey } from '../../src/scene/marginBands.ts';
import { dragHandlePosition, rayPlaneIntersection } from '../../src/scene/dragMath.ts';
import { applyHandleDrag, entryPointMm, ENTRY_HANDLE_DISTANCE_MM } from '../../src/scene/probeGeometry.ts';
import { setSurface } from '../../src/scene/isoBuffers.ts';
import { isLevelVisible, isoStyle } from '../../src/scene/isoStyle.ts';
import { buildTemperatureLut, colorizeTemperatures, temperatureRgb } from '../../src/ui/views/colormap.ts';
import { fitViewport, mmToPx, planeToWorld, pxToMm, scaleBarMm, sliceIndex, sliceLayout, sliceValues } from '../../src/ui/views/sliceMapping.ts';
import { meshPlanePaths } from '../../src/ui/views/meshSlice.ts';
import { contourPaths } from '../../src/geometry/marchingSquares.ts';
import { formatMinSec, timeTicks } from '../../src/ui/views/chartFormat.ts';
import { probeOnSlice } from '../../src/ui/views/sliceProbes.ts';
import { RedrawScheduler } from '../../src/ui/views/redrawScheduler.ts';
import { syntheticFrame, radiusOf, ICE_CENTRE, MIN_OFFSET_C } from './syntheticFrame.ts';

const grid: Grid = { dims: [4, 3, 2], spacingMm: 2, originMm: [10, 20, 30] };
/** f = x + 2y + 3z (mm): trilinear interpolation reproduces it exactly inside the grid. */
function linearField(g: Grid): Float32Array {
  const [nx, ny, nz] = g.dims;
  const f = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    f[i + nx * (j + ny * k)] = g.originMm[0] + i * g.spacingMm + 2 * (g.originMm[1] + j * g.spacingMm) + 3 * (g.originMm[2] + k * g.spacingMm);
  }
  return f;
}

describe('trilinear sampling', () => {
  const f = linearField(grid);
  it('is exact for a linear field inside the grid', () => {
    for (const p of [[10, 20, 30], [13.3, 21.7, 31.9], [16, 24, 32], [11, 23.5, 30.5]]) {
      expect(sampleTrilinear(f, grid, p[0], p[1], p[2])).toBeCloseTo(p[0] + 2 * p[1] + 3 * p[2], 4);
    }
  });
  it('clamps outside', () => {
    expect(sampleTrilinear(f, grid, 0, 0, 0)).toBeCloseTo(10 + 40 + 90, 4);
    expect(sampleTrilinear(f, grid, 100, 100, 100)).toBeCloseTo(16 + 48 + 96, 4);
  });
  it('reads exactly the cells trilinearCorners lists (inside, on the edges, outside)', () => {
    const cells = new Int32Array(8);
    for (const p of [[13.3, 21.7, 31.9], [16, 24, 32], [10, 20, 30], [0, 0, 0], [100, 100, 100], [11, 23.9, 30.1]]) {
      trilinearCorners(grid, p[0], p[1], p[2], cells, 0);
      const marked = new Float32Array(f.length);
      for (const c of cells) marked[c] = 1;
      // A field that is zero off the listed cells gives the same sample as the full field there.
      const only = f.map((v, c) => (marked[c] ? v : 0));
      expect(sampleTrilinear(only, grid, p[0], p[1], p[2])).toBe(sampleTrilinear(f, grid, p[0], p[1], p[2]));
    }
  });
});

describe('margin bands', () => {
  it('classifies signed distances', () => {
    expect(classifyMargin(-0.1, 5)).toBe(BAND_UNCOVERED);
    expect(classifyMargin(0, 5)).toBe(BAND_THIN);
    expect(classifyMargin(4.99, 5)).toBe(BAND_THIN);
    expect(classifyMargin(5, 5)).toBe(BAND_OK);
    expect(classifyMargin(NaN, 5)).toBe(BAND_UNCOVERED);
  });
  it('matches the analytic signed distance to a spherical lethal zone', () => {
    const frame = syntheticFrame(-40, 600, 40, 1);
    const ablation = frame.isosurfaces.find((s) => s.field === 'ablation')!;
    const R = radiusOf(-40 + MIN_OFFSET_C);
    const tumour = ellipsoidMesh([0, 0, 0], [12, 10, 10], 48);
    const r = computeMarginBands({
      vertices: tumour.positions, grid: frame.grid, minTemperature_C: frame.minTemperature_C, lethal_C: -40,
      ablation, margin_mm: 5,
    });
    let expectedMin = Infinity;
    for (let v = 0; v < tumour.positions.length / 3; v++) {
      const p = tumour.positions.subarray(v * 3, v * 3 + 3);
      const expected = R - Math.hypot(p[0] - ICE_CENTRE[0], p[1] - ICE_CENTRE[1], p[2] - ICE_CENTRE[2]);
      expectedMin = Math.min(expectedMin, expected);
      expect(r.band[v]).toBe(Math.abs(expected) < 0.5 || Math.abs(expected - 5) < 0.5 ? r.band[v] : classifyMargin(expected, 5));
    }
    // Faceting of the 64-segment sphere (~0.02 R) dominates.
    expect(Math.abs(r.minSignedMm - expectedMin)).toBeLessThan(0.5);
    expect(r.counts[0] + r.counts[1] + r.counts[2]).toBe(tumour.positions.length / 3);
    expect(r.counts[0]).toBeGreaterThan(0);
    expect(r.counts[2]).toBeGreaterThan(0);
  });
  it('finds the minimum with bounded searches: the same as the distance of every vertex', () => {
    const frame = syntheticFrame(-40, 600, 40, 1);
    const ablation = frame.isosurfaces.find((s) => s.field === 'ablation')!;
    const index = new TriangleIndex(ablation);
    // Covered everywhere (a small tumour at the ice centre), partly covered, and mostly outside.
    for (const [centre, radius] of [[ICE_CENTRE, 3], [[0, 0, 0], 12], [[25, 0, 0], 8]] as [[number, number, number], number][]) {
      const tumour = ellipsoidMesh(centre, [radius, radius, radius], 24);
      const r = computeMarginBands({
        vertices: tumour.positions, grid: frame.grid, minTemperature_C: frame.minTemperature_C, lethal_C: -40,
        ablation, margin_mm: 5,
      });
      let min = Infinity;
      for (let v = 0; v < tumour.positions.length; v += 3) {
        const [x, y, z] = [tumour.positions[v], tumour.positions[v + 1], tumour.positions[v + 2]];
        const inside = sampleTrilinear(frame.minTemperature_C, frame.grid, x, y, z) <= -40;
        const d = index.nearestDistanceXYZ(x, y, z, 50);
        min = Math.min(min, inside ? d : -d);
        expect(r.band[v / 3]).toBe(classifyMargin(inside ? d : -d, 5));
      }
      expect(r.minSignedMm).toBe(min);
    }
  });
  it('in slices, gives the same result as in one go', () => {
    const frame = syntheticFrame(-40, 600, 40, 1);
    const ablation = frame.isosurfaces.find((s) => s.field === 'ablation')!;
    for (const centre of [ICE_CENTRE, [25, 0, 0]] as [number, number, number][]) {
      const input = {
        vertices: ellipsoidMesh(centre, [6, 6, 6], 24).positions, grid: frame.grid, minTemperature_C: frame.minTemperature_C,
        lethal_C: -40, ablation, margin_mm: 5,
      };
      const whole = computeMarginBands(input);
      const job = marginBandsJob(input);
      let steps = 0;
      let r = job.step(-1); // already past the deadline: one vertex block, then a pause
      while (r === null) {
        steps++;
        r = job.step(-1);
      }
      expect(steps).toBeGreaterThan(2);
      expect(r).toEqual(whole);
    }
  });
  it('inputs with the same key give the same result; a key changes with what the result depends on', () => {
    const frame = syntheticFrame(-40, 600, 40, 1);
    const ablation = frame.isosurfaces.find((s) => s.field === 'ablation')!;
    const vertices = ellipsoidMesh([ICE_CENTRE[0] + 3, ICE_CENTRE[1], ICE_CENTRE[2]], [6, 6, 6], 24).positions;
    const input = { vertices, grid: frame.grid, minTemperature_C: frame.minTemperature_C, lethal_C: -40, ablation, margin_mm: 5 };
    const key = marginKey(input);
    const base = computeMarginBands(input);
    // Colder far from the tumour (a cell no vertex samples): the same key, and the same result.
    const [nx, ny] = frame.grid.dims;
    const far = frame.minTemperature_C.slice();
    far[1 + nx * (1 + ny * 1)] -= 5;
    const farInput = { ...input, minTemperature_C: far };
    expect(sameMarginKey(key, marginKey(farInput))).toBe(true);
    expect(computeMarginBands(farInput)).toEqual(base);
    // A cell a vertex samples, the surface, the margin or the lethal level: a new key.
    const cells = new Int32Array(8);
    trilinearCorners(frame.grid, vertices[0], vertices[1], vertices[2], cells, 0);
    const near = frame.minTemperature_C.slice();
    near[cells[3]] -= 0.5;
    expect(sameMarginKey(key, marginKey({ ...input, minTemperature_C: near }))).toBe(false);
    const moved = { ...ablation, positions: ablation.positions.slice() };
    moved.positions[7] += 0.01;
    expect(sameMarginKey(key, marginKey({ ...input, ablation: moved }))).toBe(false);
    expect(sameMarginKey(key, marginKey({ ...input, margin_mm: 4 }))).toBe(false);
    expect(sameMarginKey(key, marginKey({ ...input, lethal_C: -30 }))).toBe(false);
    expect(sameMarginKey(key, marginKey({ ...input, ablation: null }))).toBe(false);
    // Copies of every array compare by value; other vertices (even equal ones) never match.
    expect(sameMarginKey(key, marginKey({ ...input, minTemperature_C: frame.minTemperature_C.slice(), ablation: { ...ablation, positions: ablation.positions.slice() } }))).toBe(true);
    expect(sameMarginKey(key, marginKey({ ...input, vertices: vertices.slice() }))).toBe(false);
  });
  it('marks everything uncovered without an ablation surface', () => {
    const frame = syntheticFrame(-40, 600, 20, 2);
    frame.minTemperature_C.fill(37);
    const tumour = ellipsoidMesh([0, 0, 0], [5, 5, 5], 12);
    const r = computeMarginBands({ vertices: tumour.positions, grid: frame.grid, minTemperature_C: frame.minTemperature_C, lethal_C: -40, ablation: null, margin_mm: 5, maxMm: 30 });
    expect(r.counts[0]).toBe(tumour.positions.length / 3);
    expect(r.minSignedMm).toBe(-30);
  });
});

describe('handle drag maths', () => {
  it('intersects a ray with the plane facing the camera', () => {
    expect(rayPlaneIntersection([0, -100, 0], [0, 1, 0], [5, 3, 7], [0, 1, 0])).toEqual([0, 3, 0]);
    expect(rayPlaneIntersection([0, 0, 0], [1, 0, 0], [0, 5, 0], [0, 1, 0])).toBeNull();
    expect(rayPlaneIntersection([0, 0, 0], [0, -1, 0], [0, 5, 0], [0, 1, 0])).toBeNull();
  });
  it('keeps the grab offset', () => {
    const p = dragHandlePosition([10, -100, 2], [0, 1, 0], [0, 0, 0], [0, 1, 0], [1, 0, -1]);
    expect(p).toEqual([11, 0, 1]);
  });
  it('tip drag keeps the entry point; entry drag swings about the tip', () => {
    const probe = { tip_mm: [0, 0, 0] as [number, number, number], axis: [0, 0, 1] as [number, number, number] };
    const entry = entryPointMm(probe);
    expect(entry[2]).toBeCloseTo(ENTRY_HANDLE_DISTANCE_MM);
    const moved = applyHandleDrag(probe, 'tip', [10, 0, 0]);
    expect(moved.tip_mm).toEqual([10, 0, 0]);
    const e2 = entryPointMm(moved);
    // Same line through the old entry point.
    const t = (entry[0] - moved.tip_mm[0]) / moved.axis[0];
    expect(moved.tip_mm[2] + moved.axis[2] * t).toBeCloseTo(entry[2], 6);
    expect(Math.hypot(...moved.axis)).toBeCloseTo(1, 9);
    expect(e2[2]).toBeGreaterThan(0);
    const swung = applyHandleDrag(probe, 'entry', [0, 50, 0]);
    expect(swung.tip_mm).toEqual([0, 0, 0]);
    expect(swung.axis[1]).toBeCloseTo(1);
    expect(applyHandleDrag(probe, 'entry', [0, 0, 0]).axis).toEqual([0, 0, 1]);
    // Entry distance follows the drag, as in the plan store.
    expect(swung.entryLengthMm).toBeCloseTo(50);
    const custom = applyHandleDrag(probe, 'tip', [0, 0, 10], 30);
    expect(custom.entryLengthMm).toBeCloseTo(20);
    expect(custom.axis).toEqual([0, 0, 1]);
  });
});

describe('isosurface buffers', () => {
  it("uses the surface's own arrays (no copy), frees the previous GPU buffers, drops normals when absent", () => {
    const g = new BufferGeometry();
    let disposed = 0;
    g.addEventListener('dispose', () => void disposed++);
    const positions = new Float32Array(3 * 12).fill(1);
    const normals = new Int8Array(3 * 12).fill(73);
    const indices = new Uint32Array(3 * 10).map((_, i) => i % 12);
    setSurface(g, positions, normals, indices, grid);
    expect(g.getAttribute('position').array).toBe(positions);
    expect(g.getAttribute('normal').array).toBe(normals);
    expect(g.getIndex()!.array).toBe(indices);
    expect(g.drawRange.count).toBe(30);
    setSurface(g, positions, normals, indices, grid); // the same surface again (another level toggled): nothing to do
    expect(disposed).toBe(1);
    const next = new Float32Array(3 * 20).fill(2);
    const nextIndices = new Uint32Array(3 * 20).map((_, i) => i % 20);
    setSurface(g, next, null, nextIndices, grid);
    expect(disposed).toBe(2);
    expect(g.getAttribute('position').array).toBe(next);
    expect(g.getAttribute('normal')).toBeUndefined();
    expect(g.getIndex()!.array).toBe(nextIndices);
    expect(g.drawRange.count).toBe(60);
  });
  it("takes its bounds from the field's grid box, so three never scans the vertices for them", () => {
    const g = new BufferGeometry();
    // Vertices anywhere in the grid box ([10, 16] x [20, 24] x [30, 32] mm), corners included.
    const positions = Float32Array.of(10, 20, 30, 16, 24, 32, 13, 21, 31, 16, 20, 30);
    setSurface(g, positions, null, Uint32Array.of(0, 1, 2, 1, 2, 3), grid);
    const sphere = g.boundingSphere!;
    expect(sphere.center.toArray()).toEqual([13, 22, 31]);
    expect(sphere.radius).toBeCloseTo(Math.hypot(3, 2, 1), 12);
    for (let v = 0; v < 4; v++) {
      expect(sphere.center.distanceTo(new Vector3().fromArray(positions, 3 * v))).toBeLessThanOrEqual(sphere.radius + 1e-9);
    }
    expect(g.boundingBox!.min.toArray()).toEqual([10, 20, 30]);
    expect(g.boundingBox!.max.toArray()).toEqual([16, 24, 32]);
    const kept = g.boundingSphere;
    const shifted: Grid = { ...grid, originMm: [0, 0, 0] };
    setSurface(g, Float32Array.of(0, 0, 0, 6, 4, 2, 1, 1, 1), null, Uint32Array.of(0, 1, 2), shifted); // the next frame's grid
    expect(g.boundingSphere).toBe(kept); // updated in place
    expect(g.boundingSphere!.center.toArray()).toEqual([3, 2, 1]);
  });
  it('styles and visibility', () => {
    expect(isoStyle({ field: 'current', level_C: 0 }).rank).toBeLessThan(isoStyle({ field: 'current', level_C: -20 }).rank);
    const ab = isoStyle({ field: 'ablation', level_C: -40 }).rank;
    expect(ab).toBeLessThan(isoStyle({ field: 'current', level_C: -40 }).rank);
    expect(ab).toBeGreaterThan(isoStyle({ field: 'current', level_C: -20 }).rank);
    expect(isLevelVisible({ field: 'current', level_C: -20 }, [0, 'ablation'])).toBe(false);
    expect(isLevelVisible({ field: 'ablation', level_C: -40 }, [0, 'ablation'])).toBe(true);
    expect(isLevelVisible({ field: 'current', level_C: -20 }, undefined)).toBe(true);
  });
});

describe('temperature colour map', () => {
  it('goes from dark blue through white at 0 °C to dark red at 37 °C', () => {
    const cold = temperatureRgb(-150), zero = temperatureRgb(0), body = temperatureRgb(37);
    expect(cold[2]).toBeGreaterThan(cold[0]);
    expect(Math.min(...zero)).toBeGreaterThan(230);
    expect(body[0]).toBeGreaterThan(body[2] + 80);
    expect(temperatureRgb(-500)).toEqual(cold);
  });
  it('LUT colourises', () => {
    const lut = buildTemperatureLut();
    const out = new Uint8ClampedArray(8);
    colorizeTemperatures([0, 37], lut, out);
    expect(out[3]).toBe(255);
    expect(out[0]).toBeGreaterThan(230);
    expect(out[4]).toBeGreaterThan(out[6]);
  });
});

describe('slice mapping', () => {
  it('uses radiological orientation', () => {
    expect(sliceLayout(2).labels).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(sliceLayout(1).labels.top).toBe('S');
    expect(sliceLayout(0).labels.left).toBe('A');
  });
  it('pixel <-> mm round trips and keeps orientation', () => {
    for (const axis of [0, 1, 2] as const) {
      const L = sliceLayout(axis);
      const vp = fitViewport(L, [-40, 40], [-20, 60], 400, 300, 20);
      const [px, py] = mmToPx(vp, 12.5, 7.25);
      const [u, v] = pxToMm(vp, px, py);
      expect(u).toBeCloseTo(12.5, 9);
      expect(v).toBeCloseTo(7.25, 9);
      // Larger v: lower on screen for axial (posterior down), higher for coronal/sagittal.
      const [, py2] = mmToPx(vp, 12.5, 17.25);
      expect(py2 > py).toBe(L.vDown);
      expect(vp.scale).toBeCloseTo(Math.min(360 / 80, 260 / 80));
    }
    expect(planeToWorld(sliceLayout(0), 1, 2, 3)).toEqual([3, 1, 2]);
    expect(planeToWorld(sliceLayout(2), 1, 2, 3)).toEqual([1, 2, 3]);
  });
  it('finds slice indices and nice scale bars', () => {
    expect(sliceIndex(grid, 0, 13.1)).toBe(2);
    expect(sliceIndex(grid, 0, -100)).toBe(0);
    expect(sliceIndex(grid, 2, 1000)).toBe(1);
    expect(scaleBarMm(4, 80)).toBe(20);
    expect(scaleBarMm(1, 80)).toBe(100);
  });
  it('extracts slices with u along the row', () => {
    const f = linearField(grid);
    const s = sliceValues(f, grid, sliceLayout(1), 2);
    expect([s.width, s.height]).toEqual([4, 2]);
    // (a, b) = (i, k) at j = 2: x + 2y + 3z
    expect(s.values[3 + 4 * 1]).toBeCloseTo(16 + 2 * 24 + 3 * 32);
    const a = sliceValues(f, grid, sliceLayout(0), 1);
    expect([a.width, a.height]).toEqual([3, 2]);
    expect(a.values[2 + 3 * 1]).toBeCloseTo(12 + 2 * 24 + 3 * 32);
  });
});

describe('outlines and contours', () => {
  it('cuts a sphere mesh into one closed circle', () => {
    const m = ellipsoidMesh([1, 2, 3], [10, 10, 10], 64);
    const cut = meshPlanePaths(m.positions, m.indices, 2, 3 + 6, 0, 1);
    // One loop: each triangle's segment joined to its neighbours' across the shared mesh edges.
    expect(Array.from(cut.starts)).toEqual([0, cut.points.length / 2]);
    expect(Array.from(cut.closed)).toEqual([1]);
    expect(cut.points.length / 2).toBeGreaterThan(40);
    for (let i = 0; i < cut.points.length; i += 2) {
      expect(Math.hypot(cut.points[i] - 1, cut.points[i + 1] - 2)).toBeGreaterThan(7.5);
      expect(Math.hypot(cut.points[i] - 1, cut.points[i + 1] - 2)).toBeLessThan(8.05);
    }
    expect(meshPlanePaths(m.positions, m.indices, 2, 20, 0, 1).points.length).toBe(0);
    // A triangle soup shares no vertex indices: one open two-point path per crossing triangle.
    const soup = meshToSoup(m);
    expect(soup.length).toBe(m.indices.length * 3);
    const soupCut = meshPlanePaths(soup, Uint32Array.from({ length: soup.length / 3 }, (_, i) => i), 2, 3 + 6, 0, 1);
    expect(soupCut.starts.length - 1).toBe(cut.points.length / 2);
    expect(Array.from(soupCut.closed).every((c) => c === 0)).toBe(true);
  });
  it('contours a radial field into one closed circle', () => {
    const n = 41;
    const v = new Float32Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) v[x + n * y] = Math.hypot(x - 20, y - 20);
    const c = contourPaths(v, n, n, 10);
    expect(Array.from(c.closed)).toEqual([1]);
    expect(c.points.length / 2).toBeGreaterThan(50);
    for (let i = 0; i < c.points.length; i += 2) expect(Math.abs(Math.hypot(c.points[i] - 20, c.points[i + 1] - 20) - 10)).toBeLessThan(0.1);
  });
  it('places probes on slices', () => {
    const probe = { id: 'P', type: 'x', tip_mm: [0, 0, -10] as [number, number, number], axis: [0, 0, 1] as [number, number, number] };
    const ax = probeOnSlice(probe, sliceLayout(2), 0, 2);
    expect(ax.crossing).toEqual([0, 0]);
    expect(ax.inPlane).toBe(false);
    const cor = probeOnSlice(probe, sliceLayout(1), 0, 2);
    expect(cor.inPlane).toBe(true);
    expect(probeOnSlice(probe, sliceLayout(2), -20, 2).crossing).toBeNull();
  });
});

describe('redraw scheduler', () => {
  /** A scheduler on hand-run tasks; `log` records which draws ran. */
  function rig() {
    const tasks: (() => void)[] = [];
    const log: string[] = [];
    const scheduler = new RedrawScheduler((run) => tasks.push(run));
    const runTasks = (): void => { while (tasks.length) tasks.shift()!(); };
    const draw = (name: string) => () => log.push(name);
    return { scheduler, tasks, log, runTasks, draw };
  }

  it('draws the latest request in a task of its own, once', () => {
    const r = rig();
    r.scheduler.request(r.draw('a'));
    r.scheduler.request(r.draw('b'));
    expect(r.log).toEqual([]); // not inside the request (the caller's task)
    expect(r.tasks.length).toBe(1);
    r.runTasks();
    expect(r.log).toEqual(['b']);
    r.runTasks();
    expect(r.log).toEqual(['b']); // nothing pending: no second draw
    r.scheduler.request(r.draw('c'));
    r.runTasks();
    expect(r.log).toEqual(['b', 'c']);
  });

  it('drops what is pending when disposed and ignores later requests', () => {
    const r = rig();
    r.scheduler.request(r.draw('a'));
    r.scheduler.dispose();
    r.runTasks();
    r.scheduler.request(r.draw('b'));
    r.runTasks();
    expect(r.log).toEqual([]);
  });
});

describe('chart formatting', () => {
  it('formats min:s and picks time ticks', () => {
    expect(formatMinSec(0)).toBe('0:00');
    expect(formatMinSec(605)).toBe('10:05');
    expect(formatMinSec(-30)).toBe('-0:30');
    expect(timeTicks(0, 600)).toEqual([0, 120, 240, 360, 480, 600]);
    expect(timeTicks(0, 60)).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });
});
