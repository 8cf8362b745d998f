import { Box3, BufferAttribute, BufferGeometry, DynamicDrawUsage, Sphere, Vector3 } from 'three';
import type { Grid } from '../geometry/grid.ts';

/**
 * Points a geometry at an indexed surface without copying it (the frame's own arrays, so a
 * surface is held once, not again in the geometry): the previous attributes' GPU buffers are
 * freed and the new ones uploaded at the next render. The geometry object itself is never
 * replaced, so meshes that use it are not remounted. Calling it again with the same arrays does
 * nothing. The bounds are the field's grid box (a surface of the field lies within it): three
 * would otherwise scan every vertex for a new geometry's bounding sphere when it first draws it
 * (7 % of the task that first drew a run's shells, in a page profile), and keep that first
 * frame's sphere for the later ones.
 */
export function setSurface(geometry: BufferGeometry, positions: Float32Array, normals: Int8Array | null, indices: Uint32Array, grid: Grid): void {
  if (geometry.getAttribute('position')?.array === positions) return;
  geometry.dispose();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  // Signed bytes, normalized: the shader reads n / 127.
  if (normals && normals.length === positions.length) geometry.setAttribute('normal', new BufferAttribute(normals, 3, true));
  else geometry.deleteAttribute('normal');
  geometry.setIndex(new BufferAttribute(indices, 1));
  geometry.setDrawRange(0, indices.length);
  const box = (geometry.boundingBox ??= new Box3());
  box.min.fromArray(grid.originMm);
  box.max.set(...grid.dims).subScalar(1).multiplyScalar(grid.spacingMm).add(box.min);
  box.getBoundingSphere((geometry.boundingSphere ??= new Sphere(new Vector3())));
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
