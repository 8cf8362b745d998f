import type { Vec3 } from '../geometry/vec.ts';

/**
 * Bodies whose surface temperature is prescribed (probe active zones, or the analytic test
 * sources). Coordinates in metres. The solver couples them to the grid through "cut faces":
 * where the segment between two neighbouring cell centres crosses a body surface, the flux from
 * the outside cell runs to the surface point at the exact crossing distance (an embedded
 * Dirichlet boundary). The coupling therefore moves continuously with the body, so results do
 * not depend on where a thin probe sits inside a cell.
 */
export type Body =
  | { kind: 'cylinder'; from: Vec3; to: Vec3; radius: number }
  | { kind: 'sphere'; centre: Vec3; radius: number }
  | { kind: 'halfspace'; point: Vec3; normal: Vec3 };

/** A capped cylinder between two axis points (a probe's active segment) [m]. */
export function cylinderBody(from: Vec3, to: Vec3, radius: number): Body {
  return { kind: 'cylinder', from, to, radius };
}

/** True when p [m] is inside (or on) the body. */
export function bodyContains(b: Body, p: Vec3): boolean {
  switch (b.kind) {
    case 'sphere': {
      const dx = p[0] - b.centre[0], dy = p[1] - b.centre[1], dz = p[2] - b.centre[2];
      return dx * dx + dy * dy + dz * dz <= b.radius * b.radius;
    }
    case 'halfspace':
      // Inside = the side the normal points away from.
      return (p[0] - b.point[0]) * b.normal[0] + (p[1] - b.point[1]) * b.normal[1] + (p[2] - b.point[2]) * b.normal[2] <= 0;
    case 'cylinder': {
      const ax = b.to[0] - b.from[0], ay = b.to[1] - b.from[1], az = b.to[2] - b.from[2];
      const len2 = ax * ax + ay * ay + az * az;
      const px = p[0] - b.from[0], py = p[1] - b.from[1], pz = p[2] - b.from[2];
      const t = (px * ax + py * ay + pz * az) / len2;
      if (t < 0 || t > 1) return false;
      const rx = px - t * ax, ry = py - t * ay, rz = pz - t * az;
      return rx * rx + ry * ry + rz * rz <= b.radius * b.radius;
    }
  }
}

/**
 * A lower bound of the distance from p [m] to the body's surface [m]: no segment
 * that stays farther than this from p can cross the surface. The capped cylinder lies inside the
 * capsule around its axis segment, so the capsule's distance bounds it.
 */
export function surfaceDistanceBound(b: Body, p: Vec3): number {
  switch (b.kind) {
    case 'sphere': {
      const dx = p[0] - b.centre[0], dy = p[1] - b.centre[1], dz = p[2] - b.centre[2];
      return Math.abs(Math.sqrt(dx * dx + dy * dy + dz * dz) - b.radius);
    }
    case 'halfspace':
      return Math.abs((p[0] - b.point[0]) * b.normal[0] + (p[1] - b.point[1]) * b.normal[1] + (p[2] - b.point[2]) * b.normal[2]);
    case 'cylinder': {
      const ax = b.to[0] - b.from[0], ay = b.to[1] - b.from[1], az = b.to[2] - b.from[2];
      const px = p[0] - b.from[0], py = p[1] - b.from[1], pz = p[2] - b.from[2];
      const t = Math.min(1, Math.max(0, (px * ax + py * ay + pz * az) / (ax * ax + ay * ay + az * az)));
      const rx = px - t * ax, ry = py - t * ay, rz = pz - t * az;
      return Math.max(0, Math.sqrt(rx * rx + ry * ry + rz * rz) - b.radius);
    }
  }
}

/**
 * First crossing of the segment a → b with the body surface, as a fraction s ∈ (0, 1] of the
 * segment, for a point a outside the body; null when the segment stays outside.
 */
export function segmentEntry(body: Body, a: Vec3, b: Vec3): number | null {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  switch (body.kind) {
    case 'sphere': {
      const o: Vec3 = [a[0] - body.centre[0], a[1] - body.centre[1], a[2] - body.centre[2]];
      const A = dot(d, d), B = 2 * dot(o, d), C = dot(o, o) - body.radius * body.radius;
      const disc = B * B - 4 * A * C;
      if (disc < 0) return null;
      const s = (-B - Math.sqrt(disc)) / (2 * A);
      return s > 0 && s <= 1 ? s : null;
    }
    case 'halfspace': {
      const da = dot(sub(a, body.point), body.normal);
      const db = dot(sub(b, body.point), body.normal);
      if (da <= 0 || db > 0) return null;
      return da / (da - db);
    }
    case 'cylinder':
      return cylinderEntry(body.from, body.to, body.radius, a, d);
  }
}

function cylinderEntry(from: Vec3, to: Vec3, radius: number, a: Vec3, d: Vec3): number | null {
  // Scalars only (no temporary vectors: buildCutFaces casts ~10⁵ rays per source set), in the
  // order of the vector form: axis u = (to − from)/|to − from|, o = a − from, the parts of o and d
  // perpendicular to u, then the side wall and the two end caps.
  const vx = to[0] - from[0], vy = to[1] - from[1], vz = to[2] - from[2];
  const len = Math.sqrt(vx * vx + vy * vy + vz * vz);
  const ux = vx / len, uy = vy / len, uz = vz / len;
  const ox = a[0] - from[0], oy = a[1] - from[1], oz = a[2] - from[2];
  const od = ox * ux + oy * uy + oz * uz, dd = d[0] * ux + d[1] * uy + d[2] * uz;
  const opx = ox - od * ux, opy = oy - od * uy, opz = oz - od * uz;
  const dpx = d[0] - dd * ux, dpy = d[1] - dd * uy, dpz = d[2] - dd * uz;
  let best = Infinity;
  // Side wall.
  const A = dpx * dpx + dpy * dpy + dpz * dpz, B = 2 * (opx * dpx + opy * dpy + opz * dpz), C = opx * opx + opy * opy + opz * opz - radius * radius;
  if (A > 1e-30) {
    const disc = B * B - 4 * A * C;
    if (disc >= 0) {
      const s = (-B - Math.sqrt(disc)) / (2 * A);
      const axial = od + s * dd;
      if (s > 0 && s <= 1 && axial >= 0 && axial <= len) best = s;
    }
  }
  // End caps (discs at axial 0 and len).
  if (Math.abs(dd) > 1e-30) {
    for (let cap = 0; cap < 2; cap++) {
      const s = ((cap === 0 ? 0 : len) - od) / dd;
      if (s > 0 && s <= 1 && s < best) {
        const px = opx + s * dpx, py = opy + s * dpy, pz = opz + s * dpz;
        if (px * px + py * py + pz * pz <= radius * radius) best = s;
      }
    }
  }
  return best === Infinity ? null : best;
}

/** Axis-aligned bounds of a body [m], clipped to `limit` for the half-space. */
export function bodyBounds(b: Body, limitMin: Vec3, limitMax: Vec3): { min: Vec3; max: Vec3 } {
  switch (b.kind) {
    case 'sphere':
      return {
        min: [b.centre[0] - b.radius, b.centre[1] - b.radius, b.centre[2] - b.radius],
        max: [b.centre[0] + b.radius, b.centre[1] + b.radius, b.centre[2] + b.radius],
      };
    case 'halfspace':
      return { min: [...limitMin] as Vec3, max: [...limitMax] as Vec3 };
    case 'cylinder': {
      const min: Vec3 = [0, 0, 0], max: Vec3 = [0, 0, 0];
      for (let a = 0; a < 3; a++) {
        min[a] = Math.min(b.from[a], b.to[a]) - b.radius;
        max[a] = Math.max(b.from[a], b.to[a]) + b.radius;
      }
      return { min, max };
    }
  }
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
