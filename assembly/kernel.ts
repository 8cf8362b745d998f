// AssemblyScript source of the WebAssembly SIMD stencil kernel (built by scripts/build-wasm.mjs
// into src/physics/kernelWasm.generated.ts). It is src/physics/kernel.ts's stepBox, operation for
// operation (same order, same roundings, f64 throughout), two cells per f64x2 vector, so both
// kernels give bit-identical fields. Pointers are byte offsets into the imported memory.

// Tissue constants (setModel), see src/physics/tissueModel.ts.
let Ts: f64 = 0;
let Tl: f64 = 0;
let invW: f64 = 0;
let ks: f64 = 0;
let kl: f64 = 0;
let invCs: f64 = 0;
let invCl: f64 = 0;
let mushyB: f64 = 0;
let fourA: f64 = 0;
let Hl: f64 = 0;
let phiL: f64 = 0;
let halfDk: f64 = 0;
let wc: f64 = 0;
let qm: f64 = 0;
let Ta: f64 = 0;

export function setModel(
  ts: f64, tl: f64, invw: f64, k_s: f64, k_l: f64, invcs: f64, invcl: f64, mb: f64, fa: f64, hl: f64, phil: f64,
  hdk: f64, w: f64, q: f64, ta: f64,
): void {
  Ts = ts; Tl = tl; invW = invw; ks = k_s; kl = k_l; invCs = invcs; invCl = invcl; mushyB = mb; fourA = fa;
  Hl = hl; phiL = phil; halfDk = hdk; wc = w; qm = q; Ta = ta;
}

/** One cell, scalar (row ends): returns the source term. */
function cell(c: i32, H: usize, Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, Tmin: usize, nx: i32, nxy: i32, dtOverH2: f64, dtS: f64): f64 {
  const o = (<usize>c) << 3;
  const phiC = load<f64>(phiIn + o);
  const lap = load<f64>(phiIn + o - 8) + load<f64>(phiIn + o + 8) + load<f64>(phiIn + o - ((<usize>nx) << 3)) +
    load<f64>(phiIn + o + ((<usize>nx) << 3)) + load<f64>(phiIn + o - ((<usize>nxy) << 3)) + load<f64>(phiIn + o + ((<usize>nxy) << 3)) -
    6 * phiC;
  const t = load<f64>(Tin + o);
  let fl = (t - Ts) * invW;
  fl = fl <= 0 ? 0 : fl >= 1 ? 1 : fl;
  const source = fl * (wc * (Ta - t) + qm);
  const h = load<f64>(H + o) + dtOverH2 * lap + dtS * source;
  store<f64>(H + o, h);
  let tNew: f64, phiNew: f64;
  if (h <= 0) {
    tNew = Ts + h * invCs;
    phiNew = ks * (tNew - Ts);
  } else if (h >= Hl) {
    tNew = Tl + (h - Hl) * invCl;
    phiNew = phiL + kl * (tNew - Tl);
  } else {
    const d = (2 * h) / (mushyB + Math.sqrt(mushyB * mushyB + fourA * h));
    tNew = Ts + d;
    phiNew = ks * d + halfDk * d * d;
  }
  store<f64>(Tout + o, tNew);
  store<f64>(phiOut + o, phiNew);
  const mo = (<usize>c) << 2;
  if (tNew < <f64>load<f32>(Tmin + mo)) store<f32>(Tmin + mo, <f32>tNew);
  return source;
}

/**
 * Steps the box [i0, i1) × [j0, j1) × [k0, k1) (already clamped to the interior); returns the
 * perfusion + metabolic heat added [J/m³ summed], accumulated in the scalar kernel's order: per
 * z-plane from 0, the plane sums added in k order. Where `sums` ≠ 0 each plane's sum is also
 * stored at sums + 8k (threads step z-slabs and the coordinator adds the planes in order).
 */
export function stepBox(
  H: usize, Tin: usize, phiIn: usize, Tout: usize, phiOut: usize, Tmin: usize,
  nx: i32, ny: i32, i0: i32, i1: i32, j0: i32, j1: i32, k0: i32, k1: i32, dtS: f64, hM: f64, sums: usize,
): f64 {
  const nxy = nx * ny;
  const dtOverH2 = dtS / (hM * hM);
  const sx = (<usize>nx) << 3;
  const sxy = (<usize>nxy) << 3;
  const vTs = f64x2.splat(Ts), vTl = f64x2.splat(Tl), vInvW = f64x2.splat(invW), vks = f64x2.splat(ks), vkl = f64x2.splat(kl);
  const vInvCs = f64x2.splat(invCs), vInvCl = f64x2.splat(invCl), vB = f64x2.splat(mushyB), vBB = f64x2.splat(mushyB * mushyB);
  const vFourA = f64x2.splat(fourA), vHl = f64x2.splat(Hl), vPhiL = f64x2.splat(phiL), vHalfDk = f64x2.splat(halfDk);
  const vwc = f64x2.splat(wc), vqm = f64x2.splat(qm), vTa = f64x2.splat(Ta), vDt = f64x2.splat(dtS), vDtH2 = f64x2.splat(dtOverH2);
  const zero = f64x2.splat(0), one = f64x2.splat(1), two = f64x2.splat(2), six = f64x2.splat(6);
  let total: f64 = 0;
  for (let k = k0; k < k1; k++) {
    let sum: f64 = 0;
    for (let j = j0; j < j1; j++) {
      const row = k * nxy + j * nx;
      let c = row + i0;
      const end = row + i1;
      for (; c + 1 < end; c += 2) {
        const o = (<usize>c) << 3;
        const p = phiIn + o;
        const phiC = v128.load(p);
        const lap = f64x2.sub(
          f64x2.add(f64x2.add(f64x2.add(f64x2.add(f64x2.add(v128.load(p - 8), v128.load(p + 8)), v128.load(p - sx)), v128.load(p + sx)), v128.load(p - sxy)), v128.load(p + sxy)),
          f64x2.mul(six, phiC),
        );
        const t = v128.load(Tin + o);
        const fl = f64x2.pmin(one, f64x2.pmax(zero, f64x2.mul(f64x2.sub(t, vTs), vInvW)));
        const source = f64x2.mul(fl, f64x2.add(f64x2.mul(vwc, f64x2.sub(vTa, t)), vqm));
        sum += f64x2.extract_lane(source, 0);
        sum += f64x2.extract_lane(source, 1);
        const h = f64x2.add(f64x2.add(v128.load(H + o), f64x2.mul(vDtH2, lap)), f64x2.mul(vDt, source));
        v128.store(H + o, h);
        const liquid = f64x2.ge(h, vHl);
        const frozen = f64x2.le(h, zero);
        let tNew: v128, phiNew: v128;
        if (v128.all_true<i64>(liquid)) {
          // Warm tissue, the common case: one linear branch.
          tNew = f64x2.add(vTl, f64x2.mul(f64x2.sub(h, vHl), vInvCl));
          phiNew = f64x2.add(vPhiL, f64x2.mul(vkl, f64x2.sub(tNew, vTl)));
        } else if (v128.all_true<i64>(frozen)) {
          tNew = f64x2.add(vTs, f64x2.mul(h, vInvCs));
          phiNew = f64x2.mul(vks, f64x2.sub(tNew, vTs));
        } else {
          // Mixed or mushy: all three branches, lanes selected (NaNs of unused lanes drop out).
          const tL = f64x2.add(vTl, f64x2.mul(f64x2.sub(h, vHl), vInvCl));
          const pL = f64x2.add(vPhiL, f64x2.mul(vkl, f64x2.sub(tL, vTl)));
          const tS = f64x2.add(vTs, f64x2.mul(h, vInvCs));
          const pS = f64x2.mul(vks, f64x2.sub(tS, vTs));
          const d = f64x2.div(f64x2.mul(two, h), f64x2.add(vB, f64x2.sqrt(f64x2.add(vBB, f64x2.mul(vFourA, h)))));
          const tM = f64x2.add(vTs, d);
          const pM = f64x2.add(f64x2.mul(vks, d), f64x2.mul(f64x2.mul(vHalfDk, d), d));
          tNew = v128.bitselect(tS, v128.bitselect(tL, tM, liquid), frozen);
          phiNew = v128.bitselect(pS, v128.bitselect(pL, pM, liquid), frozen);
        }
        v128.store(Tout + o, tNew);
        v128.store(phiOut + o, phiNew);
        // Tmin (f32): keep the old value unless the new one is lower, then store it rounded.
        const mp = Tmin + ((<usize>c) << 2);
        const old = f64x2.promote_low_f32x4(v128.load64_zero(mp));
        const lower = f64x2.lt(tNew, old);
        if (v128.any_true(lower)) v128.store64_lane(mp, f32x4.demote_f64x2_zero(v128.bitselect(tNew, old, lower)), 0);
      }
      if (c < end) sum += cell(c, H, Tin, phiIn, Tout, phiOut, Tmin, nx, nxy, dtOverH2, dtS);
    }
    if (sums != 0) store<f64>(sums + ((<usize>k) << 3), sum);
    total += sum;
  }
  return total * dtS;
}
