import type { InterfaceFaces, RowSpans } from './kernel.ts';

/**
 * The multi-rate fast region as row spans of the fast box F (solver.ts multiRateStep): each row of
 * F steps only the cells within `buffer` cells (a ball: Euclidean distance) of a seed cell (frozen,
 * inside an active body, or cut by one), instead of the whole box. The ice ball is roughly an
 * ellipsoid, about half its bounding box: on the liver sample at 1 mm the spans hold 0.63 of the
 * box's cells (a cube-shaped buffer, which reaches √3 × farther along the diagonals than along the
 * axes, held 0.75–0.78). The rest of each row, with the active box's cells left and right of F
 * (slowAround), is slow: slowLeft / slowRight, the parts of each row left and right of its span
 * (the whole row in slowLeft when the span is empty).
 *
 * Spans are rebuilt only when the box changes or a seed comes within `buffer` cells of a slow cell;
 * a rebuild adds SPAN_SLACK cells more, so the lists built on the region (interface faces, walls,
 * vessel cells) are rebuilt about as often as the box itself changes. Where F has reached the
 * grid's edge every row is whole (the outer layer then borders only fast cells, as for a box).
 */
export const SPAN_SLACK = 1;
/**
 * Spans only for a box of at least SPAN_MIN_BOX_CELLS cells holding at most SPAN_MAX_SHARE of them
 * in spans, else the whole box: a span row costs a kernel row's set-up (about eight cells' worth)
 * and the region's upkeep costs its scans, so little savings do not pay (measured on the liver
 * sample). The 2 mm grid's boxes (~27 k cells on the liver) gain from spans; below 4 096 cells (16³,
 * the first seconds of a freeze) whole boxes were as fast.
 */
export const SPAN_MIN_BOX_CELLS = 4096, SPAN_MAX_SHARE = 0.85;

/**
 * The region's row loops in WebAssembly (kernelWasm.ts `regionOps`, assembly/fastRegion.ts), the
 * same integer operations as FastRegion's own: used when every array of the region lies on the
 * kernel's memory (`owns`).
 */
export interface RegionOps {
  owns(a: Int32Array): boolean;
  seeds(
    sourceRows: Int32Array, frozenRows: Int32Array, seedLo: Int32Array, seedHi: Int32Array, nx: number, ny: number,
    F: Int32Array, sj0: number, sj1: number, sk0: number, sk1: number,
  ): void;
  covered(seedLo: Int32Array, seedHi: Int32Array, coveredLo: Int32Array, coveredHi: Int32Array, rows: number): boolean;
  dilate(lo: Int32Array, hi: Int32Array, outLo: Int32Array, outHi: Int32Array, nyF: number, nzF: number, radius: number, planes: Int32Array, far: number): void;
  cover(
    spans: Int32Array, spanLo: Int32Array, spanHi: Int32Array, coveredLo: Int32Array, coveredHi: Int32Array,
    nyF: number, nzF: number, radius: number, planes: Int32Array, none: number,
  ): void;
  /** The interface's ring size (faceStart[ring] faces), or −1 when more than `capacity` faces. */
  interface(spans: Int32Array, F: Int32Array, nx: number, ny: number, nz: number, faces: InterfaceFaces, capacity: number): number;
}

export class FastRegion {
  /** SPAN_MIN_BOX_CELLS and SPAN_MAX_SHARE; tests change them to put spans on small grids. */
  static minBoxCells = SPAN_MIN_BOX_CELLS;
  static maxShare = SPAN_MAX_SHARE;

  /** The fast cells: row spans of `box` from its first plane. */
  readonly fast: RowSpans;
  /** The slow cells of the box's rows within [a0, a1) (slowAround): left of each span and right of it. */
  readonly slowLeft: RowSpans;
  readonly slowRight: RowSpans;
  /** The box the spans were built for [i0, i1, j0, j1, k0, k1]. */
  readonly box = new Int32Array(6);
  fastCells = 0;
  /** What slowLeft and slowRight were built for: the region's version and [a0, a1). */
  private readonly slowKey = Int32Array.of(-1, 0, 0);
  /** Counts rebuilds: lists built on the region are valid while it is unchanged. */
  version = 0;
  /** Every row of the box is whole (update keeps it while the box stays the same). */
  private wholeRows = false;
  /** Per row of the box: the cells every span within `buffer` rows covers, [lo, hi). */
  private readonly coveredLo: Int32Array;
  private readonly coveredHi: Int32Array;
  /** Per row of the box: the seeds' first and last i (none: nx, −1), and scratch. */
  private readonly seedLo: Int32Array;
  private readonly seedHi: Int32Array;
  private readonly tmpLo: Int32Array;
  private readonly tmpHi: Int32Array;
  /** Per plane of the box: its first and last row (j) that holds seeds or a span (scratch). */
  private readonly planeRows: Int32Array;

  /** The wasm loops, when all of the region's row arrays are on their memory. */
  private readonly ops: RegionOps | null;

  /**
   * `alloc(n)`: a zeroed Int32Array of n (on the kernel's memory with the wasm kernel, then `ops`
   * runs the row loops there). FastRegion.rowInts(ny, nz) i32s in all.
   */
  constructor(private readonly nx: number, private readonly ny: number, private readonly nz: number, alloc: (n: number) => Int32Array, ops: RegionOps | null = null) {
    const rows = ny * nz;
    const spans = (): RowSpans => ({ spans: alloc(2 * rows), k0: 0, planeCells: new Int32Array(nz) });
    this.fast = spans();
    this.slowLeft = spans();
    this.slowRight = spans();
    this.coveredLo = alloc(rows);
    this.coveredHi = alloc(rows);
    this.seedLo = alloc(rows);
    this.seedHi = alloc(rows);
    this.tmpLo = alloc(rows);
    this.tmpHi = alloc(rows);
    this.planeRows = alloc(2 * nz);
    const arrays = [this.fast.spans, this.slowLeft.spans, this.slowRight.spans, this.coveredLo, this.coveredHi, this.seedLo, this.seedHi, this.tmpLo, this.tmpHi, this.planeRows];
    this.ops = ops && arrays.every((a) => ops.owns(a)) ? ops : null;
  }

  /** The i32s a region's constructor allocates for a grid of ny × nz rows. */
  static rowInts(ny: number, nz: number): number {
    return 12 * ny * nz + 2 * nz;
  }

  /**
   * Fits the region to box F (inside the interior) and the seeds: per grid row (k·ny + j) the
   * first and last seed i in `frozenRows` (valid for rows within `scanned`'s rows; −1: none) and
   * in `sourceRows` (`wholeRows`: every row whole). Returns whether the region changed (then
   * `version` has moved on).
   */
  update(F: Int32Array, buffer: number, frozenRows: Int32Array, scanned: Int32Array, sourceRows: Int32Array, wholeRows = false): boolean {
    const { nx, ny, nz } = this;
    const b = this.box;
    const sameBox = b[0] === F[0] && b[1] === F[1] && b[2] === F[2] && b[3] === F[3] && b[4] === F[4] && b[5] === F[5];
    // Whole rows cover every seed of their box.
    if (sameBox && this.wholeRows) return false;
    const nyF = F[3] - F[2], nzF = F[5] - F[4];
    const edge = F[0] <= 1 || F[1] >= nx - 1 || F[2] <= 1 || F[3] >= ny - 1 || F[4] <= 1 || F[5] >= nz - 1;
    if (wholeRows || edge || (F[1] - F[0]) * nyF * nzF < FastRegion.minBoxCells) {
      this.box.set(F);
      this.useWholeRows();
      return true;
    }
    const { seedLo, seedHi, ops } = this;
    // Rows within the scanned box: its frozen extents; every row: the probes' cells. None: lo = nx, hi = −1.
    const sj0 = Math.max(F[2], scanned[2]), sj1 = Math.min(F[3], scanned[3]);
    if (ops && ops.owns(sourceRows) && ops.owns(frozenRows)) ops.seeds(sourceRows, frozenRows, seedLo, seedHi, nx, ny, F, sj0, sj1, scanned[4], scanned[5]);
    else for (let k = F[4], q = 0; k < F[5]; k++) {
      const scannedPlane = k >= scanned[4] && k < scanned[5];
      for (let j = F[2], g = 2 * (k * ny + F[2]); j < F[3]; j++, q++, g += 2) {
        let lo = sourceRows[g] < 0 ? nx : sourceRows[g], hi = sourceRows[g + 1];
        if (scannedPlane && j >= sj0 && j < sj1 && frozenRows[g] >= 0) {
          if (frozenRows[g] < lo) lo = frozenRows[g];
          if (frozenRows[g + 1] > hi) hi = frozenRows[g + 1];
        }
        seedLo[q] = lo;
        seedHi[q] = hi;
      }
    }
    if (sameBox && !this.wholeRows) {
      let covered = true;
      if (ops) covered = ops.covered(seedLo, seedHi, this.coveredLo, this.coveredHi, nyF * nzF);
      else
        for (let q = 0; q < nyF * nzF && covered; q++)
          covered = seedHi[q] < 0 || (seedLo[q] >= this.coveredLo[q] && seedHi[q] < this.coveredHi[q]);
      if (covered) return false;
    }
    this.box.set(F);
    this.wholeRows = false;
    // Every cell within a ball of `buffer + SPAN_SLACK` cells of a seed: per row, the seeds of the
    // rows within that distance in (j, k), each reaching out along i by what the ball leaves.
    const { tmpLo, tmpHi } = this;
    this.dilate(seedLo, seedHi, tmpLo, tmpHi, nyF, nzF, buffer + SPAN_SLACK);
    for (let q = 0; q < nyF * nzF; q++) {
      if (tmpLo[q] > tmpHi[q]) this.setRow(q, F[0], F[0]);
      else this.setRow(q, Math.max(F[0], tmpLo[q]), Math.min(F[1], tmpHi[q] + 1));
    }
    this.finish();
    // Spans that save little cost more than they save (shorter rows, a longer interface): whole rows.
    if (this.fastCells > FastRegion.maxShare * (F[1] - F[0]) * nyF * nzF) {
      this.useWholeRows();
      return true;
    }
    this.cover(nyF, nzF, buffer);
    return true;
  }

  /** Whether cell (i, j, k) is fast. */
  isFast(i: number, j: number, k: number): boolean {
    const F = this.box;
    if (j < F[2] || j >= F[3] || k < F[4] || k >= F[5]) return false;
    const q = 2 * ((k - F[4]) * (F[3] - F[2]) + (j - F[2]));
    const s = this.fast.spans;
    return i >= s[q] && i < s[q + 1];
  }

  /**
   * The interface into `faces`: the ring (slow interior cells with a fast neighbour, in cell
   * order) and each ring cell's faces (its fast neighbours in the order −x, +x, −y, +y, −z, +z).
   * Returns the counts, or null when more than `capacity` faces.
   */
  interface(faces: InterfaceFaces, capacity: number): { nFaces: number; nRing: number } | null {
    const { nx, ny, nz, ops } = this;
    const F = this.box, nyF = F[3] - F[2], s = this.fast.spans;
    const { fast, slow, faceStart } = faces;
    if (ops && ops.owns(fast) && ops.owns(slow) && ops.owns(faceStart)) {
      const ring = ops.interface(s, F, nx, ny, nz, faces, capacity);
      return ring < 0 ? null : { nFaces: faceStart[ring], nRing: ring };
    }
    const nxy = nx * ny;
    let nFaces = 0, nRing = 0;
    faceStart[0] = 0;
    // Row (j, k)'s span index (−1: outside the box, an empty span).
    const at = (j: number, k: number): number => (j < F[2] || j >= F[3] || k < F[4] || k >= F[5] ? -1 : 2 * ((k - F[4]) * nyF + (j - F[2])));
    const lo = (q: number): number => (q < 0 ? 0 : s[q]);
    const hi = (q: number): number => (q < 0 ? 0 : s[q + 1]);
    for (let k = Math.max(1, F[4] - 1); k < Math.min(nz - 1, F[5] + 1); k++)
      for (let j = Math.max(1, F[2] - 1); j < Math.min(ny - 1, F[3] + 1); j++) {
        const q0 = at(j, k), q1 = at(j - 1, k), q2 = at(j + 1, k), q3 = at(j, k - 1), q4 = at(j, k + 1);
        const l0 = lo(q0), h0 = hi(q0), l1 = lo(q1), h1 = hi(q1), l2 = lo(q2), h2 = hi(q2);
        const l3 = lo(q3), h3 = hi(q3), l4 = lo(q4), h4 = hi(q4);
        let from = nx, to = 0;
        if (l0 < h0) { from = l0 - 1; to = h0 + 1; }
        if (l1 < h1) { from = Math.min(from, l1); to = Math.max(to, h1); }
        if (l2 < h2) { from = Math.min(from, l2); to = Math.max(to, h2); }
        if (l3 < h3) { from = Math.min(from, l3); to = Math.max(to, h3); }
        if (l4 < h4) { from = Math.min(from, l4); to = Math.max(to, h4); }
        const row = k * nxy + j * nx;
        const end = Math.min(nx - 1, to);
        for (let i = Math.max(1, from); i < end; i++) {
          if (i >= l0 && i < h0) {
            i = h0 - 1;
            continue;
          }
          // At most six faces per cell.
          if (nFaces + 6 > capacity) return null;
          const c = row + i, before = nFaces;
          if (i - 1 >= l0 && i - 1 < h0) fast[nFaces++] = c - 1;
          if (i + 1 >= l0 && i + 1 < h0) fast[nFaces++] = c + 1;
          if (i >= l1 && i < h1) fast[nFaces++] = c - nx;
          if (i >= l2 && i < h2) fast[nFaces++] = c + nx;
          if (i >= l3 && i < h3) fast[nFaces++] = c - nxy;
          if (i >= l4 && i < h4) fast[nFaces++] = c + nxy;
          if (nFaces > before) {
            slow[nRing++] = c;
            faceStart[nRing] = nFaces;
          }
        }
      }
    return { nFaces, nRing };
  }

  /** Every row of the box whole (when the spans' interface does not fit). */
  useWholeRows(): void {
    const F = this.box;
    this.wholeRows = true;
    for (let q = 0; q < (F[3] - F[2]) * (F[5] - F[4]); q++) this.setRow(q, F[0], F[1]);
    this.finish();
  }

  /**
   * slowLeft and slowRight for the rows' cells within [a0, a1) (a0 ≤ F's i0, a1 ≥ F's i1: the
   * active box): [a0, lo) and [hi, a1) of each fast span [lo, hi); an empty one leaves the row to
   * slowLeft. Kept while the region and [a0, a1) stay the same.
   */
  slowAround(a0: number, a1: number): void {
    const key = this.slowKey;
    if (key[0] === this.version && key[1] === a0 && key[2] === a1) return;
    key[0] = this.version; key[1] = a0; key[2] = a1;
    const F = this.box, rows = (F[3] - F[2]) * (F[5] - F[4]);
    const s = this.fast.spans, L = this.slowLeft.spans, R = this.slowRight.spans;
    for (let q = 0; q < rows; q++) {
      const empty = s[2 * q] >= s[2 * q + 1];
      L[2 * q] = a0;
      L[2 * q + 1] = empty ? a1 : s[2 * q];
      R[2 * q] = empty ? a1 : s[2 * q + 1];
      R[2 * q + 1] = a1;
    }
    this.countCells(this.slowLeft);
    this.countCells(this.slowRight);
  }

  /** Row q of the box: fast [lo, hi) (empty when lo ≥ hi). */
  private setRow(q: number, lo: number, hi: number): void {
    const empty = lo >= hi;
    this.fast.spans[2 * q] = empty ? this.box[0] : lo;
    this.fast.spans[2 * q + 1] = empty ? this.box[0] : hi;
  }

  /** The fast cells per plane and in all, and a new version. */
  private finish(): void {
    this.fastCells = this.countCells(this.fast);
    this.version++;
  }

  /** Spans r's cells per plane of the box (and first plane); returns their sum. */
  private countCells(r: RowSpans): number {
    const F = this.box, nyF = F[3] - F[2], nzF = F[5] - F[4];
    r.k0 = F[4];
    let total = 0;
    for (let k = 0; k < nzF; k++) {
      let cells = 0;
      for (let q = k * nyF; q < (k + 1) * nyF; q++) cells += r.spans[2 * q + 1] - r.spans[2 * q];
      r.planeCells[k] = cells;
      total += cells;
    }
    return total;
  }

  /**
   * Per row q of the box's nyF × nzF rows: the smallest `lo` − e and the largest `hi` + e over
   * the rows at each offset (dj, dk) of a ball of `radius` cells, e its reach (ballOffsets; rows
   * without seeds, hi < 0, and rows off the box add nothing; none: out lo > out hi). `lo` and `hi`
   * of rows without seeds are overwritten.
   */
  private dilate(lo: Int32Array, hi: Int32Array, outLo: Int32Array, outHi: Int32Array, nyF: number, nzF: number, radius: number): void {
    // Rows without seeds far enough out that no offset brings them into a row's range.
    const far = this.nx + 64;
    if (this.ops) return this.ops.dilate(lo, hi, outLo, outHi, nyF, nzF, radius, this.planeRows, far);
    const rows = nyF * nzF, ball = ballOffsets(radius);
    for (let q = 0; q < rows; q++)
      if (hi[q] < 0) {
        lo[q] = far;
        hi[q] = -far;
      }
    const planes = this.planeRows;
    this.rowsHolding(hi, nyF, nzF);
    outLo.fill(far, 0, rows);
    outHi.fill(-far, 0, rows);
    for (let o = 0; o < ball.length; o += 3) {
      const dj = ball[o], dk = ball[o + 1], e = ball[o + 2], shift = dk * nyF + dj;
      for (let k = Math.max(0, -dk), kEnd = Math.min(nzF, nzF - dk); k < kEnd; k++) {
        // Only the rows whose source row lies among its plane's seeded rows.
        const j0 = Math.max(0, planes[2 * (k + dk)] - dj), j1 = Math.min(nyF, planes[2 * (k + dk) + 1] - dj);
        extendRows(lo, hi, outLo, outHi, k * nyF + j0, k * nyF + j1, shift, e);
      }
    }
  }

  /** planeRows ← per plane k of the box, [first, last + 1) of the rows j with hi[q] ≥ 0 (none: [0, 0)). */
  private rowsHolding(hi: Int32Array, nyF: number, nzF: number): void {
    const planes = this.planeRows;
    for (let k = 0; k < nzF; k++) {
      let j0 = 0, j1 = nyF;
      while (j0 < nyF && hi[k * nyF + j0] < 0) j0++;
      while (j1 > j0 && hi[k * nyF + j1 - 1] < 0) j1--;
      planes[2 * k] = j0;
      planes[2 * k + 1] = j1;
    }
  }

  /**
   * coveredLo / coveredHi per row of the box: a seed at i in row q has every cell within the ball
   * fast when coveredLo ≤ i < coveredHi, the largest span lo + e and the smallest span hi − e over
   * the rows at the offsets of a ball of `radius` cells (an empty span, or a row off the box,
   * covers nothing).
   */
  private cover(nyF: number, nzF: number, radius: number): void {
    const { coveredLo, coveredHi, tmpLo: spanLo, tmpHi: spanHi } = this;
    const s = this.fast.spans, rows = nyF * nzF, none = this.nx + 64;
    if (this.ops) return this.ops.cover(s, spanLo, spanHi, coveredLo, coveredHi, nyF, nzF, radius, this.planeRows, none);
    const ball = ballOffsets(radius);
    for (let q = 0; q < rows; q++) {
      const empty = s[2 * q] >= s[2 * q + 1];
      spanLo[q] = empty ? none : s[2 * q];
      spanHi[q] = empty ? -none : s[2 * q + 1];
    }
    // A row within the ball's reach of the box's side has offsets off the box, and a row without
    // a span has none itself: covered nowhere.
    for (let k = 0; k < nzF; k++)
      for (let j = 0, q = k * nyF; j < nyF; j++, q++) {
        const inside = j >= radius && j < nyF - radius && k >= radius && k < nzF - radius;
        coveredLo[q] = inside ? spanLo[q] : none;
        coveredHi[q] = inside ? spanHi[q] : -none;
      }
    const planes = this.planeRows;
    this.rowsHolding(spanHi, nyF, nzF);
    for (let o = 0; o < ball.length; o += 3) {
      const dj = ball[o], dk = ball[o + 1], e = ball[o + 2], shift = dk * nyF + dj;
      // What the rows cover narrows: the same extension with lo and hi in each other's place.
      for (let k = radius; k < nzF - radius; k++)
        extendRows(spanHi, spanLo, coveredHi, coveredLo, k * nyF + Math.max(radius, planes[2 * k]), k * nyF + Math.min(nyF - radius, planes[2 * k + 1]), shift, e);
    }
  }
}

/**
 * Rows [q0, q1): outLo ← min(outLo, lo − e) and outHi ← max(outHi, hi + e), lo and hi read from
 * the row `shift` rows on (assembly/fastRegion.ts extendRows).
 */
function extendRows(lo: Int32Array, hi: Int32Array, outLo: Int32Array, outHi: Int32Array, q0: number, q1: number, shift: number, e: number): void {
  for (let q = q0; q < q1; q++) {
    const l = lo[q + shift] - e, h = hi[q + shift] + e;
    if (l < outLo[q]) outLo[q] = l;
    if (h > outHi[q]) outHi[q] = h;
  }
}

const balls = new Map<number, Int32Array>();

/**
 * The rows (dj, dk) within `radius` cells of a row and each one's reach along i, e =
 * floor(√(radius² − dj² − dk²)), as triples: a ball of cells, the buffer's shape.
 */
function ballOffsets(radius: number): Int32Array {
  let ball = balls.get(radius);
  if (!ball) {
    const triples: number[] = [];
    for (let dk = -radius; dk <= radius; dk++)
      for (let dj = -radius; dj <= radius; dj++) {
        const left = radius * radius - dj * dj - dk * dk;
        if (left >= 0) triples.push(dj, dk, Math.floor(Math.sqrt(left)));
      }
    ball = Int32Array.from(triples);
    balls.set(radius, ball);
  }
  return ball;
}
