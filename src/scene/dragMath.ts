/**
 * Handle dragging in the plane that faces the camera through the handle: the pointer ray is
 * intersected with the plane { p : n · (p - anchor) = 0 }, n = the camera's view direction.
 * Plain arrays so this runs in Node tests; the component passes three.js vectors' components.
 */
export type V3 = [number, number, number];

/** Point where the ray origin + t · dir meets the plane through `anchor` with normal `n`, or null when parallel or behind. */
export function rayPlaneIntersection(origin: V3, dir: V3, anchor: V3, n: V3): V3 | null {
  const denom = dir[0] * n[0] + dir[1] * n[1] + dir[2] * n[2];
  if (Math.abs(denom) < 1e-9) return null;
  const t = ((anchor[0] - origin[0]) * n[0] + (anchor[1] - origin[1]) * n[1] + (anchor[2] - origin[2]) * n[2]) / denom;
  if (t < 0) return null;
  return [origin[0] + dir[0] * t, origin[1] + dir[1] * t, origin[2] + dir[2] * t];
}

/**
 * New handle position for a drag: `grabOffset` = handle - first hit, so the handle does not jump
 * to the pointer when grabbed off-centre.
 */
export function dragHandlePosition(origin: V3, dir: V3, anchor: V3, viewDir: V3, grabOffset: V3): V3 | null {
  const hit = rayPlaneIntersection(origin, dir, anchor, viewDir);
  if (!hit) return null;
  return [hit[0] + grabOffset[0], hit[1] + grabOffset[1], hit[2] + grabOffset[2]];
}
