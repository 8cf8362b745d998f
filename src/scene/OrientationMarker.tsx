import type { Vec3 } from '../plan/types.ts';
import { TextSprite } from './TextSprite.tsx';

/** LPS patient frame: +x Left, +y Posterior, +z Superior. */
const DIRS: [string, Vec3][] = [
  ['R', [-1, 0, 0]], ['L', [1, 0, 0]],
  ['A', [0, -1, 0]], ['P', [0, 1, 0]],
  ['I', [0, 0, -1]], ['S', [0, 0, 1]],
];

/** Patient orientation letters placed around the focus (canvas-texture sprites: no font assets). */
export function OrientationLabels({ center, radius }: { center: Vec3; radius: number }) {
  return (
    <group name="orientation">
      {DIRS.map(([label, d]) => (
        <TextSprite key={label} text={label} color="#9fb3c8" size={0.04}
          position={[center[0] + d[0] * radius, center[1] + d[1] * radius, center[2] + d[2] * radius]} />
      ))}
    </group>
  );
}
