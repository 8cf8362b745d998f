import { useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { BufferAttribute, BufferGeometry, Vector3, type Group, type PerspectiveCamera } from 'three';
import type { Vec3 } from '../plan/types.ts';
import { TextSprite } from './TextSprite.tsx';

/** LPS patient frame: +x Left, +y Posterior, +z Superior. Axis colours: R–L red, A–P green, S–I blue. */
const DIRS: [string, Vec3, string][] = [
  ['R', [-1, 0, 0], '#ff8080'], ['L', [1, 0, 0], '#ff8080'],
  ['A', [0, -1, 0], '#8dea8d'], ['P', [0, 1, 0], '#8dea8d'],
  ['I', [0, 0, -1], '#8fb6ff'], ['S', [0, 0, 1], '#8fb6ff'],
];

const DIST = 20;
const ARM = 0.9;

/**
 * Patient orientation marker in the lower-right corner: a world-aligned triad with the letters
 * R/L, A/P, S/I at its ends (canvas-texture sprites, no font assets), repositioned in front of
 * the camera every rendered frame (mutation only, no allocation).
 */
export function OrientationMarker() {
  const group = useRef<Group>(null);
  const tmp = useMemo(() => ({ dir: new Vector3(), right: new Vector3(), up: new Vector3() }), []);
  const lines = useMemo(() => {
    const g = new BufferGeometry();
    const p = new Float32Array(6 * 3 * 2);
    const c = new Float32Array(6 * 3 * 2);
    DIRS.forEach(([, d], i) => {
      p.set([0, 0, 0, d[0] * ARM, d[1] * ARM, d[2] * ARM], i * 6);
      const rgb = i < 2 ? [1, 0.45, 0.45] : i < 4 ? [0.5, 0.9, 0.5] : [0.5, 0.65, 1];
      c.set([...rgb, ...rgb], i * 6);
    });
    g.setAttribute('position', new BufferAttribute(p, 3));
    g.setAttribute('color', new BufferAttribute(c, 3));
    return g;
  }, []);
  useFrame(({ camera, size }) => {
    const g = group.current;
    if (!g) return;
    const cam = camera as PerspectiveCamera;
    const halfH = DIST * Math.tan(((cam.fov ?? 38) * Math.PI) / 360);
    const halfW = halfH * (size.width / Math.max(1, size.height));
    cam.getWorldDirection(tmp.dir);
    tmp.right.setFromMatrixColumn(cam.matrixWorld, 0);
    tmp.up.setFromMatrixColumn(cam.matrixWorld, 1);
    g.position.copy(cam.position)
      .addScaledVector(tmp.dir, DIST)
      .addScaledVector(tmp.right, halfW - 2.2)
      .addScaledVector(tmp.up, -halfH + 2.2);
  });
  return (
    <group ref={group} name="orientation" renderOrder={200}>
      <lineSegments geometry={lines} renderOrder={200} raycast={() => undefined}>
        <lineBasicMaterial vertexColors depthTest={false} depthWrite={false} transparent />
      </lineSegments>
      {DIRS.map(([label, d, color]) => (
        <TextSprite key={label} text={label} color={color} size={0.028}
          position={[d[0] * ARM * 1.45, d[1] * ARM * 1.45, d[2] * ARM * 1.45]} renderOrder={201} />
      ))}
    </group>
  );
}
