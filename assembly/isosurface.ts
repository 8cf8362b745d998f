// Marching tetrahedra in WebAssembly: src/geometry/marchingCubes.ts's isosurface, operation for
// operation (the same cube and tetrahedron order, the same f64 arithmetic and f32 / i8 roundings),
// so both give the same buffers bit for bit. The solver calls it on its own fields (the frames'
// shells, the margin's lethal surface); the comments there explain the method. Pointers are byte
// offsets into the imported memory; everything lives in one scratch region the caller lends.

// The call's state (the TypeScript version's module variables).
let vertexCount: i32 = 0;
let indexCount: i32 = 0;
let vertexCapacity: i32 = 0;
let indexCapacity: i32 = 0;
let overflow = false;
let cubeI: i32 = 0, cubeJ: i32 = 0, cubeK: i32 = 0, gridNx: i32 = 0, gridNy: i32 = 0, gridNz: i32 = 0;
let fieldAt: usize = 0;
// Scratch: the cube's corner values, positions and gradients, the tetrahedron's edge vertices.
let valAt: usize = 0, cposAt: usize = 0, gradAt: usize = 0, evAt: usize = 0, evVertexAt: usize = 0;
// Outputs: positions (f32 xyz), gradients then normals (f32 xyz, then i8 xyz in place), edge keys, indices.
let posAt: usize = 0, nrmAt: usize = 0, keyAt: usize = 0, idxAt: usize = 0;
// Vertex of each grid edge of the current cube slab's lower and upper planes (never cleared: a
// stale entry is a vertex of this call with the edge's key, or fails that check); row value ranges.
let edgesLo: usize = 0, edgesHi: usize = 0, rowLoAt: usize = 0, rowHiAt: usize = 0;
// Which of the cube's corner gradients are computed (bit c); 1 / h and 1 / 2h [1/mm].
let gradMask: i32 = 0;
let invH: f64 = 0, inv2H: f64 = 0;
// Vertices whose stored gradient is zero or not finite: emit gives them a face normal (rare, so
// emit looks only while there are any).
let flatVertices: i32 = 0;
// Per cube row: each x's "at or above the level" bit of its four cell rows, 32 cells a word.
let bitsAt: usize = 0;

/**
 * The field's gradient at cube corner c into grad[3c …]: central differences, one-sided at the
 * border. Only a new vertex needs it (each corner once per cube at most).
 */
function cornerGradient(c: i32): void {
  gradMask |= 1 << c;
  const ci = cubeI + (c & 1), cj = cubeJ + ((c >> 1) & 1), ck = cubeK + ((c >> 2) & 1);
  const sy = gridNx, sz = gridNx * gridNy;
  const idx = ci + cj * sy + ck * sz;
  const g = gradAt + ((<usize>(c * 3)) << 3);
  const field = fieldAt;
  store<f64>(g, ci == 0 ? (f32At(field, idx + 1) - f32At(field, idx)) * invH
    : ci == gridNx - 1 ? (f32At(field, idx) - f32At(field, idx - 1)) * invH
      : (f32At(field, idx + 1) - f32At(field, idx - 1)) * inv2H);
  store<f64>(g + 8, cj == 0 ? (f32At(field, idx + sy) - f32At(field, idx)) * invH
    : cj == gridNy - 1 ? (f32At(field, idx) - f32At(field, idx - sy)) * invH
      : (f32At(field, idx + sy) - f32At(field, idx - sy)) * inv2H);
  store<f64>(g + 16, ck == 0 ? (f32At(field, idx + sz) - f32At(field, idx)) * invH
    : ck == gridNz - 1 ? (f32At(field, idx) - f32At(field, idx - sz)) * invH
      : (f32At(field, idx + sz) - f32At(field, idx - sz)) * inv2H);
}

/**
 * Bits of one cell row (nx cells from `row`): bit x of word x >> 5 set where the value is ≥ the
 * level, i.e. ≥ `l32` (the least f32 ≥ the level; NaN never is), OR-ed (or AND-ed) into `out`.
 */
function rowBits(row: usize, nx: i32, l32: f32, out: usize, and: bool): void {
  const vl = f32x4.splat(l32);
  const words = (nx + 31) >> 5;
  for (let w = 0; w < words; w++) {
    let bits: u32 = 0;
    const x0 = w << 5;
    const x1 = min(x0 + 32, nx);
    let x = x0;
    for (; x + 3 < x1; x += 4) bits |= (<u32>i32x4.bitmask(f32x4.ge(v128.load(row + ((<usize>x) << 2)), vl))) << (x - x0);
    for (; x < x1; x++) if (load<f32>(row + ((<usize>x) << 2)) >= l32) bits |= (<u32>1) << (x - x0);
    const at = out + ((<usize>w) << 2);
    store<u32>(at, and ? load<u32>(at) & bits : load<u32>(at) | bits);
  }
}

/** After a call: the vertex count (0), index count (1), and the offsets of positions (2), normals (3), indices (4). */
export function isoLayout(a: i32): i32 {
  return a == 0 ? vertexCount : a == 1 ? indexCount : a == 2 ? <i32>posAt : a == 3 ? <i32>nrmAt : <i32>idxAt;
}

function f32At(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + ((<usize>i) << 2));
}

function val(c: i32): f64 {
  return load<f64>(valAt + ((<usize>c) << 3));
}

function cpos(i: i32): f64 {
  return load<f64>(cposAt + ((<usize>i) << 3));
}

function grad(i: i32): f64 {
  return load<f64>(gradAt + ((<usize>i) << 3));
}

function ev(i: i32): f64 {
  return load<f64>(evAt + ((<usize>i) << 3));
}

function setEv(i: i32, v: f64): void {
  store<f64>(evAt + ((<usize>i) << 3), v);
}

function edgeVertex(s: i32, a: i32, b: i32, level: f64): void {
  const lo = (a & b) == a ? a : b, hi = lo == a ? b : a;
  const li = cubeI + (lo & 1), lj = cubeJ + ((lo >> 1) & 1), lk = cubeK + (lo >> 2);
  const slot = (li + gridNx * lj) * 8 + (hi ^ lo);
  const key = ((lk * gridNy + lj) * gridNx + li) * 8 + (hi ^ lo);
  const edges = lo >> 2 ? edgesHi : edgesLo;
  const known = load<i32>(edges + ((<usize>slot) << 2));
  const o = s * 3;
  if (known >= 0 && known < vertexCount && load<i32>(keyAt + ((<usize>known) << 2)) == key) {
    store<i32>(evVertexAt + ((<usize>s) << 2), known);
    const p = known * 3;
    setEv(o, f32At(posAt, p)); setEv(o + 1, f32At(posAt, p + 1)); setEv(o + 2, f32At(posAt, p + 2));
    return;
  }
  if (vertexCount >= vertexCapacity) {
    overflow = true;
    return;
  }
  if (!(gradMask & (1 << lo))) cornerGradient(lo);
  if (!(gradMask & (1 << hi))) cornerGradient(hi);
  const vl = val(lo), vh = val(hi);
  const t = (level - vl) / (vh - vl);
  const l3 = lo * 3, h3 = hi * 3;
  setEv(o, cpos(l3) + t * (cpos(h3) - cpos(l3)));
  setEv(o + 1, cpos(l3 + 1) + t * (cpos(h3 + 1) - cpos(l3 + 1)));
  setEv(o + 2, cpos(l3 + 2) + t * (cpos(h3 + 2) - cpos(l3 + 2)));
  const v = vertexCount++;
  const p = v * 3;
  const pp = posAt + ((<usize>p) << 2), np = nrmAt + ((<usize>p) << 2);
  store<f32>(pp, <f32>ev(o)); store<f32>(pp + 4, <f32>ev(o + 1)); store<f32>(pp + 8, <f32>ev(o + 2));
  store<f32>(np, <f32>(grad(l3) + t * (grad(h3) - grad(l3))));
  store<f32>(np + 4, <f32>(grad(l3 + 1) + t * (grad(h3 + 1) - grad(l3 + 1))));
  store<f32>(np + 8, <f32>(grad(l3 + 2) + t * (grad(h3 + 2) - grad(l3 + 2))));
  if (isFlat(np)) flatVertices++;
  store<i32>(keyAt + ((<usize>v) << 2), key);
  store<i32>(edges + ((<usize>slot) << 2), v);
  store<i32>(evVertexAt + ((<usize>s) << 2), v);
  setEv(o, f32At(posAt, p)); setEv(o + 1, f32At(posAt, p + 1)); setEv(o + 2, f32At(posAt, p + 2));
}

function emit(s0: i32, s1: i32, s2: i32, lo: i32, hi: i32): void {
  if (indexCount + 3 > indexCapacity) {
    overflow = true;
    return;
  }
  const o0 = s0 * 3, o1 = s1 * 3, o2 = s2 * 3;
  let v1 = load<i32>(evVertexAt + ((<usize>s1) << 2)), v2 = load<i32>(evVertexAt + ((<usize>s2) << 2));
  const ux = ev(o1) - ev(o0), uy = ev(o1 + 1) - ev(o0 + 1), uz = ev(o1 + 2) - ev(o0 + 2);
  const vx = ev(o2) - ev(o0), vy = ev(o2 + 1) - ev(o0 + 1), vz = ev(o2 + 2) - ev(o0 + 2);
  let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const dx = cpos(hi * 3) - cpos(lo * 3);
  const dy = cpos(hi * 3 + 1) - cpos(lo * 3 + 1);
  const dz = cpos(hi * 3 + 2) - cpos(lo * 3 + 2);
  if (nx * dx + ny * dy + nz * dz < 0) {
    const tv = v1;
    v1 = v2;
    v2 = tv;
    nx = -nx;
    ny = -ny;
    nz = -nz;
  }
  const v0 = load<i32>(evVertexAt + ((<usize>s0) << 2));
  const ip = idxAt + ((<usize>indexCount) << 2);
  store<i32>(ip, v0);
  store<i32>(ip + 4, v1);
  store<i32>(ip + 8, v2);
  indexCount += 3;
  if (flatVertices == 0) return;
  for (let q = 0; q < 3; q++) {
    const np = nrmAt + ((<usize>((q == 0 ? v0 : q == 1 ? v1 : v2) * 3)) << 2);
    if (isFlat(np)) {
      store<f32>(np, <f32>nx);
      store<f32>(np + 4, <f32>ny);
      store<f32>(np + 8, <f32>nz);
      if (!isFlat(np)) flatVertices--;
    }
  }
}

/** Whether the f32 vector at np has no direction (zero or not finite). */
function isFlat(np: usize): bool {
  const gx = <f64>load<f32>(np), gy = <f64>load<f32>(np + 4), gz = <f64>load<f32>(np + 8);
  return !(gx * gx + gy * gy + gz * gz > 0);
}

function polygoniseTet(a: i32, b: i32, c: i32, d: i32, level: f64): void {
  const ua = val(a) >= level, ub = val(b) >= level, uc = val(c) >= level, ud = val(d) >= level;
  const n = <i32>ua + <i32>ub + <i32>uc + <i32>ud;
  if (n == 0 || n == 4) return;
  if (n == 1 || n == 3) {
    const lone = n == 1 ? (ua ? a : ub ? b : uc ? c : d) : (!ua ? a : !ub ? b : !uc ? c : d);
    const o0 = lone == a ? b : a;
    const o1 = lone == a || lone == b ? c : b;
    const o2 = lone == d ? c : d;
    edgeVertex(0, lone, o0, level);
    edgeVertex(1, lone, o1, level);
    edgeVertex(2, lone, o2, level);
    if (overflow) return;
    if (n == 1) emit(0, 1, 2, o0, lone);
    else emit(0, 1, 2, lone, o0);
    return;
  }
  let p = -1, q = -1, r = -1, s = -1;
  if (ua) p = a; else r = a;
  if (ub) { if (p < 0) p = b; else q = b; } else { if (r < 0) r = b; else s = b; }
  if (uc) { if (p < 0) p = c; else q = c; } else { if (r < 0) r = c; else s = c; }
  if (ud) q = d; else s = d;
  edgeVertex(0, p, r, level);
  edgeVertex(1, p, s, level);
  edgeVertex(2, q, s, level);
  edgeVertex(3, q, r, level);
  if (overflow) return;
  emit(0, 1, 2, r, p);
  emit(0, 2, 3, r, p);
}

/**
 * The isosurface of the f32 field at `field` (nx × ny × nz cells, cell centres at origin + i·h
 * [mm]) at `level`, as marchingCubes.ts builds it, into the scratch region [scratch, scratch +
 * bytes): returns the vertex count (isoLayout: index count and the outputs' offsets; normals as i8
 * xyz at the normals' offset), or −1 when the region is too small for this surface (the caller
 * then uses the TypeScript version).
 */
export function isosurface(field: usize, nx: i32, ny: i32, nz: i32, h: f64, ox: f64, oy: f64, oz: f64, level: f64, scratch: usize, bytes: usize): i32 {
  const rows = ny * nz;
  const edgeBytes = (<usize>(nx * ny * 8)) << 2;
  valAt = scratch;
  cposAt = valAt + 64;
  gradAt = cposAt + 192;
  evAt = gradAt + 192;
  evVertexAt = evAt + 96;
  rowLoAt = evVertexAt + 16;
  rowHiAt = rowLoAt + ((<usize>rows) << 2);
  edgesLo = rowHiAt + ((<usize>rows) << 2);
  edgesHi = edgesLo + edgeBytes;
  bitsAt = edgesHi + edgeBytes;
  const words = (nx + 31) >> 5;
  const outStart = bitsAt + ((<usize>(2 * words + 1)) << 2);
  if (outStart >= scratch + bytes) return -1;
  // Per vertex 28 bytes (position, gradient, key), per triangle 12, room for 2.5 triangles a vertex.
  const left = scratch + bytes - outStart;
  vertexCapacity = <i32>(left / 58);
  indexCapacity = <i32>((<usize>vertexCapacity * 5) / 2) * 3;
  posAt = outStart;
  nrmAt = posAt + (<usize>vertexCapacity) * 12;
  keyAt = nrmAt + (<usize>vertexCapacity) * 12;
  idxAt = keyAt + (<usize>vertexCapacity) * 4;
  vertexCount = 0;
  indexCount = 0;
  flatVertices = 0;
  overflow = false;
  gridNx = nx;
  gridNy = ny;
  gridNz = nz;
  fieldAt = field;
  inv2H = 1 / (2 * h);
  invH = 1 / h;
  // The least f32 at or above the level: for an f32 value v, v ≥ level exactly when v ≥ l32.
  let l32 = <f32>level;
  if (<f64>l32 < level) l32 = reinterpret<f32>(l32 < 0 ? reinterpret<i32>(l32) - 1 : l32 == 0 ? 1 : reinterpret<i32>(l32) + 1);
  // Row ranges (NaN ignored: pmin / pmax keep the accumulator when the value is NaN).
  const inf4 = f32x4.splat(Infinity), ninf4 = f32x4.splat(-Infinity);
  for (let r = 0; r < rows; r++) {
    const base = field + ((<usize>(r * nx)) << 2);
    let lo4 = inf4, hi4 = ninf4;
    let i = 0;
    for (; i + 3 < nx; i += 4) {
      const v = v128.load(base + ((<usize>i) << 2));
      lo4 = f32x4.pmin(lo4, v);
      hi4 = f32x4.pmax(hi4, v);
    }
    let lo = min(min(f32x4.extract_lane(lo4, 0), f32x4.extract_lane(lo4, 1)), min(f32x4.extract_lane(lo4, 2), f32x4.extract_lane(lo4, 3)));
    let hi = max(max(f32x4.extract_lane(hi4, 0), f32x4.extract_lane(hi4, 1)), max(f32x4.extract_lane(hi4, 2), f32x4.extract_lane(hi4, 3)));
    for (; i < nx; i++) {
      const v = load<f32>(base + ((<usize>i) << 2));
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    store<f32>(rowLoAt + ((<usize>r) << 2), lo);
    store<f32>(rowHiAt + ((<usize>r) << 2), hi);
  }
  const orAt = bitsAt, andAt = bitsAt + ((<usize>words) << 2);
  const sy = nx, sz = nx * ny;
  for (let k = 0; k + 1 < nz; k++) {
    if (k > 0) {
      const t = edgesLo;
      edgesLo = edgesHi;
      edgesHi = t;
    }
    cubeK = k;
    for (let j = 0; j + 1 < ny; j++) {
      cubeJ = j;
      const r0 = j + ny * k, r1 = r0 + 1, r2 = r0 + ny, r3 = r2 + 1;
      const lo = <f64>min(min(load<f32>(rowLoAt + ((<usize>r0) << 2)), load<f32>(rowLoAt + ((<usize>r1) << 2))), min(load<f32>(rowLoAt + ((<usize>r2) << 2)), load<f32>(rowLoAt + ((<usize>r3) << 2))));
      const hi = <f64>max(max(load<f32>(rowHiAt + ((<usize>r0) << 2)), load<f32>(rowHiAt + ((<usize>r1) << 2))), max(load<f32>(rowHiAt + ((<usize>r2) << 2)), load<f32>(rowHiAt + ((<usize>r3) << 2))));
      if (!(lo < level && hi >= level)) continue;
      const row = sy * j + sz * k;
      // Candidate cubes: some corner at or above the level and not all (NaN corners count as
      // below; such cubes are skipped below, as the TypeScript version skips them).
      memory.fill(orAt, 0, (<usize>words) << 2);
      memory.fill(andAt, 0xff, (<usize>words) << 2);
      for (let q = 0; q < 4; q++) {
        const cells = field + ((<usize>(row + (q & 1) * sy + (q >> 1) * sz)) << 2);
        rowBits(cells, nx, l32, orAt, false);
        rowBits(cells, nx, l32, andAt, true);
      }
      for (let w = 0; w < words; w++) {
        const o0 = load<u32>(orAt + ((<usize>w) << 2)), a0 = load<u32>(andAt + ((<usize>w) << 2));
        const o1 = w + 1 < words ? load<u32>(orAt + ((<usize>(w + 1)) << 2)) : 0;
        const a1 = w + 1 < words ? load<u32>(andAt + ((<usize>(w + 1)) << 2)) : 0;
        // Cube x spans cells x and x + 1.
        let cand = (o0 | (o0 >> 1) | (o1 << 31)) & ~(a0 & ((a0 >> 1) | (a1 << 31)));
        while (cand != 0) {
          const i = (w << 5) + <i32>ctz(cand);
          cand &= cand - 1;
          if (i + 1 >= nx) break;
          const base = row + i;
          const f0 = f32At(field, base), f1 = f32At(field, base + 1), f2 = f32At(field, base + sy), f3 = f32At(field, base + sy + 1);
          const f4 = f32At(field, base + sz), f5 = f32At(field, base + sz + 1), f6 = f32At(field, base + sy + sz), f7 = f32At(field, base + sy + sz + 1);
          if (!(f0 == f0 && f1 == f1 && f2 == f2 && f3 == f3 && f4 == f4 && f5 == f5 && f6 == f6 && f7 == f7)) continue;
          store<f64>(valAt, f0); store<f64>(valAt + 8, f1); store<f64>(valAt + 16, f2); store<f64>(valAt + 24, f3);
          store<f64>(valAt + 32, f4); store<f64>(valAt + 40, f5); store<f64>(valAt + 48, f6); store<f64>(valAt + 56, f7);
          cubeI = i;
          gradMask = 0;
          for (let c = 0; c < 8; c++) {
            const c3 = (<usize>(c * 3)) << 3;
            store<f64>(cposAt + c3, ox + <f64>(i + (c & 1)) * h);
            store<f64>(cposAt + c3 + 8, oy + <f64>(j + ((c >> 1) & 1)) * h);
            store<f64>(cposAt + c3 + 16, oz + <f64>(k + ((c >> 2) & 1)) * h);
          }
          // The six tetrahedra around the diagonal 0–7: (0, a, a | b, 7) for each order of two axes.
          for (let t = 0; t < 6; t++) {
            const a = 1 << (t >> 1);
            const rest = 7 ^ a;
            const lowBit = rest & -rest;
            const other = t & 1 ? rest ^ lowBit : lowBit;
            polygoniseTet(0, a, a | other, 7, level);
            if (overflow) return -1;
          }
        }
      }
    }
  }
  // Normals: the gradients normalised, as i8 (component × 127), written over their own f32s.
  for (let v = 0; v < vertexCount; v++) {
    const np = nrmAt + (<usize>v) * 12;
    const gx = <f64>load<f32>(np), gy = <f64>load<f32>(np + 4), gz = <f64>load<f32>(np + 8);
    const gl = Math.sqrt(gx * gx + gy * gy + gz * gz);
    const out = nrmAt + (<usize>v) * 3;
    if (!(gl > 0)) {
      store<i8>(out, 0); store<i8>(out + 1, 0); store<i8>(out + 2, 0);
      continue;
    }
    store<i8>(out, <i8><i32>Math.floor((gx / gl) * 127 + 0.5));
    store<i8>(out + 1, <i8><i32>Math.floor((gy / gl) * 127 + 0.5));
    store<i8>(out + 2, <i8><i32>Math.floor((gz / gl) * 127 + 0.5));
  }
  return vertexCount;
}
