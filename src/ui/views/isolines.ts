/**
 * Isolines of a width×height image (row-major) at `level`: flat segments (x0, y0, x1, y1) in
 * cell units (x along the row). Marching squares with the saddle resolved by the cell mean.
 * Kept here until src/geometry provides contourLines with the same signature.
 */
export function contourLines(values: ArrayLike<number>, width: number, height: number, level: number): Float32Array {
  const out: number[] = [];
  const lerp = (a: number, b: number): number => (a === b ? 0.5 : (level - a) / (b - a));
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const a = values[x + y * width], b = values[x + 1 + y * width];
      const c = values[x + 1 + (y + 1) * width], d = values[x + (y + 1) * width];
      const code = (a < level ? 1 : 0) | (b < level ? 2 : 0) | (c < level ? 4 : 0) | (d < level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      // Edge points: bottom (a-b), right (b-c), top (d-c), left (a-d).
      const ex = [x + lerp(a, b), x + 1, x + lerp(d, c), x];
      const ey = [y, y + lerp(b, c), y + 1, y + lerp(a, d)];
      const seg = (e0: number, e1: number) => out.push(ex[e0], ey[e0], ex[e1], ey[e1]);
      switch (code) {
        case 1: case 14: seg(3, 0); break;
        case 2: case 13: seg(0, 1); break;
        case 3: case 12: seg(3, 1); break;
        case 4: case 11: seg(1, 2); break;
        case 6: case 9: seg(0, 2); break;
        case 7: case 8: seg(3, 2); break;
        case 5: case 10: {
          const centreBelow = (a + b + c + d) / 4 < level;
          if ((code === 5) === centreBelow) { seg(3, 2); seg(0, 1); } else { seg(3, 0); seg(1, 2); }
          break;
        }
      }
    }
  }
  return new Float32Array(out);
}
