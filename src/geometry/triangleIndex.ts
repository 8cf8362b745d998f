import type { TriangleMesh } from './mesh.ts';
import type { Vec3 } from './vec.ts';

/**
 * Squared distance [mm²] from point p to the triangle with corners at offsets a, b, c of `xyz`
 * (flat xyz triples). Exact: closest point by Voronoi regions (Ericson, Real-Time Collision
 * Detection §5.1.5).
 */
export function pointTriangleDistSq(
  px: number, py: number, pz: number, xyz: ArrayLike<number>, a: number, b: number, c: number,
): number {
  const ax = xyz[a], ay = xyz[a + 1], az = xyz[a + 2];
  const abx = xyz[b] - ax, aby = xyz[b + 1] - ay, abz = xyz[b + 2] - az;
  const acx = xyz[c] - ax, acy = xyz[c + 1] - ay, acz = xyz[c + 2] - az;
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz;
  const d2 = acx * apx + acy * apy + acz * apz;
  let qx: number, qy: number, qz: number;
  if (d1 <= 0 && d2 <= 0) {
    qx = ax; qy = ay; qz = az; // vertex A
  } else {
    const bpx = apx - abx, bpy = apy - aby, bpz = apz - abz;
    const d3 = abx * bpx + aby * bpy + abz * bpz;
    const d4 = acx * bpx + acy * bpy + acz * bpz;
    if (d3 >= 0 && d4 <= d3) {
      qx = ax + abx; qy = ay + aby; qz = az + abz; // vertex B
    } else {
      const vc = d1 * d4 - d3 * d2;
      if (vc <= 0 && d1 >= 0 && d3 <= 0) {
        const v = d1 / (d1 - d3); // edge AB
        qx = ax + v * abx; qy = ay + v * aby; qz = az + v * abz;
      } else {
        const cpx = apx - acx, cpy = apy - acy, cpz = apz - acz;
        const d5 = abx * cpx + aby * cpy + abz * cpz;
        const d6 = acx * cpx + acy * cpy + acz * cpz;
        if (d6 >= 0 && d5 <= d6) {
          qx = ax + acx; qy = ay + acy; qz = az + acz; // vertex C
        } else {
          const vb = d5 * d2 - d1 * d6;
          if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            const w = d2 / (d2 - d6); // edge AC
            qx = ax + w * acx; qy = ay + w * acy; qz = az + w * acz;
          } else {
            const va = d3 * d6 - d5 * d4;
            if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
              const w = (d4 - d3) / (d4 - d3 + (d5 - d6)); // edge BC
              qx = ax + abx + w * (acx - abx);
              qy = ay + aby + w * (acy - aby);
              qz = az + abz + w * (acz - abz);
            } else {
              const den = va + vb + vc; // face interior
              if (den === 0) {
                // Degenerate (zero-area) triangle that slipped past the edge tests: nearest vertex.
                const da = apx * apx + apy * apy + apz * apz;
                const db = bpx * bpx + bpy * bpy + bpz * bpz;
                const dc = cpx * cpx + cpy * cpy + cpz * cpz;
                return Math.min(da, db, dc);
              }
              const v = vb / den, w = vc / den;
              qx = ax + abx * v + acx * w;
              qy = ay + aby * v + acy * w;
              qz = az + abz * v + acz * w;
            }
          }
        }
      }
    }
  }
  const dx = px - qx, dy = py - qy, dz = pz - qz;
  return dx * dx + dy * dy + dz * dz;
}

/** Floor of f clamped to bucket indices 0 … n − 1. */
function clampBucket(f: number, n: number): number {
  const i = Math.floor(f);
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Triangles between clock reads while an index is built in slices. */
const BUILD_CHUNK = 4096;

/**
 * A TriangleIndex under construction, in passes over the triangles: their bounding boxes (and
 * the extent and bucket size), counts per bucket, then the bucket lists. `step(untilMs)` works
 * until the clock passes untilMs (read every BUILD_CHUNK triangles) and returns true once done.
 */
class IndexBuild {
  readonly positions: Float32Array;
  readonly indices: Uint32Array;
  readonly triangleCount: number;
  readonly boxes: Float32Array;
  bucketMm = 0;
  min: Vec3 = [Infinity, Infinity, Infinity];
  nb: [number, number, number] = [1, 1, 1];
  start = new Uint32Array(0);
  items = new Uint32Array(0);
  private counts = new Uint32Array(0);
  private readonly bucketMmAsked: number | undefined;
  private max: Vec3 = [-Infinity, -Infinity, -Infinity];
  private edgeSum = 0;
  /** 0 boxes, 1 counts, 2 lists, 3 done; `t` the next triangle of the pass. */
  private pass = 0;
  private t = 0;

  constructor(mesh: TriangleMesh, bucketMm: number | undefined) {
    this.positions = mesh.positions;
    this.indices = mesh.indices;
    this.triangleCount = Math.floor(mesh.indices.length / 3);
    this.boxes = new Float32Array(this.triangleCount * 6);
    this.bucketMmAsked = bucketMm;
  }

  step(untilMs: number): boolean {
    const nTri = this.triangleCount;
    while (this.pass < 3) {
      const end = Math.min(nTri, this.t + BUILD_CHUNK);
      if (this.pass === 0) this.boxPass(this.t, end);
      else this.bucketPass(this.t, end, this.pass === 2);
      this.t = end;
      if (end === nTri) {
        if (this.pass === 0) this.layBuckets();
        else if (this.pass === 1) this.startLists();
        this.pass++;
        this.t = 0;
      }
      if (this.pass < 3 && performance.now() > untilMs) return false;
    }
    return true;
  }

  /** Per-triangle bounding boxes, the extent, and the edge sum that sets the bucket size. */
  private boxPass(from: number, to: number): void {
    const p = this.positions, idx = this.indices, boxes = this.boxes;
    let [x0, y0, z0] = this.min;
    let [x1, y1, z1] = this.max;
    let edgeSum = this.edgeSum;
    for (let t = from; t < to; t++) {
      let tx0 = Infinity, ty0 = Infinity, tz0 = Infinity, tx1 = -Infinity, ty1 = -Infinity, tz1 = -Infinity;
      for (let v = 0; v < 3; v++) {
        const o = idx[t * 3 + v] * 3;
        const x = p[o], y = p[o + 1], z = p[o + 2];
        if (x < tx0) tx0 = x;
        if (x > tx1) tx1 = x;
        if (y < ty0) ty0 = y;
        if (y > ty1) ty1 = y;
        if (z < tz0) tz0 = z;
        if (z > tz1) tz1 = z;
      }
      const o = t * 6;
      boxes[o] = tx0; boxes[o + 1] = ty0; boxes[o + 2] = tz0;
      boxes[o + 3] = tx1; boxes[o + 4] = ty1; boxes[o + 5] = tz1;
      edgeSum += Math.max(tx1 - tx0, ty1 - ty0, tz1 - tz0);
      if (tx0 < x0) x0 = tx0;
      if (ty0 < y0) y0 = ty0;
      if (tz0 < z0) z0 = tz0;
      if (tx1 > x1) x1 = tx1;
      if (ty1 > y1) y1 = ty1;
      if (tz1 > z1) z1 = tz1;
    }
    this.min = [x0, y0, z0];
    this.max = [x1, y1, z1];
    this.edgeSum = edgeSum;
  }

  /** Bucket size and counts, once the boxes are known. */
  private layBuckets(): void {
    const nTri = this.triangleCount;
    if (nTri === 0) {
      this.min = [0, 0, 0];
      this.max = [0, 0, 0];
    }
    const [x0, y0, z0] = this.min, [x1, y1, z1] = this.max;
    const extent = Math.max(x1 - x0, y1 - y0, z1 - z0, 1e-6);
    let b = this.bucketMmAsked ?? (nTri > 0 ? (2 * this.edgeSum) / nTri : extent);
    // At most ~64 buckets per axis-ish budget: keep the bucket count bounded (≤ 2^21).
    b = Math.max(b, extent / 128, 1e-6);
    this.bucketMm = b;
    this.nb = [
      Math.max(1, Math.ceil((x1 - x0) / b + 1e-9)),
      Math.max(1, Math.ceil((y1 - y0) / b + 1e-9)),
      Math.max(1, Math.ceil((z1 - z0) / b + 1e-9)),
    ];
    this.counts = new Uint32Array(this.nb[0] * this.nb[1] * this.nb[2] + 1);
  }

  /** Bucket list offsets from the counts; the counts restart for the filling pass. */
  private startLists(): void {
    const counts = this.counts;
    const nBuckets = counts.length - 1;
    for (let i = 0; i < nBuckets; i++) counts[i + 1] += counts[i];
    this.start = counts.slice();
    this.items = new Uint32Array(counts[nBuckets]);
    counts.fill(0);
  }

  /** Counts (fill false) or lists (fill true) the buckets each triangle's box overlaps. */
  private bucketPass(from: number, to: number, fill: boolean): void {
    const boxes = this.boxes, counts = this.counts, start = this.start, items = this.items;
    const [x0, y0, z0] = this.min;
    const b = this.bucketMm;
    const [nx, ny, nz] = this.nb;
    for (let t = from; t < to; t++) {
      const o = t * 6;
      const i0 = clampBucket((boxes[o] - x0) / b, nx), i1 = clampBucket((boxes[o + 3] - x0) / b, nx);
      const j0 = clampBucket((boxes[o + 1] - y0) / b, ny), j1 = clampBucket((boxes[o + 4] - y0) / b, ny);
      const k0 = clampBucket((boxes[o + 2] - z0) / b, nz), k1 = clampBucket((boxes[o + 5] - z0) / b, nz);
      for (let k = k0; k <= k1; k++) {
        for (let j = j0; j <= j1; j++) {
          for (let i = i0; i <= i1; i++) {
            const bi = i + nx * (j + ny * k);
            if (fill) items[start[bi] + counts[bi]++] = t;
            else counts[bi + 1]++;
          }
        }
      }
    }
  }
}

/**
 * A TriangleIndex built in slices, for a caller that must not block (the page's margin bands):
 * `step(untilMs)` works until the clock passes untilMs and returns the index once it is built
 * (null before). The same index as `new TriangleIndex(mesh, bucketMm)`.
 */
export function buildTriangleIndex(mesh: TriangleMesh, bucketMm?: number): { step(untilMs: number): TriangleIndex | null } {
  const build = new IndexBuild(mesh, bucketMm);
  return { step: (untilMs) => (build.step(untilMs) ? new TriangleIndex(build) : null) };
}

/**
 * Uniform bucket grid over an indexed triangle mesh [mm] answering exact nearest distances. Each
 * triangle is listed in every bucket its bounding box overlaps (CSR arrays); queries visit
 * Chebyshev shells of buckets around the query point and stop once no unvisited bucket can hold
 * anything nearer. Not re-entrant (a per-triangle stamp avoids re-testing). The reference for
 * assembly/triangleIndex.ts (the engine's margin index in wasm; keep the two in step).
 */
export class TriangleIndex {
  private readonly positions: Float32Array;
  private readonly indices: Uint32Array;
  readonly triangleCount: number;
  /** Bucket edge [mm]. */
  readonly bucketMm: number;
  private readonly min: Vec3;
  private readonly nb: [number, number, number];
  private readonly start: Uint32Array;
  private readonly items: Uint32Array;
  private readonly stamp: Uint32Array;
  /** Per-triangle bounding boxes: min xyz, max xyz. */
  private readonly boxes: Float32Array;
  private query = 0;
  /** Triangle found by the last query (−1 when none was nearer than its bounds). */
  nearestTriangle = -1;

  /**
   * The index of `mesh` (`bucketMm` defaults to about twice the mean triangle bounding-box edge),
   * or of a finished slice-by-slice build (buildTriangleIndex).
   */
  constructor(source: TriangleMesh | IndexBuild, bucketMm?: number) {
    let build: IndexBuild;
    if (source instanceof IndexBuild) build = source;
    else {
      build = new IndexBuild(source, bucketMm);
      build.step(Infinity);
    }
    this.positions = build.positions;
    this.indices = build.indices;
    this.triangleCount = build.triangleCount;
    this.bucketMm = build.bucketMm;
    this.min = build.min;
    this.nb = build.nb;
    this.start = build.start;
    this.items = build.items;
    this.boxes = build.boxes;
    this.stamp = new Uint32Array(build.triangleCount);
  }

  /** nearMask's masks by maxMm (callers use one or two caps). */
  private readonly masks = new Map<number, Uint8Array>();

  /**
   * 1 for buckets that have a non-empty bucket within R = ceil(maxMm / b) shells (separable
   * sliding-window dilation, cached per maxMm). A point whose bucket is 0 is ≥ R·b ≥ maxMm from
   * every triangle.
   */
  private nearMask(maxMm: number): Uint8Array {
    const cached = this.masks.get(maxMm);
    if (cached) return cached;
    const [nx, ny, nz] = this.nb;
    const R = Math.ceil(maxMm / this.bucketMm);
    const n = nx * ny * nz;
    let cur = new Uint8Array(n);
    for (let i = 0; i < n; i++) cur[i] = this.start[i + 1] > this.start[i] ? 1 : 0;
    const dims = [nx, ny, nz];
    const strides = [1, nx, nx * ny];
    for (let axis = 0; axis < 3; axis++) {
      const len = dims[axis], st = strides[axis];
      const next = new Uint8Array(n);
      for (let base = 0; base < n; base++) {
        // Visit each line once, from its first element.
        if (Math.floor(base / st) % len !== 0) continue;
        let count = 0; // occupied in window [i − R, i + R]
        for (let i = 0; i < Math.min(R, len - 1) + 1 && i < len; i++) count += cur[base + i * st];
        for (let i = 0; i < len; i++) {
          if (count > 0) next[base + i * st] = 1;
          const add = i + R + 1, drop = i - R;
          if (add < len) count += cur[base + add * st];
          if (drop >= 0) count -= cur[base + drop * st];
        }
      }
      cur = next;
    }
    this.masks.set(maxMm, cur);
    return cur;
  }

  private clampB(f: number, axis: number): number {
    return clampBucket(f, this.nb[axis]);
  }

  /**
   * Exact distance [mm] from p to the nearest triangle; at most `maxMm` (returned when nothing is
   * nearer, which bounds the search). Infinity for an empty index with no limit.
   */
  nearestDistanceMm(p: Vec3, maxMm = Infinity): number {
    return this.nearestDistanceXYZ(p[0], p[1], p[2], maxMm);
  }

  /**
   * nearestDistanceXYZ without a distance limit: the search physics/metrics.ts's margin asks for
   * (its NearestTriangleSearch, which the solver's wasm index also answers).
   */
  nearestWithin(px: number, py: number, pz: number, upperMm: number, seedTriangle: number): number {
    return this.nearestDistanceXYZ(px, py, pz, Infinity, upperMm, seedTriangle);
  }

  /**
   * As nearestDistanceMm, without a Vec3 (for hot loops). `upperMm`, when given, must be an upper
   * bound of the true distance (e.g. the previous cell's distance + spacing): it prunes the search.
   * `seedTriangle` (e.g. `nearestTriangle` after a query at a neighbouring point) only speeds up the
   * search; the result stays exact.
   */
  nearestDistanceXYZ(
    px: number, py: number, pz: number, maxMm = Infinity, upperMm = Infinity, seedTriangle = -1,
  ): number {
    return this.search(px, py, pz, maxMm, upperMm, seedTriangle, -1);
  }

  /**
   * Whether some triangle lies nearer than `radiusMm` to p. The search stops at the first such
   * triangle, where a nearest search would go on to the nearest one; `nearestTriangle` is then that
   * triangle (a seed for the next query). `seedTriangle` as in nearestDistanceXYZ; `maskMm`, when
   * finite, a cap ≥ radiusMm whose bucket mask (cached per cap: keep it fixed) says no at once for
   * points far from the surface.
   */
  anyWithin(px: number, py: number, pz: number, radiusMm: number, seedTriangle = -1, maskMm = Infinity): boolean {
    return this.search(px, py, pz, maskMm, radiusMm, seedTriangle, radiusMm * radiusMm) < radiusMm;
  }

  /** nearestDistanceXYZ; with stopBelowSq ≥ 0 it returns at the first triangle nearer than √stopBelowSq. */
  private search(
    px: number, py: number, pz: number, maxMm: number, upperMm: number, seedTriangle: number, stopBelowSq: number,
  ): number {
    this.nearestTriangle = -1;
    if (this.triangleCount === 0) return maxMm;
    const b = this.bucketMm;
    const nx = this.nb[0], ny = this.nb[1], nz = this.nb[2];
    const mx = this.min[0], my = this.min[1], mz = this.min[2];
    // Distance from p to the index box (0 inside).
    const ex = Math.max(mx - px, 0, px - (mx + nx * b));
    const ey = Math.max(my - py, 0, py - (my + ny * b));
    const ez = Math.max(mz - pz, 0, pz - (mz + nz * b));
    const d0sq = ex * ex + ey * ey + ez * ez;
    if (d0sq >= maxMm * maxMm) return maxMm;
    const ci = this.clampB((px - mx) / b, 0);
    const cj = this.clampB((py - my) / b, 1);
    const ck = this.clampB((pz - mz) / b, 2);
    if (maxMm !== Infinity && this.nearMask(maxMm)[ci + nx * (cj + ny * ck)] === 0) return maxMm;
    // q: projection of p on the index box.
    const qx = px < mx ? mx : px > mx + nx * b ? mx + nx * b : px;
    const qy = py < my ? my : py > my + ny * b ? my + ny * b : py;
    const qz = pz < mz ? mz : pz > mz + nz * b ? mz + nz * b : pz;
    const rMax = Math.max(ci, nx - 1 - ci, cj, ny - 1 - cj, ck, nz - 1 - ck);
    let q = ++this.query;
    if (q === 0xffffffff) {
      this.stamp.fill(0);
      this.query = q = 1;
    }
    const start = this.start, items = this.items, stamp = this.stamp;
    const xyz = this.positions, idx = this.indices;
    const bound = Math.min(maxMm, upperMm * (1 + 1e-9) + 1e-9);
    let best = bound * bound;
    let bestTri = -1;
    if (seedTriangle >= 0 && seedTriangle < this.triangleCount) {
      // A nearby point's nearest triangle is usually (nearly) this one's: a tight starting bound.
      const o = seedTriangle * 3;
      const d = pointTriangleDistSq(px, py, pz, xyz, idx[o] * 3, idx[o + 1] * 3, idx[o + 2] * 3);
      if (d < best) {
        best = d;
        bestTri = seedTriangle;
      }
    }
    const boxes = this.boxes;
    // With a finite bound only buckets that the box p ± bound overlaps can list a nearer triangle
    // (each triangle is listed in every bucket its bounding box overlaps): clip the shells to it.
    let bi0 = 0, bi1 = nx - 1, bj0 = 0, bj1 = ny - 1, bk0 = 0, bk1 = nz - 1;
    if (best < Infinity) {
      const R = Math.sqrt(best);
      bi0 = this.clampB((px - R - mx) / b, 0); bi1 = this.clampB((px + R - mx) / b, 0);
      bj0 = this.clampB((py - R - my) / b, 1); bj1 = this.clampB((py + R - my) / b, 1);
      bk0 = this.clampB((pz - R - mz) / b, 2); bk1 = this.clampB((pz + R - mz) / b, 2);
    }
    // A seed already nearer than the stop needs no scan.
    const rLimit = best < stopBelowSq ? -1 : Math.min(rMax, Math.max(ci - bi0, bi1 - ci, cj - bj0, bj1 - cj, ck - bk0, bk1 - ck));
    scan: for (let r = 0; r <= rLimit; r++) {
      if (r > 0) {
        // Visited so far: buckets c ± (r − 1). Any unvisited x in the box is at least `gap` from q
        // (distance to the nearest open face of the visited block), and |x − p|² ≥ |x − q|² + d0².
        let gap = Infinity;
        const lo = r - 1;
        if (ci - lo > 0) gap = Math.min(gap, qx - (mx + (ci - lo) * b));
        if (ci + lo < nx - 1) gap = Math.min(gap, mx + (ci + lo + 1) * b - qx);
        if (cj - lo > 0) gap = Math.min(gap, qy - (my + (cj - lo) * b));
        if (cj + lo < ny - 1) gap = Math.min(gap, my + (cj + lo + 1) * b - qy);
        if (ck - lo > 0) gap = Math.min(gap, qz - (mz + (ck - lo) * b));
        if (ck + lo < nz - 1) gap = Math.min(gap, mz + (ck + lo + 1) * b - qz);
        if (gap === Infinity) break;
        if (gap > 0 && gap * gap + d0sq >= best) break;
      }
      const k0 = Math.max(ck - r, bk0), k1 = Math.min(ck + r, bk1);
      const j0 = Math.max(cj - r, bj0), j1 = Math.min(cj + r, bj1);
      for (let k = k0; k <= k1; k++) {
        const kEdge = k === ck - r || k === ck + r;
        for (let j = j0; j <= j1; j++) {
          const edge = kEdge || j === cj - r || j === cj + r;
          const step = edge || r === 0 ? 1 : 2 * r;
          for (let i = ci - r; i <= ci + r; i += step) {
            if (i < bi0 || i > bi1) continue;
            const bi = i + nx * (j + ny * k);
            const s1 = start[bi + 1];
            for (let s = start[bi]; s < s1; s++) {
              const t = items[s];
              if (stamp[t] === q) continue;
              stamp[t] = q;
              // Cheap reject by the triangle's bounding box.
              const o6 = t * 6;
              const bx = Math.max(boxes[o6] - px, 0, px - boxes[o6 + 3]);
              const by = Math.max(boxes[o6 + 1] - py, 0, py - boxes[o6 + 4]);
              const bz = Math.max(boxes[o6 + 2] - pz, 0, pz - boxes[o6 + 5]);
              if (bx * bx + by * by + bz * bz >= best) continue;
              const o3 = t * 3;
              const d = pointTriangleDistSq(px, py, pz, xyz, idx[o3] * 3, idx[o3 + 1] * 3, idx[o3 + 2] * 3);
              if (d < best) {
                best = d;
                bestTri = t;
                if (d < stopBelowSq) break scan;
              }
            }
          }
        }
      }
    }
    this.nearestTriangle = bestTri;
    return Math.min(Math.sqrt(best), maxMm, upperMm);
  }
}
