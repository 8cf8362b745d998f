/**
 * Temperature colour map for slice views: a diverging, roughly perceptually ordered ramp from
 * deep blue (cryogen, -150 °C) through ice blue and white (0 °C) to dark red (body, 37 °C).
 * Stops are sRGB; lookups go through a 256-entry LUT for speed.
 */
export const COLORMAP_MIN_C = -150;
export const COLORMAP_MAX_C = 40;

/** [°C, r, g, b] stops (0..255). */
export const TEMPERATURE_STOPS: readonly (readonly [number, number, number, number])[] = [
  [-150, 8, 16, 72],
  [-100, 24, 54, 150],
  [-60, 45, 105, 205],
  [-40, 70, 140, 225],
  [-20, 120, 185, 240],
  [-5, 200, 230, 250],
  [0, 245, 245, 245],
  [10, 250, 215, 180],
  [20, 235, 150, 110],
  [30, 195, 75, 60],
  [37, 140, 25, 30],
  [40, 115, 15, 25],
];

/** sRGB colour of a temperature [°C] (clamped to the map's range). */
export function temperatureRgb(t: number): [number, number, number] {
  const s = TEMPERATURE_STOPS;
  if (!(t > s[0][0])) return [s[0][1], s[0][2], s[0][3]];
  for (let i = 1; i < s.length; i++) {
    if (t <= s[i][0]) {
      const a = s[i - 1], b = s[i];
      const u = (t - a[0]) / (b[0] - a[0]);
      return [
        Math.round(a[1] + (b[1] - a[1]) * u),
        Math.round(a[2] + (b[2] - a[2]) * u),
        Math.round(a[3] + (b[3] - a[3]) * u),
      ];
    }
  }
  const l = s[s.length - 1];
  return [l[1], l[2], l[3]];
}

export const LUT_SIZE = 256;

/** RGBA lookup table over [COLORMAP_MIN_C, COLORMAP_MAX_C], LUT_SIZE entries. */
export function buildTemperatureLut(): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = COLORMAP_MIN_C + ((COLORMAP_MAX_C - COLORMAP_MIN_C) * i) / (LUT_SIZE - 1);
    const [r, g, b] = temperatureRgb(t);
    lut[i * 4] = r;
    lut[i * 4 + 1] = g;
    lut[i * 4 + 2] = b;
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

/** Fills RGBA `out` (4 bytes per value) from temperatures through the LUT. */
export function colorizeTemperatures(values: ArrayLike<number>, lut: Uint8ClampedArray, out: Uint8ClampedArray): void {
  const scale = (LUT_SIZE - 1) / (COLORMAP_MAX_C - COLORMAP_MIN_C);
  for (let p = 0; p < values.length; p++) {
    // floor(v + 0.5): Math.round for these values, several times faster in V8 on fractions.
    let i = Math.floor((values[p] - COLORMAP_MIN_C) * scale + 0.5);
    if (!(i >= 0)) i = 0;
    else if (i > LUT_SIZE - 1) i = LUT_SIZE - 1;
    const o = p * 4, l = i * 4;
    out[o] = lut[l];
    out[o + 1] = lut[l + 1];
    out[o + 2] = lut[l + 2];
    out[o + 3] = 255;
  }
}

/** CSS colour of a temperature [°C]. */
export function temperatureCss(t: number): string {
  const [r, g, b] = temperatureRgb(t);
  return `rgb(${r},${g},${b})`;
}
