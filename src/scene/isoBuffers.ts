import { BufferAttribute, BufferGeometry, DynamicDrawUsage } from 'three';

/**
 * Copies a triangle soup into a geometry in place: attributes keep their capacity and only the
 * draw range changes; when a soup outgrows them the geometry's GPU buffers are freed and larger
 * attributes (1.5× headroom) are set. The geometry object itself is never replaced, so meshes
 * that use it are not remounted. Meshes using it should set frustumCulled = false (stale tail data).
 */
export function writeSoup(geometry: BufferGeometry, positions: Float32Array, normals: Float32Array | null): void {
  const n = positions.length;
  let pos = geometry.getAttribute('position') as BufferAttribute | undefined;
  let nor = geometry.getAttribute('normal') as BufferAttribute | undefined;
  if (!pos || pos.array.length < n) {
    const cap = Math.max(9 * 64, Math.ceil((n * 1.5) / 9) * 9);
    geometry.dispose();
    pos = new BufferAttribute(new Float32Array(cap), 3);
    nor = new BufferAttribute(new Float32Array(cap), 3);
    pos.setUsage(DynamicDrawUsage);
    nor.setUsage(DynamicDrawUsage);
    geometry.setAttribute('position', pos);
    geometry.setAttribute('normal', nor);
  }
  (pos.array as Float32Array).set(positions);
  pos.clearUpdateRanges();
  pos.addUpdateRange(0, n);
  pos.needsUpdate = true;
  if (nor) {
    if (normals && normals.length === n) (nor.array as Float32Array).set(normals);
    nor.clearUpdateRanges();
    nor.addUpdateRange(0, n);
    nor.needsUpdate = true;
  }
  geometry.setDrawRange(0, n / 3);

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
