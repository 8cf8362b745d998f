/**
 * Special functions and a bracketing root finder for the independent analytic reference.
 *
 * Self-contained (no dependencies), double precision. Accuracy, checked against independent
 * high-precision values in special.test.ts:
 *   erf, erfc, erfcx  ~1e-15 relative (series + Lentz continued fraction)
 *   erfinv, erfcinv   ~1e-14 (initial guess + Newton/Halley refinement on erf/erfc)
 *   expIntE1          ~1e-15 relative (series for x <= 1, continued fraction above)
 *   besselK0, K1      ~1e-14 relative (A&S 9.6.11 series for x <= 2, exponentially convergent
 *                     trapezoidal rule on K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt above)
 *   brent             standard Brent zero-in (inverse quadratic + secant + bisection)
 */

const SQRT_PI = Math.sqrt(Math.PI);
const TWO_OVER_SQRT_PI = 2 / SQRT_PI;
/** Euler–Mascheroni constant. */
export const EULER_GAMMA = 0.5772156649015329;

/** e^{x^2} erfc(x) for x >= 2 by the modified Lentz continued fraction (no overflow/underflow). */
function erfcxContinuedFraction(x: number): number {
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), a_n = n/2
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 10000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (f * SQRT_PI);
}

/** erf(x) for |x| < 3 by the all-positive series erf x = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1}/(2n+1)!! */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

const ERF_SWITCH = 2.5;

/** Error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < ERF_SWITCH) return x === 0 ? x : Math.sign(x) * erfSeries(ax);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) * erfcxContinuedFraction(ax));
}

/** Complementary error function, accurate in relative terms for large positive x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < ERF_SWITCH) return 1 - erf(x);
  return Math.exp(-x * x) * erfcxContinuedFraction(x);
}

/** Scaled complementary error function e^{x^2} erfc(x) (finite for large x). */
export function erfcx(x: number): number {
  if (x < ERF_SWITCH) return Math.exp(x * x) * erfc(x);
  return erfcxContinuedFraction(x);
}

/** Inverse error function on (-1, 1); ±Infinity at ±1. */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  if (Math.abs(y) > 0.9) return Math.sign(y) * erfcinv(1 - Math.abs(y));
  // Initial guess (Giles 2010 single-precision approximation), then Halley refinement.
  const w0 = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w0 < 5) {
    const w = w0 - 2.5;
    let p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    x = p * y;
  } else {
    const w = Math.sqrt(w0) - 3;
    let p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
    x = p * y;
  }
  for (let i = 0; i < 4; i++) {
    const f = erf(x) - y;
    const fp = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    // Halley: f'' = -2x f'
    const step = f / fp;
    x -= step / (1 + x * step);
    if (Math.abs(step) < 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Inverse complementary error function on (0, 2). */
export function erfcinv(z: number): number {
  if (Number.isNaN(z) || z < 0 || z > 2) return NaN;
  if (z === 0) return Infinity;
  if (z === 2) return -Infinity;
  if (z > 0.1 && z < 1.9) return erfinv(1 - z);
  if (z >= 1.9) return -erfcinv(2 - z);
  // 0 < z <= 0.1: Newton/Halley on log(erfc(x)) - log(z), robust down to underflow.
  const lz = Math.log(z);
  // asymptotic start: erfc(x) ~ e^{-x^2}/(x sqrt(pi))
  let x = Math.sqrt(-lz);
  for (let i = 0; i < 6; i++) x = Math.sqrt(Math.max(0.5, -lz - Math.log(x * SQRT_PI)));
  for (let i = 0; i < 50; i++) {
    // g(x) = log erfc(x) - log z; g'(x) = -2/(sqrt(pi) erfcx(x))
    const ex = erfcx(x);
    const g = Math.log(ex) - x * x - lz;
    const gp = -TWO_OVER_SQRT_PI / ex;
    const step = g / gp;
    x -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Exponential integral E1(x) = int_x^inf e^{-t}/t dt, x > 0. */
export function expIntE1(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x <= 1) {
    // E1 = -gamma - ln x - sum_{n>=1} (-x)^n/(n n!)
    let sum = 0;
    let term = 1;
    for (let n = 1; n < 100; n++) {
      term *= -x / n;
      const add = term / n;
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return -EULER_GAMMA - Math.log(x) - sum;
  }
  // Continued fraction (modified Lentz), Numerical Recipes 'expint' form.
  const tiny = 1e-300;
  let b = x + 1;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * i;
    b += 2;
    d = 1 / (an * d + b);
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    const del = c * d;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h * Math.exp(-x);
}

/** Modified Bessel K_nu(x), integer nu in {0,1}, by trapezoidal rule on the cosh integral. */
export function besselKIntegral(nu: 0 | 1, x: number): number {
  // K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt; the integrand is entire and decays doubly
  // exponentially, so the trapezoidal rule converges like exp(-pi^2/h).
  const h = 0.1;
  let sum = 0.5; // t = 0 (scaled by e^{-x} below)
  for (let j = 1; j < 100000; j++) {
    const t = j * h;
    const term = Math.exp(-x * (Math.cosh(t) - 1)) * (nu === 0 ? 1 : Math.cosh(t));
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  return h * sum * Math.exp(-x);
}

const K_SWITCH = 2;

/** Modified Bessel function of the second kind, order 0, x > 0. */
export function besselK0(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x > K_SWITCH) return besselKIntegral(0, x);
  // K0 = -ln(x/2) I0(x) + sum_k psi(k+1) (x^2/4)^k/(k!)^2 ; psi(k+1) = -gamma + H_k
  const y = (x * x) / 4;
  let term = 1;
  let i0 = 1;
  let harmonic = 0;
  let s = -EULER_GAMMA;
  for (let k = 1; k < 100; k++) {
    term *= y / (k * k);
    harmonic += 1 / k;
    i0 += term;
    s += term * (harmonic - EULER_GAMMA);
    if (term < 1e-17 * i0) break;
  }
  return -Math.log(x / 2) * i0 + s;
}

/** Modified Bessel function of the second kind, order 1, x > 0. */
export function besselK1(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x > K_SWITCH) return besselKIntegral(1, x);
  // K1 = 1/x + ln(x/2) I1(x) - (x/4) sum_k [psi(k+1)+psi(k+2)] (x^2/4)^k/(k!(k+1)!)
  const y = (x * x) / 4;
  let term = 1; // (x^2/4)^k/(k!(k+1)!)
  let i1sum = 1;
  let hk = 0; // H_k
  let s = -2 * EULER_GAMMA + 1; // psi(1)+psi(2) = -gamma + (-gamma + 1)
  for (let k = 1; k < 100; k++) {
    term *= y / (k * (k + 1));
    hk += 1 / k;
    const hk1 = hk + 1 / (k + 1);
    i1sum += term;
    s += term * (hk - EULER_GAMMA + hk1 - EULER_GAMMA);
    if (term < 1e-17 * i1sum) break;
  }
  const i1 = (x / 2) * i1sum;
  return 1 / x + Math.log(x / 2) * i1 - (x / 4) * s;
}

export interface RootOptions {
  /** absolute tolerance on x (default 1e-14 * |x| + 1e-300) */
  xtol?: number;
  maxIter?: number;
}

/**
 * Brent's method for f(x) = 0 on [a, b] with f(a), f(b) of opposite sign (or one zero).
 * Throws if the interval does not bracket a root.
 */
export function brent(f: (x: number) => number, a: number, b: number, opts: RootOptions = {}): number {
  const maxIter = opts.maxIter ?? 300;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) throw new Error(`brent: root not bracketed: f(${a})=${fa}, f(${b})=${fb}`);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = opts.xtol !== undefined ? opts.xtol / 2 : 2 * Number.EPSILON * Math.abs(b) + 1e-300;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}

/**
 * Finds a root of f on (lo, hi], expanding hi geometrically (x factor) until the sign changes.
 * Useful when only the lower end of the bracket is known (e.g. lambda > 0).
 */
export function bracketAndSolve(
  f: (x: number) => number,
  lo: number,
  hi: number,
  factor = 2,
  maxExpand = 200,
): number {
  const flo = f(lo);
  let fhi = f(hi);
  let n = 0;
  while (flo * fhi > 0 && n < maxExpand) {
    hi *= factor;
    fhi = f(hi);
    n++;
  }
  return brent(f, lo, hi);
}
