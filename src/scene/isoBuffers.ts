import { BufferAttribute, BufferGeometry, DynamicDrawUsage } from 'three';

/**
 * Points a geometry at an indexed surface without copying it (the frame's own arrays, so a
 * surface is held once, not again in the geometry): the previous attributes' GPU buffers are
 * freed and the new ones uploaded at the next render. The geometry object itself is never
 * replaced, so meshes that use it are not remounted. Calling it again with the same arrays does
 * nothing.
 */
export function setSurface(geometry: BufferGeometry, positions: Float32Array, normals: Int8Array | null, indices: Uint32Array): void {
  if (geometry.getAttribute('position')?.array === positions) return;
  geometry.dispose();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  // Signed bytes, normalized: the shader reads n / 127.
  if (normals && normals.length === positions.length) geometry.setAttribute('normal', new BufferAttribute(normals, 3, true));
  else geometry.deleteAttribute('normal');
  geometry.setIndex(new BufferAttribute(indices, 1));
  geometry.setDrawRange(0, indices.length);
}

/** Indexed BufferGeometry for a TriangleMesh, with normals and a colour attribute. */
export function indexedGeometry(positions: Float32Array, indices: Uint32Array, rgb: [number, number, number]): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(positions, 3));
  g.setIndex(new BufferAttribute(indices, 1));
  g.computeVertexNormals();
  const n = positions.length / 3;
  const colors = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    colors[v * 3] = rgb[0];
    colors[v * 3 + 1] = rgb[1];
    colors[v * 3 + 2] = rgb[2];
  }
  const c = new BufferAttribute(colors, 3);
  c.setUsage(DynamicDrawUsage);
  g.setAttribute('color', c);
  return g;
}
