/*
 * Marching squares over a row-major 2D grid of samples (x fastest), in the manner of d3-contour:
 * sample (x, y) is values[x + width * y] and sits at (x, y) in cell-index units. Each square of
 * four samples is classified by which corners are ≥ level; the contour crosses the square's
 * edges where the classification changes, at the linearly interpolated point. The two saddle
 * cases are resolved by the mean of the four corners (centre above: the above corners connect).
 */

let out = new Float32Array(4 * 1024);
let outLen = 0;

function push(x0: number, y0: number, x1: number, y1: number): void {
  if (outLen + 4 > out.length) {
    const g = new Float32Array(out.length * 2);
    g.set(out);
    out = g;
  }
  out[outLen] = x0;
  out[outLen + 1] = y0;
  out[outLen + 2] = x1;
  out[outLen + 3] = y1;
  outLen += 4;
}

/**
 * Contour segments of `values` (width × height samples) at `level`, as a flat Float32Array of
 * (x0, y0, x1, y1) in cell-index units. Squares with a NaN corner are skipped.
 */
export function contourLines(values: ArrayLike<number>, width: number, height: number, level: number): Float32Array {
  outLen = 0;
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const o = x + width * y;
      const v0 = values[o], v1 = values[o + 1], v2 = values[o + 1 + width], v3 = values[o + width];
      // Corners: 0 (x, y), 1 (x+1, y), 2 (x+1, y+1), 3 (x, y+1).
      const code = (v0 >= level ? 1 : 0) | (v1 >= level ? 2 : 0) | (v2 >= level ? 4 : 0) | (v3 >= level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      if (v0 !== v0 || v1 !== v1 || v2 !== v2 || v3 !== v3) continue;
      // Crossing points on edges: e0 bottom (0–1), e1 right (1–2), e2 top (3–2), e3 left (0–3).
      const e0x = x + (level - v0) / (v1 - v0), e0y = y;
      const e1x = x + 1, e1y = y + (level - v1) / (v2 - v1);
      const e2x = x + (level - v3) / (v2 - v3), e2y = y + 1;
      const e3x = x, e3y = y + (level - v0) / (v3 - v0);
      switch (code) {
        case 1: case 14: push(e3x, e3y, e0x, e0y); break;
        case 2: case 13: push(e0x, e0y, e1x, e1y); break;
        case 3: case 12: push(e3x, e3y, e1x, e1y); break;
        case 4: case 11: push(e1x, e1y, e2x, e2y); break;
        case 6: case 9: push(e0x, e0y, e2x, e2y); break;
        case 7: case 8: push(e3x, e3y, e2x, e2y); break;
        case 5: case 10: {
          const centreAbove = (v0 + v1 + v2 + v3) / 4 >= level;
          // Case 5: corners 0 and 2 above. Cut off the corners that are separated from the centre.
          if ((code === 5) === centreAbove) {
            // Cut off corners 1 and 3.
            push(e0x, e0y, e1x, e1y);
            push(e2x, e2y, e3x, e3y);
          } else {
            // Cut off corners 0 and 2.
            push(e3x, e3y, e0x, e0y);
            push(e1x, e1y, e2x, e2y);
          }
          break;
        }
      }
    }
  }
  return out.slice(0, outLen);
}
