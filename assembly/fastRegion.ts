// The multi-rate fast region's row loops (src/physics/fastRegion.ts, FastRegion.update): the same
// integer operations on the same arrays, four rows at a time where rows are independent. Arrays
// are i32; a row q of the box's nyF × nzF rows is q = k·nyF + j.

/** FastRegion's seeds: per row of the box [j0, j1) × [k0, k1), the probes' and (rows scanned) the frozen first and last i. */
export function regionSeeds(
  sourceRows: usize, frozenRows: usize, seedLo: usize, seedHi: usize, nx: i32, ny: i32,
  j0: i32, j1: i32, k0: i32, k1: i32, sj0: i32, sj1: i32, sk0: i32, sk1: i32,
): void {
  let q: usize = 0;
  for (let k = k0; k < k1; k++) {
    const scannedPlane = k >= sk0 && k < sk1;
    for (let j = j0; j < j1; j++, q += 4) {
      const g = (<usize>(k * ny + j)) << 3;
      const s0 = load<i32>(sourceRows + g);
      let lo = s0 < 0 ? nx : s0;
      let hi = load<i32>(sourceRows + g + 4);
      if (scannedPlane && j >= sj0 && j < sj1) {
        const f0 = load<i32>(frozenRows + g);
        if (f0 >= 0) {
          if (f0 < lo) lo = f0;
          const f1 = load<i32>(frozenRows + g + 4);
          if (f1 > hi) hi = f1;
        }
      }
      store<i32>(seedLo + q, lo);
      store<i32>(seedHi + q, hi);
    }
  }
}

/** 1 when every row's seeds lie in its covered range (or it has none), else 0. */
export function regionCovered(seedLo: usize, seedHi: usize, coveredLo: usize, coveredHi: usize, rows: i32): i32 {
  for (let q: usize = 0; q < (<usize>rows) << 2; q += 4) {
    const hi = load<i32>(seedHi + q);
    if (hi >= 0 && (load<i32>(seedLo + q) < load<i32>(coveredLo + q) || hi >= load<i32>(coveredHi + q))) return 0;
  }
  return 1;
}

/** planes ← per plane of the box, [first, last + 1) of its rows with hi ≥ 0 (none: [0, 0)). */
function rowsHolding(hi: usize, nyF: i32, nzF: i32, planes: usize): void {
  for (let k = 0; k < nzF; k++) {
    const row = hi + ((<usize>(k * nyF)) << 2);
    let j0 = 0, j1 = nyF;
    while (j0 < nyF && load<i32>(row + ((<usize>j0) << 2)) < 0) j0++;
    while (j1 > j0 && load<i32>(row + ((<usize>(j1 - 1)) << 2)) < 0) j1--;
    store<i32>(planes + ((<usize>k) << 3), j0);
    store<i32>(planes + ((<usize>k) << 3) + 4, j1);
  }
}

/** The reach along i of row offset (dj, dk) in a ball of `radius` cells, or −1 outside it. */
function ballReach(radius: i32, dj: i32, dk: i32): i32 {
  const left = radius * radius - dj * dj - dk * dk;
  return left < 0 ? -1 : <i32>Math.floor(Math.sqrt(<f64>left));
}

/**
 * Rows [q0, q1): outLo ← min(outLo, lo − e) and outHi ← max(outHi, hi + e), lo and hi read from the
 * row `shift` rows on; four rows at a time.
 */
function extendRows(lo: usize, hi: usize, outLo: usize, outHi: usize, q0: i32, q1: i32, shift: i32, e: i32): void {
  const ve = i32x4.splat(e);
  let q = q0;
  for (; q + 3 < q1; q += 4) {
    const o = (<usize>q) << 2, p = (<usize>(q + shift)) << 2;
    v128.store(outLo + o, i32x4.min_s(v128.load(outLo + o), i32x4.sub(v128.load(lo + p), ve)));
    v128.store(outHi + o, i32x4.max_s(v128.load(outHi + o), i32x4.add(v128.load(hi + p), ve)));
  }
  for (; q < q1; q++) {
    const o = (<usize>q) << 2, p = (<usize>(q + shift)) << 2;
    const l = load<i32>(lo + p) - e, h = load<i32>(hi + p) + e;
    if (l < load<i32>(outLo + o)) store<i32>(outLo + o, l);
    if (h > load<i32>(outHi + o)) store<i32>(outHi + o, h);
  }
}

/**
 * FastRegion's dilate: outLo / outHi per row = the smallest lo − e and the largest hi + e over the
 * rows at each offset (dj, dk) of the ball, e its reach; rows without seeds (hi < 0) are first set
 * to lo = far, hi = −far so that they add nothing.
 */
export function regionDilate(lo: usize, hi: usize, outLo: usize, outHi: usize, nyF: i32, nzF: i32, radius: i32, planes: usize, far: i32): void {
  const rows = nyF * nzF;
  for (let q: usize = 0; q < (<usize>rows) << 2; q += 4)
    if (load<i32>(hi + q) < 0) {
      store<i32>(lo + q, far);
      store<i32>(hi + q, -far);
    }
  rowsHolding(hi, nyF, nzF, planes);
  for (let q: usize = 0; q < (<usize>rows) << 2; q += 4) {
    store<i32>(outLo + q, far);
    store<i32>(outHi + q, -far);
  }
  for (let dk = -radius; dk <= radius; dk++)
    for (let dj = -radius; dj <= radius; dj++) {
      const e = ballReach(radius, dj, dk);
      if (e < 0) continue;
      const shift = dk * nyF + dj;
      const kEnd = min(nzF, nzF - dk);
      for (let k = max(0, -dk); k < kEnd; k++) {
        const src = planes + ((<usize>(k + dk)) << 3);
        const j0 = max(0, load<i32>(src) - dj), j1 = min(nyF, load<i32>(src + 4) - dj);
        extendRows(lo, hi, outLo, outHi, k * nyF + j0, k * nyF + j1, shift, e);
      }
    }
}

/**
 * FastRegion's cover: per row, the largest span lo + e and the smallest span hi − e over the rows
 * at the ball's offsets; rows within `radius` of the box's side, or without a span, cover nothing
 * (lo = none, hi = −none). spanLo / spanHi are scratch (the spans with empty ones as none / −none).
 */
export function regionCover(spans: usize, spanLo: usize, spanHi: usize, coveredLo: usize, coveredHi: usize, nyF: i32, nzF: i32, radius: i32, planes: usize, none: i32): void {
  const rows = nyF * nzF;
  for (let q: usize = 0; q < (<usize>rows) << 2; q += 4) {
    const a = load<i32>(spans + (q << 1)), b = load<i32>(spans + (q << 1) + 4);
    const empty = a >= b;
    store<i32>(spanLo + q, empty ? none : a);
    store<i32>(spanHi + q, empty ? -none : b);
  }
  for (let k = 0; k < nzF; k++)
    for (let j = 0; j < nyF; j++) {
      const q = (<usize>(k * nyF + j)) << 2;
      const inside = j >= radius && j < nyF - radius && k >= radius && k < nzF - radius;
      store<i32>(coveredLo + q, inside ? load<i32>(spanLo + q) : none);
      store<i32>(coveredHi + q, inside ? load<i32>(spanHi + q) : -none);
    }
  rowsHolding(spanHi, nyF, nzF, planes);
  for (let dk = -radius; dk <= radius; dk++)
    for (let dj = -radius; dj <= radius; dj++) {
      const e = ballReach(radius, dj, dk);
      if (e < 0) continue;
      const shift = dk * nyF + dj;
      for (let k = radius; k < nzF - radius; k++) {
        const own = planes + ((<usize>k) << 3);
        // What the rows cover narrows: the same extension with lo and hi in each other's place.
        extendRows(spanHi, spanLo, coveredHi, coveredLo, k * nyF + max(radius, load<i32>(own)), k * nyF + min(nyF - radius, load<i32>(own + 4)), shift, e);
      }
    }
}

/**
 * FastRegion's interface: the ring (slow interior cells with a fast neighbour, in cell order) into
 * `slow` and each ring cell's fast neighbours (−x, +x, −y, +y, −z, +z) into `fast`, grouped by
 * faceStart (faceStart[r + 1] ends ring cell r's). Rows of the box [j0, j1) × [k0, k1) from
 * `spans`. Returns the ring's size, or −1 when more than `capacity` faces.
 */
export function regionInterface(
  spans: usize, j0: i32, j1: i32, k0: i32, k1: i32, nx: i32, ny: i32, nz: i32,
  fast: usize, slow: usize, faceStart: usize, capacity: i32,
): i32 {
  const nyF = j1 - j0, nxy = nx * ny;
  let nFaces = 0, nRing = 0;
  store<i32>(faceStart, 0);
  for (let k = max(1, k0 - 1); k < min(nz - 1, k1 + 1); k++)
    for (let j = max(1, j0 - 1); j < min(ny - 1, j1 + 1); j++) {
      const a0 = spanAt(spans, j, k, j0, j1, k0, k1, nyF), a1 = spanAt(spans, j - 1, k, j0, j1, k0, k1, nyF);
      const a2 = spanAt(spans, j + 1, k, j0, j1, k0, k1, nyF), a3 = spanAt(spans, j, k - 1, j0, j1, k0, k1, nyF);
      const a4 = spanAt(spans, j, k + 1, j0, j1, k0, k1, nyF);
      const l0 = <i32>a0, h0 = <i32>(a0 >> 32), l1 = <i32>a1, h1 = <i32>(a1 >> 32), l2 = <i32>a2, h2 = <i32>(a2 >> 32);
      const l3 = <i32>a3, h3 = <i32>(a3 >> 32), l4 = <i32>a4, h4 = <i32>(a4 >> 32);
      let from = nx, to = 0;
      if (l0 < h0) { from = l0 - 1; to = h0 + 1; }
      if (l1 < h1) { from = min(from, l1); to = max(to, h1); }
      if (l2 < h2) { from = min(from, l2); to = max(to, h2); }
      if (l3 < h3) { from = min(from, l3); to = max(to, h3); }
      if (l4 < h4) { from = min(from, l4); to = max(to, h4); }
      const row = k * nxy + j * nx;
      const end = min(nx - 1, to);
      for (let i = max(1, from); i < end; i++) {
        if (i >= l0 && i < h0) {
          i = h0 - 1;
          continue;
        }
        // At most six faces per cell.
        if (nFaces + 6 > capacity) return -1;
        const c = row + i, before = nFaces;
        if (i - 1 >= l0 && i - 1 < h0) nFaces = push(fast, nFaces, c - 1);
        if (i + 1 >= l0 && i + 1 < h0) nFaces = push(fast, nFaces, c + 1);
        if (i >= l1 && i < h1) nFaces = push(fast, nFaces, c - nx);
        if (i >= l2 && i < h2) nFaces = push(fast, nFaces, c + nx);
        if (i >= l3 && i < h3) nFaces = push(fast, nFaces, c - nxy);
        if (i >= l4 && i < h4) nFaces = push(fast, nFaces, c + nxy);
        if (nFaces > before) {
          nRing = push(slow, nRing, c);
          store<i32>(faceStart + ((<usize>nRing) << 2), nFaces);
        }
      }
    }
  return nRing;
}

/** list[n] ← value; returns n + 1. */
function push(list: usize, n: i32, value: i32): i32 {
  store<i32>(list + ((<usize>n) << 2), value);
  return n + 1;
}

/** Row (j, k)'s span [lo, hi) as lo | hi << 32 (outside the box: an empty [0, 0)). */
function spanAt(spans: usize, j: i32, k: i32, j0: i32, j1: i32, k0: i32, k1: i32, nyF: i32): u64 {
  if (j < j0 || j >= j1 || k < k0 || k >= k1) return 0;
  return load<u64>(spans + ((<usize>((k - k0) * nyF + (j - j0))) << 3));
}
