/*
 * Marching squares over a row-major 2D grid of samples (x fastest), in the manner of d3-contour:
 * sample (x, y) is values[x + width * y] and sits at (x, y) in cell-index units. Each square of
 * four samples is classified by which corners are ≥ level; the contour crosses the square's
 * edges where the classification changes, at the linearly interpolated point. The two saddle
 * cases are resolved by the mean of the four corners (centre above: the above corners connect).
 */

import { chainSegments, type Polylines } from './segmentChains.ts';
import { doubled } from './typedArrays.ts';

// Scratch reused from call to call (the views contour every slice of every frame).
/** Segments: their two crossing points (x0, y0, x1, y1). */
let segPoints = new Float32Array(4 * 1024);
/** Segments: the grid edge id of each crossing point (see pushSegment). */
let segEdges = new Int32Array(2 * 1024);
let segCount = 0;

/**
 * Appends a segment between two crossing points, each with the id of the grid edge it lies on:
 * the edge from sample (x, y) to (x + 1, y) is 2(x + width·y), the edge from (x, y) to (x, y + 1)
 * is 2(x + width·y) + 1. Two squares that share an edge put their crossing of it on the same id,
 * which is how segments are joined into paths (no comparison of floats).
 */
function pushSegment(x0: number, y0: number, edge0: number, x1: number, y1: number, edge1: number): void {
  if (4 * segCount + 4 > segPoints.length) {
    segPoints = doubled(segPoints);
    segEdges = doubled(segEdges);
  }
  const o = 4 * segCount;
  segPoints[o] = x0;
  segPoints[o + 1] = y0;
  segPoints[o + 2] = x1;
  segPoints[o + 3] = y1;
  segEdges[2 * segCount] = edge0;
  segEdges[2 * segCount + 1] = edge1;
  segCount++;
}

/** The segments of every square that the contour crosses, into the scratch above. */
function marchSquares(values: ArrayLike<number>, width: number, height: number, level: number): void {
  segCount = 0;
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const o = x + width * y;
      const v0 = values[o], v1 = values[o + 1], v2 = values[o + 1 + width], v3 = values[o + width];
      // Corners: 0 (x, y), 1 (x+1, y), 2 (x+1, y+1), 3 (x, y+1).
      const code = (v0 >= level ? 1 : 0) | (v1 >= level ? 2 : 0) | (v2 >= level ? 4 : 0) | (v3 >= level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      if (v0 !== v0 || v1 !== v1 || v2 !== v2 || v3 !== v3) continue;
      // Crossing points on edges: e0 bottom (0–1), e1 right (1–2), e2 top (3–2), e3 left (0–3).
      const e0x = x + (level - v0) / (v1 - v0), e0y = y, e0 = 2 * o;
      const e1x = x + 1, e1y = y + (level - v1) / (v2 - v1), e1 = 2 * (o + 1) + 1;
      const e2x = x + (level - v3) / (v2 - v3), e2y = y + 1, e2 = 2 * (o + width);
      const e3x = x, e3y = y + (level - v0) / (v3 - v0), e3 = 2 * o + 1;
      switch (code) {
        case 1: case 14: pushSegment(e3x, e3y, e3, e0x, e0y, e0); break;
        case 2: case 13: pushSegment(e0x, e0y, e0, e1x, e1y, e1); break;
        case 3: case 12: pushSegment(e3x, e3y, e3, e1x, e1y, e1); break;
        case 4: case 11: pushSegment(e1x, e1y, e1, e2x, e2y, e2); break;
        case 6: case 9: pushSegment(e0x, e0y, e0, e2x, e2y, e2); break;
        case 7: case 8: pushSegment(e3x, e3y, e3, e2x, e2y, e2); break;
        case 5: case 10: {
          const centreAbove = (v0 + v1 + v2 + v3) / 4 >= level;
          // Case 5: corners 0 and 2 above. Cut off the corners that are separated from the centre.
          if ((code === 5) === centreAbove) {
            // Cut off corners 1 and 3.
            pushSegment(e0x, e0y, e0, e1x, e1y, e1);
            pushSegment(e2x, e2y, e2, e3x, e3y, e3);
          } else {
            // Cut off corners 0 and 2.
            pushSegment(e3x, e3y, e3, e0x, e0y, e0);
            pushSegment(e1x, e1y, e1, e2x, e2y, e2);
          }
          break;
        }
      }
    }
  }
}

/**
 * Contour of `values` (width × height samples) at `level` as connected paths in cell-index units.
 * Each square the contour crosses gives a segment between two of its edges' crossing points;
 * segments that meet on a grid edge (an edge belongs to two squares, and a square puts at most one
 * crossing on it) are joined. A path ends open where it leaves the grid or meets a square with a
 * NaN corner (skipped); otherwise it is a loop.
 */
export function contourPaths(values: ArrayLike<number>, width: number, height: number, level: number): Polylines {
  marchSquares(values, width, height, level);
  return chainSegments(segPoints, segEdges, segCount);
}
