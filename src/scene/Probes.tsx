import { useMemo, useRef } from 'react';
import { useThree, type ThreeEvent } from '@react-three/fiber';
import { CylinderGeometry, Quaternion, SphereGeometry, Vector3 } from 'three';
import type { PlanProbe, Vec3 } from '../plan/types.ts';
import { activeZoneMm, addScaled, entryPointMm, NEEDLE_LENGTH_MM, normalize, probeSpecOf } from './probeGeometry.ts';
import { dragHandlePosition, type V3 } from './dragMath.ts';
import { TextSprite } from './TextSprite.tsx';

export type ProbeHandle = 'tip' | 'entry';
export type DragPhase = 'start' | 'move' | 'end';
export type ProbeDragHandler = (probeId: string, handle: ProbeHandle, positionMm: Vec3, phase: DragPhase) => void;

/** Shared unit geometries (radius 1, height 1 along +Y, centred). */
const UNIT_CYLINDER = new CylinderGeometry(1, 1, 1, 16, 1);
const UNIT_SPHERE = new SphereGeometry(1, 20, 14);
const Y = new Vector3(0, 1, 0);

function segmentTransform(a: Vec3, b: Vec3, radius: number) {
  const d = new Vector3(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  const len = d.length();
  const q = new Quaternion().setFromUnitVectors(Y, len > 0 ? d.clone().divideScalar(len) : Y);
  return {
    position: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2] as Vec3,
    quaternion: q,
    scale: [radius, Math.max(len, 1e-3), radius] as Vec3,
  };
}

interface DragState {
  probeId: string;
  handle: ProbeHandle;
  pointerId: number;
  anchor: V3;
  viewDir: V3;
  grabOffset: V3;
}

interface Props {
  probes: PlanProbe[];
  selectedProbeId: string | null;
  /** Probe drawn in place of its plan version while a drag is in progress. */
  preview: { probeId: string; tip_mm: Vec3; axis: Vec3; entryLengthMm: number } | null;
  /** Entry handle distance per probe id [mm]; default ENTRY_HANDLE_DISTANCE_MM. */
  entryLengthsMm?: Record<string, number>;
  onDrag: (probeId: string, handle: ProbeHandle, positionMm: Vec3, phase: DragPhase) => void;
  onSelect?: (probeId: string | null) => void;
  setOrbitEnabled: (enabled: boolean) => void;
}

/**
 * Probes as needles: a thin shaft from the tip along the axis, the freezing zone thicker and
 * ice-blue, a tip handle and an entry handle (spheres) dragged in the plane facing the camera.
 */
export function Probes({ probes, selectedProbeId, preview, entryLengthsMm, onDrag, onSelect, setOrbitEnabled }: Props) {
  const camera = useThree((s) => s.camera);
  const drag = useRef<DragState | null>(null);
  const tmp = useMemo(() => new Vector3(), []);

  const begin = (e: ThreeEvent<PointerEvent>, probeId: string, handle: ProbeHandle, at: Vec3) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    (e.target as unknown as Element).setPointerCapture(e.pointerId);
    camera.getWorldDirection(tmp);
    const viewDir: V3 = [tmp.x, tmp.y, tmp.z];
    const o = e.ray.origin, d = e.ray.direction;
    const hit = dragHandlePosition([o.x, o.y, o.z], [d.x, d.y, d.z], at, viewDir, [0, 0, 0]) ?? at;
    drag.current = {
      probeId, handle, pointerId: e.pointerId, anchor: [at[0], at[1], at[2]], viewDir,
      grabOffset: [at[0] - hit[0], at[1] - hit[1], at[2] - hit[2]],
    };
    setOrbitEnabled(false);
    onSelect?.(probeId);
    onDrag(probeId, handle, [at[0], at[1], at[2]], 'start');
  };
  const positionOf = (e: ThreeEvent<PointerEvent>): Vec3 | null => {
    const s = drag.current;
    if (!s || s.pointerId !== e.pointerId) return null;
    const o = e.ray.origin, d = e.ray.direction;
    return dragHandlePosition([o.x, o.y, o.z], [d.x, d.y, d.z], s.anchor, s.viewDir, s.grabOffset);
  };
  const move = (e: ThreeEvent<PointerEvent>) => {
    const s = drag.current;
    if (!s) return;
    e.stopPropagation();
    const p = positionOf(e);
    if (p) onDrag(s.probeId, s.handle, p, 'move');
  };
  const end = (e: ThreeEvent<PointerEvent>) => {
    const s = drag.current;
    if (!s || s.pointerId !== e.pointerId) return;
    e.stopPropagation();
    const p = positionOf(e) ?? s.anchor;
    (e.target as unknown as Element).releasePointerCapture?.(e.pointerId);
    drag.current = null;
    setOrbitEnabled(true);
    onDrag(s.probeId, s.handle, p, 'end');
  };

  return (
    <group name="probes">
      {probes.map((plain) => {
        const inDrag = preview && preview.probeId === plain.id;
        const p = inDrag ? { ...plain, tip_mm: preview.tip_mm, axis: preview.axis } : plain;
        const spec = probeSpecOf(p);
        const axis = normalize(p.axis);
        const r = Math.max(0.4, spec.diameter_mm / 2);
        const far = addScaled(p.tip_mm, axis, NEEDLE_LENGTH_MM);
        const [a0, a1] = activeZoneMm(p, spec);
        const entry = entryPointMm(p, inDrag ? preview.entryLengthMm : entryLengthsMm?.[p.id]);
        const selected = p.id === selectedProbeId;
        const shaft = segmentTransform(p.tip_mm, far, r);
        const zone = segmentTransform(a0, a1, r * 1.35);
        const handleR = Math.max(2, r * 1.8);
        return (
          <group key={p.id}>
            <mesh {...shaft} geometry={UNIT_CYLINDER} renderOrder={3}
              onPointerDown={(e) => { e.stopPropagation(); onSelect?.(p.id); }}>
              <meshStandardMaterial color={selected ? '#ffd54a' : '#c8ccd2'} metalness={0.6} roughness={0.3} />
            </mesh>
            <mesh {...zone} geometry={UNIT_CYLINDER} renderOrder={3} raycast={() => undefined}>
              <meshStandardMaterial color={selected ? '#9ef0ff' : '#5fd0f5'} emissive="#1d6f8f" emissiveIntensity={0.5} roughness={0.3} />
            </mesh>
            {(['tip', 'entry'] as const).map((h) => {
              const at = h === 'tip' ? p.tip_mm : entry;
              return (
                <mesh key={h} position={at} scale={h === 'tip' ? handleR : handleR * 1.2} geometry={UNIT_SPHERE} renderOrder={4}
                  onPointerDown={(e) => begin(e, p.id, h, at)}
                  onPointerMove={move}
                  onPointerUp={end}
                  onPointerCancel={end}
                  onPointerOver={(e) => { e.stopPropagation(); document.body.style.cursor = 'grab'; }}
                  onPointerOut={() => { document.body.style.cursor = ''; }}>
                  <meshStandardMaterial color={h === 'tip' ? '#ff8a3d' : '#7be07b'} emissive={selected ? '#553300' : '#000000'}
                    transparent opacity={0.9} roughness={0.4} />
                </mesh>
              );
            })}
            <TextSprite text={p.id} position={entry} color={selected ? '#ffd54a' : '#e8edf2'} size={0.032} offset={[0.9, 0.9]} />
          </group>
        );
      })}
    </group>
  );
}
