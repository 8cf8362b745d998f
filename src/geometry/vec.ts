/** A point or direction [mm unless stated]. */
export type Vec3 = [number, number, number];
