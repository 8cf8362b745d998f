/**
 * Line segments joined into paths: what a canvas strokes in one go (joined corners, a dash pattern
 * that runs along the line) instead of one sub-path per segment.
 */
export interface Polylines {
  /** Points (x, y), path after path. */
  points: Float32Array;
  /** Path p is points [starts[p], starts[p + 1]) (counted in points, not coordinates); length paths + 1. */
  starts: Int32Array;
  /** 1 where the path is a loop (its last point joins its first), 0 where it ends open. */
  closed: Uint8Array;
}

/**
 * Joins `count` segments (x0, y0, x1, y1 in `points`) into paths. Segment s has ends 2s and 2s + 1
 * with keys `keys[2s]` and `keys[2s + 1]`: two ends with the same key are the same point (the
 * caller's identity, e.g. the grid or mesh edge the point lies on, so no floats are compared) and
 * are joined; a key on one end only (or a third time) ends a path. Open paths start from such an
 * end; what is left are loops.
 */
export function chainSegments(points: Float32Array, keys: ArrayLike<number>, count: number): Polylines {
  const ends = 2 * count;
  // partner[end]: the end of another segment at the same point, −1 for none.
  const partner = new Int32Array(ends).fill(-1);
  const waiting = new Map<number, number>();
  let lone = ends;
  for (let end = 0; end < ends; end++) {
    const other = waiting.get(keys[end]);
    if (other === undefined) {
      waiting.set(keys[end], end);
    } else {
      partner[end] = other;
      partner[other] = end;
      waiting.delete(keys[end]);
      lone -= 2;
    }
  }
  const out = new Float32Array(2 * (count + lone / 2));
  const starts: number[] = [0];
  const closed: number[] = [];
  const used = new Uint8Array(count);
  let n = 0;
  /** Writes the path that enters segment end >> 1 at `end`. */
  const follow = (end: number): void => {
    const first = end >> 1;
    out[n++] = points[2 * end];
    out[n++] = points[2 * end + 1];
    for (;;) {
      used[end >> 1] = 1;
      const exit = end ^ 1;
      out[n++] = points[2 * exit];
      out[n++] = points[2 * exit + 1];
      const next = partner[exit];
      if (next < 0) {
        closed.push(0);
        break;
      }
      if (next >> 1 === first) {
        // Back where it started: the last point is the first again; the path closes instead.
        n -= 2;
        closed.push(1);
        break;
      }
      end = next;
    }
    starts.push(n / 2);
  };
  for (let end = 0; end < ends; end++) if (partner[end] < 0 && !used[end >> 1]) follow(end);
  for (let s = 0; s < count; s++) if (!used[s]) follow(2 * s);
  return { points: out.slice(0, n), starts: Int32Array.from(starts), closed: Uint8Array.from(closed) };
}
