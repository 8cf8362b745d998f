/** The typed arrays the geometry layer grows as it writes (contour, isosurface and mesh buffers). */
export type GrowableArray = Float32Array | Int32Array | Uint32Array;

/** A typed array of `a`'s kind, twice its length, starting with its values. */
export function doubled<T extends GrowableArray>(a: T): T {
  const grown = new (a.constructor as new (length: number) => T)(a.length * 2);
  grown.set(a);
  return grown;
}
