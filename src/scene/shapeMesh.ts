import type { Shape } from '../plan/types.ts';
import type { Plan } from '../plan/types.ts';
import { cylinderMesh, ellipsoidMesh, inlineToMesh, type TriangleMesh } from '../geometry/mesh.ts';

export type { TriangleMesh };

/**
 * A display mesh for a plan shape: analytic shapes are tessellated; `{ mesh }` shapes come from
 * `plan.meshes` or from `loaded` (meshes the app read from files, keyed by the same name).
 * Returns null when the mesh is not available.
 */
export function shapeToMesh(
  shape: Shape, plan: Pick<Plan, 'meshes'>, loaded?: Record<string, TriangleMesh>, segments = 64,
): TriangleMesh | null {
  if ('ellipsoid' in shape) return ellipsoidMesh(shape.ellipsoid.center_mm, shape.ellipsoid.radii_mm, segments);
  if ('cylinder' in shape) {
    return cylinderMesh(shape.cylinder.from_mm, shape.cylinder.to_mm, shape.cylinder.radius_mm, Math.max(12, segments >> 1));
  }
  const m = loaded?.[shape.mesh];
  if (m) return m;
  const inline = plan.meshes?.[shape.mesh];
  return inline ? inlineToMesh(inline) : null;
}
