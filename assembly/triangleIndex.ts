// Nearest-triangle distances in WebAssembly: src/geometry/triangleIndex.ts's bucket grid
// (TriangleIndex, built at once) and its nearestDistanceXYZ without a distance mask, operation
// for operation (the same f64 arithmetic, the same bucket and triangle order), so both return the
// same distances and nearest triangles. The solver's margin metric uses it (HeatSolver.
// nearestTrianglesOf); the comments there explain the method. Pointers are byte offsets into the
// imported memory: the mesh (f32 xyz positions, u32 indices) and the index live in scratch the
// caller lends, valid until the caller uses that memory for anything else.

let posAt: usize = 0, idxAt: usize = 0, boxesAt: usize = 0, startAt: usize = 0, itemsAt: usize = 0, stampAt: usize = 0;
let triangleCount: i32 = 0;
let rangesAt: usize = 0;
let nbx: i32 = 1, nby: i32 = 1, nbz: i32 = 1;
let minX: f64 = 0, minY: f64 = 0, minZ: f64 = 0, bucket: f64 = 0;
let query: u32 = 0;
let nearest: i32 = -1;

/** The triangle the last query found (−1 when none was nearer than its bounds). */
export function triIndexNearestTriangle(): i32 {
  return nearest;
}

function f32At(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + ((<usize>i) << 2));
}

function u32At(p: usize, i: i32): i32 {
  return <i32>load<u32>(p + ((<usize>i) << 2));
}

function clampBucket(f: f64, n: i32): i32 {
  const i = Math.floor(f);
  return i < 0 ? 0 : i >= n ? n - 1 : <i32>i;
}

function max3(a: f64, b: f64, c: f64): f64 {
  return Math.max(Math.max(a, b), c);
}

/** geometry/triangleIndex.ts pointTriangleDistSq on the mesh's positions (corners at float offsets a, b, c). */
function pointTriangleDistSq(px: f64, py: f64, pz: f64, a: i32, b: i32, c: i32): f64 {
  const xyz = posAt;
  const ax = f32At(xyz, a), ay = f32At(xyz, a + 1), az = f32At(xyz, a + 2);
  const abx = f32At(xyz, b) - ax, aby = f32At(xyz, b + 1) - ay, abz = f32At(xyz, b + 2) - az;
  const acx = f32At(xyz, c) - ax, acy = f32At(xyz, c + 1) - ay, acz = f32At(xyz, c + 2) - az;
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz;
  const d2 = acx * apx + acy * apy + acz * apz;
  let qx: f64, qy: f64, qz: f64;
  if (d1 <= 0 && d2 <= 0) {
    qx = ax; qy = ay; qz = az;
  } else {
    const bpx = apx - abx, bpy = apy - aby, bpz = apz - abz;
    const d3 = abx * bpx + aby * bpy + abz * bpz;
    const d4 = acx * bpx + acy * bpy + acz * bpz;
    if (d3 >= 0 && d4 <= d3) {
      qx = ax + abx; qy = ay + aby; qz = az + abz;
    } else {
      const vc = d1 * d4 - d3 * d2;
      if (vc <= 0 && d1 >= 0 && d3 <= 0) {
        const v = d1 / (d1 - d3);
        qx = ax + v * abx; qy = ay + v * aby; qz = az + v * abz;
      } else {
        const cpx = apx - acx, cpy = apy - acy, cpz = apz - acz;
        const d5 = abx * cpx + aby * cpy + abz * cpz;
        const d6 = acx * cpx + acy * cpy + acz * cpz;
        if (d6 >= 0 && d5 <= d6) {
          qx = ax + acx; qy = ay + acy; qz = az + acz;
        } else {
          const vb = d5 * d2 - d1 * d6;
          if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            const w = d2 / (d2 - d6);
            qx = ax + w * acx; qy = ay + w * acy; qz = az + w * acz;
          } else {
            const va = d3 * d6 - d5 * d4;
            if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
              const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
              qx = ax + abx + w * (acx - abx);
              qy = ay + aby + w * (acy - aby);
              qz = az + abz + w * (acz - abz);
            } else {
              const den = va + vb + vc;
              if (den == 0) {
                const da = apx * apx + apy * apy + apz * apz;
                const db = bpx * bpx + bpy * bpy + bpz * bpz;
                const dc = cpx * cpx + cpy * cpy + cpz * cpz;
                return Math.min(Math.min(da, db), dc);
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

/**
 * The buckets triangle t's box overlaps: counted into count[bi + 1], its bucket ranges kept at
 * rangesAt + 6t (u8: at most 129 buckets an axis) for the fill.
 */
function countTriangle(t: i32, count: usize): void {
  const o = boxesAt + (<usize>t) * 24;
  const i0 = clampBucket((<f64>load<f32>(o) - minX) / bucket, nbx), i1 = clampBucket((<f64>load<f32>(o + 12) - minX) / bucket, nbx);
  const j0 = clampBucket((<f64>load<f32>(o + 4) - minY) / bucket, nby), j1 = clampBucket((<f64>load<f32>(o + 16) - minY) / bucket, nby);
  const k0 = clampBucket((<f64>load<f32>(o + 8) - minZ) / bucket, nbz), k1 = clampBucket((<f64>load<f32>(o + 20) - minZ) / bucket, nbz);
  const r = rangesAt + (<usize>t) * 6;
  store<u8>(r, i0); store<u8>(r, i1, 1); store<u8>(r, j0, 2); store<u8>(r, j1, 3); store<u8>(r, k0, 4); store<u8>(r, k1, 5);
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const c = count + ((<usize>(i + nbx * (j + nby * k) + 1)) << 2);
        store<u32>(c, load<u32>(c) + 1);
      }
}

/** Lists triangle t in the buckets countTriangle found for it. */
function fillTriangle(t: i32, count: usize): void {
  const r = rangesAt + (<usize>t) * 6;
  const i0 = <i32>load<u8>(r), i1 = <i32>load<u8>(r, 1), j0 = <i32>load<u8>(r, 2), j1 = <i32>load<u8>(r, 3), k0 = <i32>load<u8>(r, 4), k1 = <i32>load<u8>(r, 5);
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const bi = i + nbx * (j + nby * k);
        const c = count + ((<usize>bi) << 2);
        const n = load<u32>(c);
        store<u32>(itemsAt + ((<usize>(load<u32>(startAt + ((<usize>bi) << 2)) + n)) << 2), t);
        store<u32>(c, n + 1);
      }
}

/**
 * Builds the index of the mesh at `positions` / `indices` (nTri triangles) in [scratch, scratch +
 * bytes), as `new TriangleIndex(mesh)` does (the default bucket size); 0, or −1 when it does not
 * fit (the caller then uses the TypeScript index).
 */
export function triIndexBuild(positions: usize, indices: usize, nTri: i32, scratch: usize, bytes: usize): i32 {
  posAt = positions;
  idxAt = indices;
  triangleCount = nTri;
  query = 0;
  nearest = -1;
  const end = scratch + bytes;
  boxesAt = scratch;
  stampAt = boxesAt + (<usize>nTri) * 24;
  let at = stampAt + ((<usize>nTri) << 2);
  if (at > end) return -1;
  memory.fill(stampAt, 0, (<usize>nTri) << 2);
  let x0: f64 = Infinity, y0: f64 = Infinity, z0: f64 = Infinity, x1: f64 = -Infinity, y1: f64 = -Infinity, z1: f64 = -Infinity;
  let edgeSum: f64 = 0;
  for (let t = 0; t < nTri; t++) {
    let tx0: f64 = Infinity, ty0: f64 = Infinity, tz0: f64 = Infinity, tx1: f64 = -Infinity, ty1: f64 = -Infinity, tz1: f64 = -Infinity;
    for (let v = 0; v < 3; v++) {
      const o = u32At(idxAt, t * 3 + v) * 3;
      const x = f32At(posAt, o), y = f32At(posAt, o + 1), z = f32At(posAt, o + 2);
      if (x < tx0) tx0 = x;
      if (x > tx1) tx1 = x;
      if (y < ty0) ty0 = y;
      if (y > ty1) ty1 = y;
      if (z < tz0) tz0 = z;
      if (z > tz1) tz1 = z;
    }
    const b = boxesAt + (<usize>t) * 24;
    store<f32>(b, <f32>tx0); store<f32>(b + 4, <f32>ty0); store<f32>(b + 8, <f32>tz0);
    store<f32>(b + 12, <f32>tx1); store<f32>(b + 16, <f32>ty1); store<f32>(b + 20, <f32>tz1);
    edgeSum += max3(tx1 - tx0, ty1 - ty0, tz1 - tz0);
    if (tx0 < x0) x0 = tx0;
    if (ty0 < y0) y0 = ty0;
    if (tz0 < z0) z0 = tz0;
    if (tx1 > x1) x1 = tx1;
    if (ty1 > y1) y1 = ty1;
    if (tz1 > z1) z1 = tz1;
  }
  if (nTri == 0) {
    x0 = 0; y0 = 0; z0 = 0; x1 = 0; y1 = 0; z1 = 0;
  }
  minX = x0; minY = y0; minZ = z0;
  const extent = Math.max(max3(x1 - x0, y1 - y0, z1 - z0), 1e-6);
  let b = nTri > 0 ? (2 * edgeSum) / <f64>nTri : extent;
  b = max3(b, extent / 128, 1e-6);
  bucket = b;
  nbx = max(1, <i32>Math.ceil((x1 - x0) / b + 1e-9));
  nby = max(1, <i32>Math.ceil((y1 - y0) / b + 1e-9));
  nbz = max(1, <i32>Math.ceil((z1 - z0) / b + 1e-9));
  const nBuckets = nbx * nby * nbz;
  const listBytes = (<usize>(nBuckets + 1)) << 2;
  const count = at;
  startAt = count + listBytes;
  rangesAt = startAt + listBytes;
  at = rangesAt + (((<usize>nTri) * 6 + 3) & ~(<usize>3));
  if (at > end) return -1;
  memory.fill(count, 0, listBytes);
  for (let t = 0; t < nTri; t++) countTriangle(t, count);
  for (let i = 0; i < nBuckets; i++) {
    const c = count + ((<usize>(i + 1)) << 2);
    store<u32>(c, load<u32>(c) + load<u32>(c - 4));
  }
  memory.copy(startAt, count, listBytes);
  itemsAt = at;
  if (itemsAt + ((<usize>load<u32>(count + ((<usize>nBuckets) << 2))) << 2) > end) return -1;
  memory.fill(count, 0, listBytes);
  for (let t = 0; t < nTri; t++) fillTriangle(t, count);
  return 0;
}

/**
 * geometry/triangleIndex.ts TriangleIndex.nearestDistanceXYZ(px, py, pz, Infinity, upperMm,
 * seedTriangle): no distance limit (the margin's only use), so no distance mask.
 */
export function triIndexNearest(px: f64, py: f64, pz: f64, upperMm: f64, seedTriangle: i32): f64 {
  nearest = -1;
  if (triangleCount == 0) return Infinity;
  const b = bucket;
  const nx = nbx, ny = nby, nz = nbz;
  const mx = minX, my = minY, mz = minZ;
  const ex = max3(mx - px, 0, px - (mx + <f64>nx * b));
  const ey = max3(my - py, 0, py - (my + <f64>ny * b));
  const ez = max3(mz - pz, 0, pz - (mz + <f64>nz * b));
  const d0sq = ex * ex + ey * ey + ez * ez;
  const ci = clampBucket((px - mx) / b, nx);
  const cj = clampBucket((py - my) / b, ny);
  const ck = clampBucket((pz - mz) / b, nz);
  const qx = px < mx ? mx : px > mx + <f64>nx * b ? mx + <f64>nx * b : px;
  const qy = py < my ? my : py > my + <f64>ny * b ? my + <f64>ny * b : py;
  const qz = pz < mz ? mz : pz > mz + <f64>nz * b ? mz + <f64>nz * b : pz;
  const rMax = max(max(max(ci, nx - 1 - ci), max(cj, ny - 1 - cj)), max(ck, nz - 1 - ck));
  let q = ++query;
  if (q == 0xffffffff) {
    memory.fill(stampAt, 0, (<usize>triangleCount) << 2);
    query = q = 1;
  }
  const bound = upperMm * (1 + 1e-9) + 1e-9;
  let best = bound * bound;
  let bestTri = -1;
  if (seedTriangle >= 0 && seedTriangle < triangleCount) {
    const o = seedTriangle * 3;
    const d = pointTriangleDistSq(px, py, pz, u32At(idxAt, o) * 3, u32At(idxAt, o + 1) * 3, u32At(idxAt, o + 2) * 3);
    if (d < best) {
      best = d;
      bestTri = seedTriangle;
    }
  }
  let bi0 = 0, bi1 = nx - 1, bj0 = 0, bj1 = ny - 1, bk0 = 0, bk1 = nz - 1;
  if (best < Infinity) {
    const R = Math.sqrt(best);
    bi0 = clampBucket((px - R - mx) / b, nx); bi1 = clampBucket((px + R - mx) / b, nx);
    bj0 = clampBucket((py - R - my) / b, ny); bj1 = clampBucket((py + R - my) / b, ny);
    bk0 = clampBucket((pz - R - mz) / b, nz); bk1 = clampBucket((pz + R - mz) / b, nz);
  }
  const rLimit = min(rMax, max(max(max(ci - bi0, bi1 - ci), max(cj - bj0, bj1 - cj)), max(ck - bk0, bk1 - ck)));
  for (let r = 0; r <= rLimit; r++) {
    if (r > 0) {
      let gap: f64 = Infinity;
      const lo = r - 1;
      if (ci - lo > 0) gap = Math.min(gap, qx - (mx + <f64>(ci - lo) * b));
      if (ci + lo < nx - 1) gap = Math.min(gap, mx + <f64>(ci + lo + 1) * b - qx);
      if (cj - lo > 0) gap = Math.min(gap, qy - (my + <f64>(cj - lo) * b));
      if (cj + lo < ny - 1) gap = Math.min(gap, my + <f64>(cj + lo + 1) * b - qy);
      if (ck - lo > 0) gap = Math.min(gap, qz - (mz + <f64>(ck - lo) * b));
      if (ck + lo < nz - 1) gap = Math.min(gap, mz + <f64>(ck + lo + 1) * b - qz);
      if (gap == Infinity) break;
      if (gap > 0 && gap * gap + d0sq >= best) break;
    }
    const k0 = max(ck - r, bk0), k1 = min(ck + r, bk1);
    const j0 = max(cj - r, bj0), j1 = min(cj + r, bj1);
    for (let k = k0; k <= k1; k++) {
      const kEdge = k == ck - r || k == ck + r;
      for (let j = j0; j <= j1; j++) {
        const edge = kEdge || j == cj - r || j == cj + r;
        const step = edge || r == 0 ? 1 : 2 * r;
        for (let i = ci - r; i <= ci + r; i += step) {
          if (i < bi0 || i > bi1) continue;
          const bi = i + nx * (j + ny * k);
          const s1 = u32At(startAt, bi + 1);
          for (let s = u32At(startAt, bi); s < s1; s++) {
            const t = u32At(itemsAt, s);
            const st = stampAt + ((<usize>t) << 2);
            if (load<u32>(st) == q) continue;
            store<u32>(st, q);
            const o6 = boxesAt + (<usize>t) * 24;
            const bx = max3(<f64>load<f32>(o6) - px, 0, px - <f64>load<f32>(o6 + 12));
            const by = max3(<f64>load<f32>(o6 + 4) - py, 0, py - <f64>load<f32>(o6 + 16));
            const bz = max3(<f64>load<f32>(o6 + 8) - pz, 0, pz - <f64>load<f32>(o6 + 20));
            if (bx * bx + by * by + bz * bz >= best) continue;
            const o3 = t * 3;
            const d = pointTriangleDistSq(px, py, pz, u32At(idxAt, o3) * 3, u32At(idxAt, o3 + 1) * 3, u32At(idxAt, o3 + 2) * 3);
            if (d < best) {
              best = d;
              bestTri = t;
            }
          }
        }
      }
    }
  }
  nearest = bestTri;
  return Math.min(Math.sqrt(best), upperMm);
}
