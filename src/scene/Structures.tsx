import { useEffect, useMemo } from 'react';
import { BufferAttribute, BufferGeometry, DoubleSide, type Plane } from 'three';
import type { Plan, Structure } from '../plan/types.ts';
import { shapeToMesh, type TriangleMesh } from './shapeMesh.ts';

/** Display colour of a structure: organs to avoid amber; arteries red; veins (with a wall coefficient, or named vein) blue. */
export function structureColor(s: Structure): string {
  if (s.role === 'avoid') return '#f0a020';
  const vein = s.wall_h_W_m2K !== undefined || /vein|vena|portal/i.test(s.name);
  return vein ? '#3d6fe8' : '#d83a3a';
}

interface Props {
  structures: Structure[];
  meshes: Plan['meshes'];
  structureMeshes?: Record<string, TriangleMesh>;
  clippingPlanes: Plane[];
}

const noRaycast = (): void => undefined;

function toGeometry(m: TriangleMesh): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(m.positions, 3));
  g.setIndex(new BufferAttribute(m.indices, 1));
  g.computeVertexNormals();
  return g;
}

/** Organs at risk (translucent amber) and vessels (opaque red/blue). */
export function Structures({ structures, meshes, structureMeshes, clippingPlanes }: Props) {
  // Keyed on the structures' content so plan edits elsewhere (probe drags) do not rebuild them.
  const key = JSON.stringify(structures);
  const items = useMemo(() => (JSON.parse(key) as Structure[]).map((s) => {
    const mesh = shapeToMesh(s, { meshes }, structureMeshes, 48);
    return { s, geometry: mesh ? toGeometry(mesh) : null };
  }), [key, meshes, structureMeshes]);
  useEffect(() => () => items.forEach((i) => i.geometry?.dispose()), [items]);
  return (
    <group name="structures">
      {items.map(({ s, geometry }, i) => geometry && (
        <mesh key={`${s.name}:${i}`} geometry={geometry} renderOrder={s.role === 'avoid' ? 50 : 2} raycast={noRaycast}>
          <meshStandardMaterial
            color={structureColor(s)}
            transparent={s.role === 'avoid'}
            opacity={s.role === 'avoid' ? 0.35 : 1}
            depthWrite={s.role !== 'avoid'}
            side={DoubleSide}
            roughness={0.5}
            clippingPlanes={clippingPlanes}
          />
        </mesh>
      ))}
    </group>
  );
}
