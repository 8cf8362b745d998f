import type { InterfaceFaces, RowSpans } from './kernel.ts';

/**
 * The multi-rate fast region as row spans of the fast box F (solver.ts multiRateStep): each row of
 * F steps only the cells within `buffer` cells (in every axis, Chebyshev distance) of a seed cell
 * (frozen, inside an active body, or cut by one), instead of the whole box. The ice ball is
 * roughly an ellipsoid, about half its bounding box: on the liver sample at 1 mm the spans hold
 * 0.75–0.78 of the box's cells (0.67 without the slack below). The rest of each row, with the
 * active box's cells left and right of F (slowAround), is slow: slowLeft / slowRight, the parts of
 * each row left and right of its span (the whole row in slowLeft when the span is empty).
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
 * and the region's upkeep costs its scans, so small boxes (the 2 mm grid's) and little savings do
 * not pay (measured on the liver sample).
 */
export const SPAN_MIN_BOX_CELLS = 32768, SPAN_MAX_SHARE = 0.85;

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

  /** `alloc(n)`: a zeroed Int32Array of n (on the kernel's memory with the wasm kernel). */
  constructor(private readonly nx: number, private readonly ny: number, private readonly nz: number, alloc: (n: number) => Int32Array) {
    const rows = ny * nz;
    const spans = (): RowSpans => ({ spans: alloc(2 * rows), k0: 0, planeCells: new Int32Array(nz) });
    this.fast = spans();
    this.slowLeft = spans();
    this.slowRight = spans();
    this.coveredLo = new Int32Array(rows);
    this.coveredHi = new Int32Array(rows);
    this.seedLo = new Int32Array(rows);
    this.seedHi = new Int32Array(rows);
    this.tmpLo = new Int32Array(rows);
    this.tmpHi = new Int32Array(rows);
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
    const { seedLo, seedHi } = this;
    // Rows within the scanned box: its frozen extents; every row: the probes' cells. None: lo = nx, hi = −1.
    const sj0 = Math.max(F[2], scanned[2]), sj1 = Math.min(F[3], scanned[3]);
    for (let k = F[4], q = 0; k < F[5]; k++) {
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
      for (let q = 0; q < nyF * nzF && covered; q++)
        covered = seedHi[q] < 0 || (seedLo[q] - buffer >= this.coveredLo[q] && seedHi[q] + buffer < this.coveredHi[q]);
      if (covered) return false;
    }
    this.box.set(F);
    this.wholeRows = false;
    // Dilate the seeds by `reach` rows in j, then in k (a square neighbourhood), then in i.
    const reach = buffer + SPAN_SLACK;
    const { tmpLo, tmpHi } = this;
    this.window(seedLo, seedHi, tmpLo, tmpHi, nyF, nzF, reach, true, false);
    this.window(tmpLo, tmpHi, seedLo, seedHi, nyF, nzF, reach, true, true);
    for (let q = 0; q < nyF * nzF; q++) {
      if (seedLo[q] > seedHi[q]) this.setRow(q, F[0], F[0]);
      else this.setRow(q, Math.max(F[0], seedLo[q] - reach), Math.min(F[1], seedHi[q] + 1 + reach));
    }
    this.finish();
    // Spans that save little cost more than they save (shorter rows, a longer interface): whole rows.
    if (this.fastCells > FastRegion.maxShare * (F[1] - F[0]) * nyF * nzF) {
      this.useWholeRows();
      return true;
    }
    // What every span within `buffer` rows covers (empty spans cover nothing).
    const s = this.fast.spans;
    for (let q = 0; q < nyF * nzF; q++) {
      const empty = s[2 * q] >= s[2 * q + 1];
      tmpLo[q] = empty ? nx : s[2 * q];
      tmpHi[q] = empty ? -1 : s[2 * q + 1];
    }
    this.window(tmpLo, tmpHi, seedLo, seedHi, nyF, nzF, buffer, false, false);
    this.window(seedLo, seedHi, this.coveredLo, this.coveredHi, nyF, nzF, buffer, false, true);
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
    const { nx, ny, nz } = this;
    const F = this.box, nyF = F[3] - F[2], s = this.fast.spans;
    const { fast, slow, faceStart } = faces;
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
   * Per row q of an nyF × nzF grid of rows, over the rows within `reach` along j (or along k):
   * `dilate`: out = the min of lo and the max of hi (rows off the grid add nothing); else the
   * max of lo and the min of hi (rows off the grid count as empty: lo = nx, hi = −1).
   */
  private window(lo: Int32Array, hi: Int32Array, outLo: Int32Array, outHi: Int32Array, nyF: number, nzF: number, reach: number, dilate: boolean, alongK: boolean): void {
    const nx = this.nx;
    const n = alongK ? nzF : nyF, stride = alongK ? nyF : 1, lines = alongK ? nyF : nzF, lineStride = alongK ? 1 : nyF;
    for (let line = 0; line < lines; line++) {
      const base = line * lineStride;
      for (let a = 0; a < n; a++) {
        const q = base + a * stride;
        if (!dilate && (a < reach || a + reach >= n)) {
          outLo[q] = nx;
          outHi[q] = -1;
          continue;
        }
        const b0 = Math.max(0, a - reach), b1 = Math.min(n - 1, a + reach);
        let l = dilate ? nx : -1, h = dilate ? -1 : nx;
        if (dilate)
          for (let p = base + b0 * stride, b = b0; b <= b1; b++, p += stride) {
            if (lo[p] < l) l = lo[p];
            if (hi[p] > h) h = hi[p];
          }
        else
          for (let p = base + b0 * stride, b = b0; b <= b1; b++, p += stride) {
            if (lo[p] > l) l = lo[p];
            if (hi[p] < h) h = hi[p];
          }
        outLo[q] = l;
        outHi[q] = h;
      }
    }
  }

}
