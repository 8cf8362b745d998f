// AssemblyScript source of the WebAssembly SIMD stencil kernel (built by scripts/build-wasm.mjs
// into src/physics/kernelWasm.generated.ts). It is src/physics/kernel.ts's stepBox, operation for
// operation (same order, same roundings): fields and arithmetic in f32, four cells per f32x4
// vector, the perfusion source summed in f32 per row (four lane sums, then the row's tail) and in
// f64 across rows. Both kernels give bit-identical fields. Pointers are byte offsets into the
// imported memory.

// Tissue constants (setModel, rounded to f32 on the call), see src/physics/tissueModel.ts.
let Ts: f32 = 0;
let Tl: f32 = 0;
let invW: f32 = 0;
let ks: f32 = 0;
let kl: f32 = 0;
let invCs: f32 = 0;
let invCl: f32 = 0;
let mushyB: f32 = 0;
let mushyBB: f32 = 0;
let fourA: f32 = 0;
let Hl: f32 = 0;
let phiL: f32 = 0;
let halfDk: f32 = 0;
let wc: f32 = 0;
let wcTaQm: f32 = 0;

export function setModel(
  ts: f32, tl: f32, invw: f32, k_s: f32, k_l: f32, invcs: f32, invcl: f32, mb: f32, mbb: f32, fa: f32, hl: f32, phil: f32,
  hdk: f32, w: f32, wtq: f32,
): void {
  Ts = ts; Tl = tl; invW = invw; ks = k_s; kl = k_l; invCs = invcs; invCl = invcl; mushyB = mb; mushyBB = mbb; fourA = fa;
  Hl = hl; phiL = phil; halfDk = hdk; wc = w; wcTaQm = wtq;
  setVector(V_TS, ts); setVector(V_TL, tl); setVector(V_INV_W, invw); setVector(V_KS, k_s); setVector(V_KL, k_l);
  setVector(V_INV_CS, invcs); setVector(V_INV_CL, invcl); setVector(V_B, mb); setVector(V_BB, mbb); setVector(V_FOUR_A, fa);
  setVector(V_HL, hl); setVector(V_PHI_L, phil); setVector(V_HALF_DK, hdk); setVector(V_WC, w); setVector(V_WC_TA_QM, wtq);
  setVector(V_ZERO, 0); setVector(V_ONE, 1); setVector(V_TWO, 2); setVector(V_SIX, 6);
}

// stepBox's constants as f32x4 vectors in memory, loaded where they are used. Splats of them in
// the loop (Node 20's V8 re-broadcasts a splat at each use and builds a constant vector in three
// instructions) cost 2–12 % of the kernel there. Page 0 of the memory is the module's
// (kernelWasm.ts); the module has no data segments, so an instance made later on a shared memory
// (a slab thread) leaves these bytes alone, and its setModel writes the same values.
const VECTORS: usize = 65536 - 512;
const V_TS = 0, V_TL = 1, V_INV_W = 2, V_KS = 3, V_KL = 4, V_INV_CS = 5, V_INV_CL = 6, V_B = 7, V_BB = 8, V_FOUR_A = 9;
const V_HL = 10, V_PHI_L = 11, V_HALF_DK = 12, V_WC = 13, V_WC_TA_QM = 14, V_ZERO = 15, V_ONE = 16, V_TWO = 17, V_SIX = 18;

function setVector(q: i32, value: f32): void {
  v128.store(VECTORS + ((<usize>q) << 4), f32x4.splat(value));
}

function vector(q: i32): v128 {
  return v128.load(VECTORS + ((<usize>q) << 4));
}

/** Perfusion and metabolism [W/m³] at temperature t, scaled by the liquid fraction (scalar). */
function sourceAt(t: f32): f32 {
  let fl = (t - Ts) * invW;
  fl = fl <= 0 ? 0 : fl >= 1 ? 1 : fl;
  return fl * (wcTaQm - wc * t);
}

/** The same, four cells (lanes) at once. */
function sourceAt4(t: v128, vTs: v128, vInvW: v128, vWcTaQm: v128, vwc: v128, zero: v128, one: v128): v128 {
  const fl = f32x4.pmin(one, f32x4.pmax(zero, f32x4.mul(f32x4.sub(t, vTs), vInvW)));
  return f32x4.mul(fl, f32x4.sub(vWcTaQm, f32x4.mul(vwc, t)));
}

/** One cell, scalar (row tails). */
function cell(c: i32, H: usize, Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, Tmin: usize, nx: i32, nxy: i32, dtOverH2: f32, dtS: f32): void {
  const o = (<usize>c) << 2;
  const phiC = load<f32>(phiIn + o);
  const lap = load<f32>(phiIn + o - 4) + load<f32>(phiIn + o + 4) + load<f32>(phiIn + o - ((<usize>nx) << 2)) +
    load<f32>(phiIn + o + ((<usize>nx) << 2)) + load<f32>(phiIn + o - ((<usize>nxy) << 2)) + load<f32>(phiIn + o + ((<usize>nxy) << 2)) -
    <f32>6 * phiC;
  const t = load<f32>(Tin + o);
  const source = sourceAt(t);
  const h = load<f32>(H + o) + dtOverH2 * lap + dtS * source;
  store<f32>(H + o, h);
  let tNew: f32, phiNew: f32;
  if (h >= Hl) {
    const u = (h - Hl) * invCl;
    tNew = Tl + u;
    phiNew = phiL + kl * u;
  } else if (h <= 0) {
    const u = h * invCs;
    tNew = Ts + u;
    phiNew = ks * u;
  } else {
    const d = (<f32>2 * h) / (mushyB + Mathf.sqrt(mushyBB + fourA * h));
    tNew = Ts + d;
    phiNew = ks * d + halfDk * d * d;
  }
  store<f32>(Tout + o, tNew);
  store<f32>(phiOut + o, phiNew);
  if (tNew < load<f32>(Tmin + o)) store<f32>(Tmin + o, tNew);
}

/**
 * Row (j, k)'s cells [lo, hi) of a region given as row spans (spans ≠ 0: two i32 per row of the box
 * rows [j0, j1) from plane sk0 on; see kernel.ts stepBox), packed as lo | hi << 32, or the box's
 * [i0, i1) (spans = 0).
 */
function rowRange(spans: usize, sk0: i32, j0: i32, j1: i32, j: i32, k: i32, i0: i32, i1: i32): u64 {
  if (spans == 0) return (<u64>(<u32>i0)) | ((<u64>(<u32>i1)) << 32);
  return load<u64>(spans + ((<usize>((k - sk0) * (j1 - j0) + (j - j0))) << 3));
}

/**
 * Steps the box [i0, i1) × [j0, j1) × [k0, k1) (already clamped to the interior) by dtS, or with
 * spans ≠ 0 each row's span of it (rowRange): kernel.ts stepBox's fields, bit for bit. Its source
 * sum is sourceSum's (a separate pass: the sum in the loop held a register and cost one-thread
 * liver runs 5-7 %, and only the energy tally reads it).
 */
export function stepBox(
  H: usize, Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, Tmin: usize,
  nx: i32, ny: i32, i0: i32, i1: i32, j0: i32, j1: i32, k0: i32, k1: i32, dtS: f32, dtOverH2: f32, spans: usize, sk0: i32,
): void {
  const nxy = nx * ny;
  const sx = (<usize>nx) << 2;
  const sxy = (<usize>nxy) << 2;
  const vDt = f32x4.splat(dtS), vDtH2 = f32x4.splat(dtOverH2);
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      const range = rowRange(spans, sk0, j0, j1, j, k, i0, i1);
      const row = k * nxy + j * nx;
      let c = row + <i32>range;
      const end = row + <i32>(range >> 32);
      for (; c + 3 < end; c += 4) {
        const o = (<usize>c) << 2;
        const p = phiIn + o;
        const phiC = v128.load(p);
        const lap = f32x4.sub(
          f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(v128.load(p - 4), v128.load(p + 4)), v128.load(p - sx)), v128.load(p + sx)), v128.load(p - sxy)), v128.load(p + sxy)),
          f32x4.mul(vector(V_SIX), phiC),
        );
        const t = v128.load(Tin + o);
        const source = sourceAt4(t, vector(V_TS), vector(V_INV_W), vector(V_WC_TA_QM), vector(V_WC), vector(V_ZERO), vector(V_ONE));
        const h = f32x4.add(f32x4.add(v128.load(H + o), f32x4.mul(vDtH2, lap)), f32x4.mul(vDt, source));
        v128.store(H + o, h);
        const liquid = f32x4.ge(h, vector(V_HL));
        let tNew: v128, phiNew: v128;
        // All four lanes as a bitmask (Node's V8 tests all_true in seven instructions, this in three).
        if (i32x4.bitmask(liquid) == 15) {
          // Warm tissue, the common case: one linear branch.
          const u = f32x4.mul(f32x4.sub(h, vector(V_HL)), vector(V_INV_CL));
          tNew = f32x4.add(vector(V_TL), u);
          phiNew = f32x4.add(vector(V_PHI_L), f32x4.mul(vector(V_KL), u));
        } else if (i32x4.bitmask(f32x4.le(h, vector(V_ZERO))) == 15) {
          const u = f32x4.mul(h, vector(V_INV_CS));
          tNew = f32x4.add(vector(V_TS), u);
          phiNew = f32x4.mul(vector(V_KS), u);
        } else {
          const frozen = f32x4.le(h, vector(V_ZERO));
          // Mixed or mushy: all three branches, lanes selected (NaNs of unused lanes drop out).
          const uL = f32x4.mul(f32x4.sub(h, vector(V_HL)), vector(V_INV_CL));
          const uS = f32x4.mul(h, vector(V_INV_CS));
          const d = f32x4.div(f32x4.mul(vector(V_TWO), h), f32x4.add(vector(V_B), f32x4.sqrt(f32x4.add(vector(V_BB), f32x4.mul(vector(V_FOUR_A), h)))));
          const tM = f32x4.add(vector(V_TS), d);
          const pM = f32x4.add(f32x4.mul(vector(V_KS), d), f32x4.mul(f32x4.mul(vector(V_HALF_DK), d), d));
          tNew = v128.bitselect(f32x4.add(vector(V_TL), uL), v128.bitselect(f32x4.add(vector(V_TS), uS), tM, frozen), liquid);
          phiNew = v128.bitselect(f32x4.add(vector(V_PHI_L), f32x4.mul(vector(V_KL), uL)), v128.bitselect(f32x4.mul(vector(V_KS), uS), pM, frozen), liquid);
        }
        v128.store(Tout + o, tNew);
        v128.store(phiOut + o, phiNew);
        // Tmin: pmin(old, new) = new < old ? new : old, stored unconditionally (no branch).
        v128.store(Tmin + o, f32x4.pmin(v128.load(Tmin + o), tNew));
      }
      for (; c < end; c++) cell(c, H, Tin, phiIn, Tout, phiOut, Tmin, nx, nxy, dtOverH2, dtS);
    }
  }
}

/**
 * The perfusion + metabolic heat stepBox adds to the box by stepping Tin by dtS [J/m³ summed], in
 * kernel.ts's order: per row four f32 lane sums (cell i0 + 4n + l in lane l) added as
 * (l0 + l1) + (l2 + l3), then the tail cells (rows as stepBox takes them); the row sums added
 * in f64 per z-plane from 0, the plane sums in k order, × dtS. Where `sums` ≠ 0 each plane's sum is also stored at sums + 8k
 * (threads step z-slabs; the coordinator adds in order). Reads Tin only.
 */
export function sourceSum(Tin: usize, nx: i32, ny: i32, i0: i32, i1: i32, j0: i32, j1: i32, k0: i32, k1: i32, dtS: f32, sums: usize, spans: usize, sk0: i32): f64 {
  const nxy = nx * ny;
  const vTs = f32x4.splat(Ts), vInvW = f32x4.splat(invW), vwc = f32x4.splat(wc), vWcTaQm = f32x4.splat(wcTaQm);
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let total: f64 = 0;
  for (let k = k0; k < k1; k++) {
    let plane: f64 = 0;
    for (let j = j0; j < j1; j++) {
      const range = rowRange(spans, sk0, j0, j1, j, k, i0, i1);
      const row = k * nxy + j * nx;
      let c = row + <i32>range;
      const end = row + <i32>(range >> 32);
      let acc = zero;
      for (; c + 3 < end; c += 4) acc = f32x4.add(acc, sourceAt4(v128.load(Tin + ((<usize>c) << 2)), vTs, vInvW, vWcTaQm, vwc, zero, one));
      let rowSum: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; c < end; c++) rowSum += sourceAt(load<f32>(Tin + ((<usize>c) << 2)));
      plane += <f64>rowSum;
    }
    if (sums != 0) store<f64>(sums + ((<usize>k) << 3), plane);
    total += plane;
  }
  return total * <f64>dtS;
}

// Bounding box of the frozen cells (frozenBounds), read back with frozenBound(0…5).
let bI0: i32 = 0, bI1: i32 = 0, bJ0: i32 = 0, bJ1: i32 = 0, bK0: i32 = 0, bK1: i32 = 0;

export function frozenBound(a: i32): i32 {
  return a == 0 ? bI0 : a == 1 ? bI1 : a == 2 ? bJ0 : a == 3 ? bJ1 : a == 4 ? bK0 : bK1;
}

/**
 * The bounding box of the cells with T < Ts in [i0, i1) × [j0, j1) × [k0, k1) as
 * [i_lo, i_hi, j_lo, j_hi, k_lo, k_hi] (inclusive; see frozenBound), or 0 when there are none:
 * the solver's multi-rate fast-box scan (kernel.ts frozenBounds does the same in TypeScript),
 * four cells per comparison. With rows ≠ 0 each scanned row's first and last such i (or −1, −1)
 * is also stored as two i32 at rows + 8·(k·ny + j).
 */
export function frozenBounds(T: usize, nx: i32, ny: i32, i0: i32, i1: i32, j0: i32, j1: i32, k0: i32, k1: i32, rows: usize): i32 {
  const nxy = nx * ny;
  const vTs = f32x4.splat(Ts);
  let bi0 = i1, bi1 = -1, bj0 = j1, bj1 = -1, bk0 = k1, bk1 = -1;
  for (let k = k0; k < k1; k++)
    for (let j = j0; j < j1; j++) {
      const row = k * nxy + j * nx;
      const end = row + i1;
      let lo = -1;
      let c = row + i0;
      for (; c + 3 < end; c += 4) if (v128.any_true(f32x4.lt(v128.load(T + ((<usize>c) << 2)), vTs))) break;
      for (; c < end; c++) if (load<f32>(T + ((<usize>c) << 2)) < Ts) { lo = c; break; }
      const at = rows + ((<usize>(k * ny + j)) << 3);
      if (lo < 0) {
        if (rows != 0) store<u64>(at, <u64>-1);
        continue;
      }
      let hi = lo;
      let e = end - 4;
      for (; e > lo; e -= 4) if (v128.any_true(f32x4.lt(v128.load(T + ((<usize>e) << 2)), vTs))) break;
      for (let x = min(e + 3, end - 1); x > lo; x--) if (load<f32>(T + ((<usize>x) << 2)) < Ts) { hi = x; break; }
      if (rows != 0) {
        store<i32>(at, lo - row);
        store<i32>(at, hi - row, 4);
      }
      if (lo - row < bi0) bi0 = lo - row;
      if (hi - row > bi1) bi1 = hi - row;
      if (j < bj0) bj0 = j;
      if (j > bj1) bj1 = j;
      if (k < bk0) bk0 = k;
      if (k > bk1) bk1 = k;
    }
  if (bi1 < 0) return 0;
  bI0 = bi0; bI1 = bi1; bJ0 = bj0; bJ1 = bj1; bK0 = bk0; bK1 = bk1;
  return 1;
}

/**
 * The cells of T with !(T > level) (the count of metrics.ts isothermMetricsAt: cells at or below
 * the level, and NaN) over the whole grid: returns how many, their inclusive index box readable
 * with frozenBound(0…5). `level` is the f32 that decides the same comparisons as the f64 level
 * (the largest f32 not above it; WasmKernel.coldCells), four cells per comparison. With rows ≠ 0
 * each row's first and last such i (or −1, −1) is stored at rows + 8·(k·ny + j); with `within`
 * only the cells of each row between the first and last stored there are looked at (a lower
 * level's cells lie among a higher level's).
 */
export function coldCells(T: usize, nx: i32, ny: i32, nz: i32, level: f32, rows: usize, within: bool): i32 {
  const nxy = nx * ny;
  const vL = f32x4.splat(level);
  let count = 0, bi0 = nx, bi1 = -1, bj0 = ny, bj1 = -1, bk0 = nz, bk1 = -1;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const at = rows + ((<usize>(k * ny + j)) << 3);
      const row = k * nxy + j * nx;
      let c = row, end = row + nx;
      if (within) {
        const first = load<i32>(at);
        if (first < 0) continue;
        c = row + first;
        end = row + load<i32>(at, 4) + 1;
      }
      let rowCount = 0, lo = -1, hi = -1;
      for (; c + 3 < end; c += 4) {
        const bits = i32x4.bitmask(v128.not(f32x4.gt(v128.load(T + ((<usize>c) << 2)), vL)));
        if (bits == 0) continue;
        rowCount += popcnt(bits);
        if (lo < 0) lo = c - row + ctz(bits);
        hi = c - row + 31 - clz(bits);
      }
      for (; c < end; c++) {
        if (load<f32>(T + ((<usize>c) << 2)) > level) continue;
        rowCount++;
        if (lo < 0) lo = c - row;
        hi = c - row;
      }
      if (rows != 0 && !within) {
        store<i32>(at, lo);
        store<i32>(at, hi, 4);
      }
      if (rowCount == 0) continue;
      count += rowCount;
      if (lo < bi0) bi0 = lo;
      if (hi > bi1) bi1 = hi;
      if (j < bj0) bj0 = j;
      if (j > bj1) bj1 = j;
      if (k < bk0) bk0 = k;
      if (k > bk1) bk1 = k;
    }
  bI0 = bi0; bI1 = bi1; bJ0 = bj0; bJ1 = bj1; bK0 = bk0; bK1 = bk1;
  return count;
}

/**
 * Every f-th cell of `field` on each axis (mx × my × mz of them) in hundredths of a degree:
 * floor(v·100 + 0.5) in f64, as engine/stream.ts did in JavaScript (values within ±327 °C).
 */
export function decimate(field: usize, nx: i32, ny: i32, f: i32, mx: i32, my: i32, mz: i32, out: usize): void {
  let o: usize = out;
  const hundred = f64x2.splat(100), half = f64x2.splat(0.5);
  for (let k = 0; k < mz; k++)
    for (let j = 0; j < my; j++) {
      let c = nx * (f * j + ny * f * k);
      let i = 0;
      if (f == 1) {
        for (; i + 3 < mx; i += 4, c += 4) {
          const v = v128.load(field + ((<usize>c) << 2));
          const lo = i32x4.trunc_sat_f64x2_s_zero(f64x2.floor(f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), hundred), half)));
          const hi = i32x4.trunc_sat_f64x2_s_zero(f64x2.floor(f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), hundred), half)));
          v128.store64_lane(o, i16x8.narrow_i32x4_s(i32x4.shuffle(lo, hi, 0, 1, 4, 5), lo), 0);
          o += 8;
        }
      }
      for (; i < mx; i++, c += f) {
        store<i16>(o, <i16><i32>Math.floor(<f64>load<f32>(field + ((<usize>c) << 2)) * 100 + 0.5));
        o += 2;
      }
    }
}

// Multi-rate interface bookkeeping (solver.ts multiRateStep; kernel.ts has the same loops in
// TypeScript). The ring: slow cells slow[r] (i32) next to the fast region, ringT, ringPhi f64 per
// ring cell; its faces q in [faceStart[r], faceStart[r + 1]) couple it to fast cells fast[q] (i32),
// phi0, acc f64 per face. Same f64 operations in the same order as the TypeScript loops.

/** At the macro step's start: phi0[q] = φ(fast[q]) at t, acc[q] = 0. */
export function startFaces(phi: usize, fast: usize, phi0: usize, acc: usize, n: i32): void {
  for (let q = 0; q < n; q++) {
    const o = (<usize>q) << 3;
    const c = <usize>load<i32>(fast + ((<usize>q) << 2));
    store<f64>(phi0 + o, <f64>load<f32>(phi + (c << 2)));
    store<f64>(acc + o, 0);
  }
}

/** After each fast substep but the last: acc[q] += φ(fast[q]) − phi0[q]. */
export function accumulateFaces(phi: usize, fast: usize, phi0: usize, acc: usize, n: i32): void {
  for (let q = 0; q < n; q++) {
    const o = (<usize>q) << 3;
    const c = <usize>load<i32>(fast + ((<usize>q) << 2));
    store<f64>(acc + o, load<f64>(acc + o) + (<f64>load<f32>(phi + (c << 2)) - load<f64>(phi0 + o)));
  }
}

/**
 * After the slow step: keep each ring cell's new T, φ (Out) in ringT, ringPhi and hold the cell at
 * its value at t (In) in the Out buffers too, for the fast substeps.
 */
export function holdRing(Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, slow: usize, ringT: usize, ringPhi: usize, n: i32): void {
  for (let q = 0; q < n; q++) {
    const o = (<usize>q) << 3;
    const c = (<usize>load<i32>(slow + ((<usize>q) << 2))) << 2;
    store<f64>(ringT + o, <f64>load<f32>(Tout + c));
    store<f64>(ringPhi + o, <f64>load<f32>(phiOut + c));
    store<f32>(Tout + c, load<f32>(Tin + c));
    store<f32>(phiOut + c, load<f32>(phiIn + c));
  }
}

/** After the fast substeps: the ring cells back to their slow-step values (into T, φ). */
export function restoreRing(T: usize, phi: usize, slow: usize, ringT: usize, ringPhi: usize, n: i32): void {
  for (let q = 0; q < n; q++) {
    const o = (<usize>q) << 3;
    const c = (<usize>load<i32>(slow + ((<usize>q) << 2))) << 2;
    store<f32>(T + c, <f32>load<f64>(ringT + o));
    store<f32>(phi + c, <f32>load<f64>(ringPhi + o));
  }
}

/**
 * Copies the box [i0, i1) × [j0, j1) × [k0, k1) of two fields (from → to, from2 → to2), a row at a
 * time, or each row's span of it (spans ≠ 0, as stepBox).
 */
export function copyBox(
  from: usize, to: usize, from2: usize, to2: usize, nx: i32, ny: i32, i0: i32, i1: i32, j0: i32, j1: i32, k0: i32, k1: i32, spans: usize, sk0: i32,
): void {
  for (let k = k0; k < k1; k++)
    for (let j = j0; j < j1; j++) {
      const range = rowRange(spans, sk0, j0, j1, j, k, i0, i1);
      const lo = <i32>range, hi = <i32>(range >> 32);
      if (lo >= hi) continue;
      const o = (<usize>(k * nx * ny + j * nx + lo)) << 2;
      const bytes = (<usize>(hi - lo)) << 2;
      memory.copy(to + o, from + o, bytes);
      memory.copy(to2 + o, from2 + o, bytes);
    }
}

// The tissue model in f64 (setModel64), as src/physics/tissueModel.ts computes it, operation for
// operation, for the per-step work around the kernel (cut faces, walls, vessel faces, fixed
// cells, reflux): the same numbers as the solver's TypeScript loops, bit for bit.
let mTs: f64 = 0, mTl: f64 = 0, mInvW: f64 = 0, mks: f64 = 0, mkl: f64 = 0, mCs: f64 = 0, mCl: f64 = 0;
let mB: f64 = 0, mA: f64 = 0, mHl: f64 = 0, mPhiL: f64 = 0, mRestC: f64 = 0;

export function setModel64(ts: f64, tl: f64, invw: f64, k_s: f64, k_l: f64, cs: f64, cl: f64, b: f64, a: f64, hl: f64, phil: f64, restC: f64): void {
  mTs = ts; mTl = tl; mInvW = invw; mks = k_s; mkl = k_l; mCs = cs; mCl = cl; mB = b; mA = a; mHl = hl; mPhiL = phil; mRestC = restC;
}

function enthalpyOf(T: f64): f64 {
  if (T <= mTs) return mCs * (T - mTs);
  if (T >= mTl) return mHl + mCl * (T - mTl);
  const d = T - mTs;
  return mB * d + mA * d * d;
}

function temperatureOf(H: f64): f64 {
  if (H <= 0) return mTs + H / mCs;
  if (H >= mHl) return mTl + (H - mHl) / mCl;
  return mTs + (2 * H) / (mB + Math.sqrt(mB * mB + 4 * mA * H));
}

function kirchhoffOf(T: f64): f64 {
  if (T <= mTs) return mks * (T - mTs);
  if (T >= mTl) return mPhiL + mkl * (T - mTl);
  const d = T - mTs;
  return mks * d + 0.5 * (mkl - mks) * d * d * mInvW;
}

function conductivityOf(T: f64): f64 {
  if (T <= mTs) return mks;
  if (T >= mTl) return mkl;
  return mks + (mkl - mks) * (T - mTs) * mInvW;
}

function capacityOf(T: f64): f64 {
  if (T < mTs) return mCs;
  if (T > mTl) return mCl;
  return mB + 2 * mA * (T - mTs);
}

/** H and Tmin of the cut-face cells before the kernel step, as pairs: oldH[2i], oldH[2i + 1]. */
export function saveCutH(H: usize, Tmin: usize, cells: usize, oldH: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = (<usize>load<i32>(cells + ((<usize>i) << 2))) << 2;
    const o = oldH + ((<usize>i) << 4);
    store<f64>(o, <f64>load<f32>(H + c));
    store<f64>(o + 8, <f64>load<f32>(Tmin + c));
  }
}

/**
 * solver.ts cutCellStep: backward Euler in a cut cell's body coupling, the same operations (60
 * iterations and 1e-3 J/m³ are its CUT_SOLVE_ITERATIONS and CUT_SOLVE_TOLERANCE_J_M3).
 */
function cutCellStep(hOld: f64, tOld: f64, dtS: f64, rateDrive: f64, conductance: f64): f64 {
  const slope = conductivityOf(tOld) / capacityOf(tOld);
  let x = (dtS * rateDrive) / (1 + dtS * slope * conductance);
  const t1 = temperatureOf(hOld + x);
  if ((tOld < mTs && t1 <= mTs) || (tOld > mTl && t1 >= mTl)) return x;
  const a = dtS * rateDrive, b = dtS * conductance;
  const phiOld = kirchhoffOf(temperatureOf(hOld));
  let lo: f64 = -Infinity, hi: f64 = Infinity;
  for (let it = 0; it < 60; it++) {
    const t = temperatureOf(hOld + x);
    const r = x - a + b * (kirchhoffOf(t) - phiOld);
    if (Math.abs(r) <= 1e-3) break;
    if (r > 0) hi = x;
    else lo = x;
    let next = x - r / (1 + b * (conductivityOf(t) / capacityOf(t)));
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    x = next;
  }
  return x;
}

/**
 * solver.ts applyCutFaces: after the kernel step, each cut cell's regular conduction across its
 * blocked faces is swapped for the implicit coupling to the body surface (cutCellStep). Returns
 * the heat taken by the bodies [J/m³ summed] (the solver multiplies by the cell volume); where `heat` ≠ 0
 * each cell's share is also stored at heat + 8i (threads apply their slabs' cells and the
 * coordinator sums the shares in list order, the same sum).
 */
export function cutFaces(
  H: usize, Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, Tmin: usize, fixedKind: usize,
  cells: usize, faceStart: usize, neighbour: usize, inverseDistance2: usize, blockedShare: usize, surfacePhi: usize, oldH: usize,
  n: i32, dtS: f64, invH2: f64, heat: usize,
): f64 {
  let probeHeat: f64 = 0;
  for (let i = 0; i < n; i++) {
    const c = (<usize>load<i32>(cells + ((<usize>i) << 2))) << 2;
    const hOld = load<f64>(oldH + ((<usize>i) << 4));
    const phiC = <f64>load<f32>(phiIn + c);
    let rate = (<f64>load<f32>(H + c) - hOld) / dtS;
    let drive: f64 = 0, conductance: f64 = 0, toInside: f64 = 0;
    const q1 = load<i32>(faceStart + ((<usize>(i + 1)) << 2));
    for (let q = load<i32>(faceStart + ((<usize>i) << 2)); q < q1; q++) {
      const o = (<usize>q) << 3;
      const nb = <usize>load<i32>(neighbour + ((<usize>q) << 2));
      const blocked = load<f64>(blockedShare + o);
      const inv = load<f64>(inverseDistance2 + o);
      const regular = (<f64>load<f32>(phiIn + (nb << 2)) - phiC) * invH2;
      rate -= blocked * regular;
      if (load<u8>(fixedKind + nb) == 2) toInside += (1 - blocked) * regular;
      drive += (load<f64>(surfacePhi + o) - phiC) * inv;
      conductance += inv;
    }
    const dH = cutCellStep(hOld, <f64>load<f32>(Tin + c), dtS, rate + drive, conductance);
    const cellHeat = dH - dtS * rate + dtS * toInside;
    probeHeat += cellHeat;
    if (heat != 0) store<f64>(heat + ((<usize>i) << 3), cellHeat);
    const h = hOld + dH;
    store<f32>(H + c, <f32>h);
    const tNew = temperatureOf(h);
    store<f32>(Tout + c, <f32>tNew);
    store<f32>(phiOut + c, <f32>kirchhoffOf(tNew));
    // The kernel's trial value (regular faces into the body) is no temperature the cell had.
    const tMin = load<f64>(oldH + ((<usize>i) << 4) + 8);
    store<f32>(Tmin + c, <f32>(tNew < tMin ? tNew : tMin));
  }
  return probeHeat;
}

/** The index of the p-th face: only[p] when a subset is given (only ≠ 0), else p. */
function faceAt(only: usize, p: i32): usize {
  return only != 0 ? <usize>load<i32>(only + ((<usize>p) << 2)) : <usize>p;
}

/**
 * solver.ts applyWallFaces: the conduction from each tissue cell to its walled vessel neighbour is
 * replaced by the wall in series with half a cell. `only`: indices of the faces to apply (0: all).
 */
export function wallFaces(
  H: usize, Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, Tmin: usize, fixedKind: usize,
  cell: usize, vessel: usize, U: usize, bloodC: usize, only: usize, count: i32, dtS: f64, invH2: f64, hM: f64,
): void {
  for (let p = 0; p < count; p++) {
    const q = faceAt(only, p);
    const ci = <usize>load<i32>(cell + (q << 2));
    if (load<u8>(fixedKind + ci) != 0) continue;
    const c = ci << 2;
    const regular = (<f64>load<f32>(phiIn + ((<usize>load<i32>(vessel + (q << 2))) << 2)) - <f64>load<f32>(phiIn + c)) * invH2;
    const t = <f64>load<f32>(Tin + c);
    const k = conductivityOf(t);
    const u = 1 / (1 / load<f64>(U + (q << 3)) + (0.5 * hM) / k);
    const wall = (u * (load<f64>(bloodC + (q << 3)) - t)) / hM;
    const h = <f64>load<f32>(H + c) + dtS * (wall - regular);
    store<f32>(H + c, <f32>h);
    const tNew = temperatureOf(h);
    store<f32>(Tout + c, <f32>tNew);
    store<f32>(phiOut + c, <f32>kirchhoffOf(tNew));
    if (tNew < <f64>load<f32>(Tmin + c)) store<f32>(Tmin + c, <f32>tNew);
  }
}

/** φ of cell c as f64 (as a TypeScript Float32Array read gives it). */
function phiAt(phi: usize, c: i32): f64 {
  return <f64>load<f32>(phi + ((<usize>c) << 2));
}

/**
 * solver.ts fixedCellInflow's outer layer: Σ (φ(outer cell) − φ(inner neighbour)) / h² over the
 * outer-layer faces of free cells that the box [i0, i1) × [j0, j1) × [k0, k1) reaches, in the
 * TypeScript loops' order (x faces by rows, then y, then z), so the sum is the same to the bit.
 */
export function outerInflow(phi: usize, fixedKind: usize, nx: i32, ny: i32, nz: i32, i0: i32, i1: i32, j0: i32, j1: i32, k0: i32, k1: i32, invH2: f64): f64 {
  const nxy = nx * ny;
  let sum: f64 = 0;
  const xLo = i0 == 1, xHi = i1 == nx - 1, yLo = j0 == 1, yHi = j1 == ny - 1, zLo = k0 == 1, zHi = k1 == nz - 1;
  if (xLo || xHi)
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++) {
        const row = k * nxy + j * nx;
        if (xLo && load<u8>(fixedKind + <usize>(row + 1)) == 0) sum += (phiAt(phi, row) - phiAt(phi, row + 1)) * invH2;
        if (xHi && load<u8>(fixedKind + <usize>(row + nx - 2)) == 0) sum += (phiAt(phi, row + nx - 1) - phiAt(phi, row + nx - 2)) * invH2;
      }
  if (yLo || yHi)
    for (let k = k0; k < k1; k++)
      for (let i = i0; i < i1; i++) {
        const lo = k * nxy + nx + i, hi = k * nxy + (ny - 2) * nx + i;
        if (yLo && load<u8>(fixedKind + <usize>lo) == 0) sum += (phiAt(phi, lo - nx) - phiAt(phi, lo)) * invH2;
        if (yHi && load<u8>(fixedKind + <usize>hi) == 0) sum += (phiAt(phi, hi + nx) - phiAt(phi, hi)) * invH2;
      }
  if (zLo || zHi)
    for (let j = j0; j < j1; j++)
      for (let i = i0; i < i1; i++) {
        const lo = nxy + j * nx + i, hi = (nz - 2) * nxy + j * nx + i;
        if (zLo && load<u8>(fixedKind + <usize>lo) == 0) sum += (phiAt(phi, lo - nxy) - phiAt(phi, lo)) * invH2;
        if (zHi && load<u8>(fixedKind + <usize>hi) == 0) sum += (phiAt(phi, hi + nxy) - phiAt(phi, hi)) * invH2;
      }
  return sum;
}

/**
 * solver.ts fixedCellInflow's vessel part: `sum` plus the flux into each free tissue cell from its
 * vessel neighbour [W/m³] (through the wall where there is one), in face order.
 */
export function vesselInflow(
  Tin: usize, phiIn: usize, fixedKind: usize, vessel: usize, tissue: usize, wallH: usize, bloodC: usize,
  only: usize, count: i32, sum: f64, invH2: f64, hM: f64,
): f64 {
  for (let p = 0; p < count; p++) {
    const q = faceAt(only, p);
    const n = <usize>load<i32>(tissue + (q << 2));
    if (load<u8>(fixedKind + n) != 0) continue;
    const w = load<f64>(wallH + (q << 3));
    if (w == 0) sum += (<f64>load<f32>(phiIn + ((<usize>load<i32>(vessel + (q << 2))) << 2)) - <f64>load<f32>(phiIn + (n << 2))) * invH2;
    else {
      const t = <f64>load<f32>(Tin + (n << 2));
      const k = conductivityOf(t);
      const u = 1 / (1 / w + (0.5 * hM) / k);
      sum += (u * (load<f64>(bloodC + (q << 3)) - t)) / hM;
    }
  }
  return sum;
}

/** solver.ts resetFixed's cells inside active bodies: held at their surface temperature. */
export function resetInside(H: usize, Tout: usize, phiOut: usize, Tmin: usize, cells: usize, values: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = (<usize>load<i32>(cells + ((<usize>i) << 2))) << 2;
    const t = load<f64>(values + ((<usize>i) << 3));
    store<f32>(H + c, <f32>enthalpyOf(t));
    store<f32>(Tout + c, <f32>t);
    store<f32>(phiOut + c, <f32>kirchhoffOf(t));
    if (t < <f64>load<f32>(Tmin + c)) store<f32>(Tmin + c, <f32>t);
  }
}

/**
 * solver.ts resetFixed's vessel cells: held at blood temperature, their minimum reset to
 * min(rest, blood) (the kernel stepped them first; its trial value is no temperature they had).
 */
export function resetVessels(H: usize, Tout: usize, phiOut: usize, Tmin: usize, cells: usize, blood: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = (<usize>load<i32>(cells + ((<usize>i) << 2))) << 2;
    const t = load<f64>(blood + ((<usize>i) << 3));
    store<f32>(H + c, <f32>enthalpyOf(t));
    store<f32>(Tout + c, <f32>t);
    store<f32>(phiOut + c, <f32>kirchhoffOf(t));
    store<f32>(Tmin + c, <f32>Math.min(mRestC, t));
  }
}

/**
 * solver.ts multiRateStep's reflux into ring cells [r0, r1): each free slow cell of the interface
 * takes w·Σ acc over its faces [faceStart[r], faceStart[r + 1]) (what the fast region's substeps
 * passed through them beyond the slow step's estimate).
 */
export function reflux(H: usize, T: usize, phi: usize, Tmin: usize, fixedKind: usize, slow: usize, faceStart: usize, acc: usize, r0: i32, r1: i32, w: f64): void {
  for (let r = r0; r < r1; r++) {
    const s = <usize>load<i32>(slow + ((<usize>r) << 2));
    const q1 = load<i32>(faceStart + ((<usize>r) << 2), 4);
    let a = 0.0;
    for (let q = load<i32>(faceStart + ((<usize>r) << 2)); q < q1; q++) a += load<f64>(acc + ((<usize>q) << 3));
    if (load<u8>(fixedKind + s) != 0 || a == 0) continue;
    const c = s << 2;
    const hNew = <f64>load<f32>(H + c) + w * a;
    store<f32>(H + c, <f32>hNew);
    const tNew = temperatureOf(hNew);
    store<f32>(T + c, <f32>tNew);
    store<f32>(phi + c, <f32>kirchhoffOf(tNew));
    if (tNew < <f64>load<f32>(Tmin + c)) store<f32>(Tmin + c, <f32>tNew);
  }
}

// Marching tetrahedra on the solver's fields (frames, the margin's surface).
export { isosurface, isoLayout } from './isosurface';

// Nearest-triangle distances on a bucket grid (the margin metric).
export { triIndexBuild, triIndexNearest, triIndexNearestTriangle } from './triangleIndex';

// The multi-rate fast region's upkeep (seeds, coverage, the ball's dilation).
export { regionSeeds, regionCovered, regionDilate, regionCover, regionInterface } from './fastRegion';
