import type { TriangleMesh } from '../../src/geometry/mesh.ts';

/** Unit cube [0,1]³ scaled by s, outward CCW. */
export function cubeMesh(s = 1): TriangleMesh {
  const v = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1].map((x) => x * s);
  const f = [
    0, 2, 1, 0, 3, 2, // z = 0 (normal -z)
    4, 5, 6, 4, 6, 7, // z = 1
    0, 1, 5, 0, 5, 4, // y = 0
    3, 7, 6, 3, 6, 2, // y = 1
    0, 4, 7, 0, 7, 3, // x = 0
    1, 2, 6, 1, 6, 5, // x = 1
  ];
  return { positions: Float32Array.from(v), indices: Uint32Array.from(f) };
}
