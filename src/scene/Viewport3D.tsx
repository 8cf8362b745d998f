import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { Canvas, useThree } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import { Plane, Vector3 } from 'three';
import type { FramePicture } from '../engine/workerApi.ts';
import type { Plan, PlanProbe, Vec3 } from '../plan/types.ts';
import type { TriangleMesh } from '../geometry/mesh.ts';
import { Isosurfaces } from './Isosurfaces.tsx';
import { TumorSurface, type MarginStats } from './TumorSurface.tsx';
import { Structures } from './Structures.tsx';
import { Probes, type DragPhase, type ProbeDragHandler, type ProbeHandle } from './Probes.tsx';
import { OrientationMarker } from './OrientationMarker.tsx';
import { shapeToMesh } from './shapeMesh.ts';
import { sceneFocus } from './sceneBounds.ts';
import { applyHandleDrag } from './probeGeometry.ts';
import { isoStyle, type VisibleLevel } from './isoStyle.ts';
import { BAND_RGB } from './marginBands.ts';

export type { MarginStats, ProbeDragHandler, ProbeHandle, DragPhase, VisibleLevel };

export interface ClipSettings {
  enabled: boolean;
  /** 0 = x (R–L), 1 = y (A–P), 2 = z (I–S). */
  axis: 0 | 1 | 2;
  /** Plane position along the axis [mm]; the side below it is cut away. */
  positionMm: number;
}

export interface Viewport3DProps {
  plan: Plan;
  /** Tumour mesh loaded by the app (mesh files); otherwise built from plan.tumor. */
  tumorMesh?: TriangleMesh | null;
  /** Structure meshes loaded by the app, keyed by the `{ mesh }` name. */
  structureMeshes?: Record<string, TriangleMesh>;
  frame: FramePicture | null;
  selectedProbeId: string | null;
  clip: ClipSettings;
  /** Shown isosurfaces: current-field levels [°C] and 'ablation'; undefined = all. */
  visibleLevels?: readonly VisibleLevel[];
  lethal_C: number;
  margin_mm: number;
  /** Paint margin bands on the tumour (default true). */
  showMarginBands?: boolean;
  /** Live drag of a probe handle; positions in mm. Use applyHandleDrag(probeAtStart, ...) for the new probe. */
  onProbeDrag?: ProbeDragHandler;
  onSelectProbe?: (probeId: string | null) => void;
  /** Margin band vertex counts after each frame (null without a frame). */
  onMarginStats?: (stats: MarginStats | null) => void;
  /** A frame whose surfaces left the 3D view's geometry for another picture's (Isosurfaces). */
  onSurfacesLeft?: (frame: FramePicture) => void;
  /** Entry handle distance from the tip per probe id [mm] (the plan store's entryLengthMm); default 70. */
  entryLengthsMm?: Record<string, number>;
  /** Changing this value re-frames the camera on the case. */
  viewKey?: string | number;
  className?: string;
  style?: CSSProperties;
  /** Extra r3f content inside the Canvas (overlays, test probes). */
  children?: ReactNode;
}

function CameraRig({ center, radius, viewKey }: { center: Vec3; radius: number; viewKey: unknown }) {
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as unknown as { target: Vector3; update: () => void } | null;
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    const d = radius * 3.6;
    camera.up.set(0, 0, 1);
    // Anterior-oblique view from the patient's front-right, slightly above.
    camera.position.set(center[0] - d * 0.35, center[1] - d * 0.88, center[2] + d * 0.32);
    camera.lookAt(center[0], center[1], center[2]);
    if (controls) {
      controls.target.set(center[0], center[1], center[2]);
      controls.update();
    }
    invalidate();
    // Re-frame only on mount, when the view key changes, or once the controls exist.
  }, [viewKey, controls]);
  return null;
}

function ClipUpdater({ plane, clip }: { plane: Plane; clip: ClipSettings }) {
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    const n: Vec3 = [0, 0, 0];
    n[clip.axis] = 1;
    // Keep points with coordinate >= positionMm.
    plane.normal.set(n[0], n[1], n[2]);
    plane.constant = -clip.positionMm;
    invalidate();
  }, [plane, clip.axis, clip.positionMm, clip.enabled, invalidate]);
  return null;
}

const NO_PLANES: Plane[] = [];

/** The 3D view: tumour with margin bands, structures, probes with drag handles, nested isosurfaces. */
export function Viewport3D(props: Viewport3DProps) {
  const { plan, frame, clip, lethal_C, margin_mm } = props;
  // Rebuild the tumour only when its shape changes, not on every plan edit (probe drags).
  const tumorKey = JSON.stringify(plan.tumor ?? null);
  const meshes = plan.meshes;
  const tumorMesh = useMemo(
    () => props.tumorMesh ?? (tumorKey !== 'null' ? shapeToMesh(JSON.parse(tumorKey), { meshes }, undefined, 72) : null),
    [props.tumorMesh, tumorKey, meshes],
  );
  const focus = useMemo(() => sceneFocus(plan, tumorMesh, props.entryLengthsMm), [plan, tumorMesh, props.entryLengthsMm]);

  // Frame the camera on the first case and when viewKey changes, not on every plan edit.
  const [framing, setFraming] = useState({ key: props.viewKey, focus });
  if (framing.key !== props.viewKey) setFraming({ key: props.viewKey, focus });

  const plane = useMemo(() => new Plane(new Vector3(0, 0, 1), 0), []);
  const planeList = useMemo(() => [plane], [plane]);
  const clippingPlanes = clip.enabled ? planeList : NO_PLANES;

  const [orbitEnabled, setOrbitEnabled] = useState(true);
  const controlsRef = useRef<{ enabled: boolean } | null>(null);
  const setOrbit = useCallback((on: boolean) => {
    if (controlsRef.current) controlsRef.current.enabled = on; // immediately, before React re-renders
    setOrbitEnabled(on);
  }, []);

  const [preview, setPreview] = useState<{ probeId: string; tip_mm: Vec3; axis: Vec3; entryLengthMm: number } | null>(null);
  const dragStartLength = useRef<number | undefined>(undefined);
  const entryLengths = props.entryLengthsMm;
  const dragStart = useRef<PlanProbe | null>(null);
  const onProbeDrag = props.onProbeDrag;
  const handleDrag = useCallback((probeId: string, handle: ProbeHandle, positionMm: Vec3, phase: DragPhase) => {
    if (phase === 'start') {
      dragStart.current = plan.probes.find((p) => p.id === probeId) ?? null;
      dragStartLength.current = entryLengths?.[probeId];
    }
    const start = dragStart.current;
    if (start) {
      const next = applyHandleDrag(start, handle, positionMm, dragStartLength.current);
      setPreview(phase === 'end' ? null : { probeId, ...next });
    }
    if (phase === 'end') dragStart.current = null;
    onProbeDrag?.(probeId, handle, positionMm, phase);
  }, [plan, onProbeDrag, entryLengths]);

  const legend = useMemo(() => {
    const rows = (frame?.isosurfaces ?? []).map((s) => isoStyle(s)).sort((a, b) => a.rank - b.rank);
    return rows;
  }, [frame?.isosurfaces]);
  const visible = props.visibleLevels;

  return (
    <div className={props.className} style={{ position: 'relative', width: '100%', height: '100%', background: '#0b0f14', ...props.style }}>
      <Canvas
        frameloop="demand"
        dpr={[1, 2]}
        gl={{ preserveDrawingBuffer: true, antialias: true }}
        camera={{ fov: 38, near: 0.5, far: 5000, up: [0, 0, 1], position: [0, -150, 50] }}
        onCreated={({ gl }) => { gl.localClippingEnabled = true; }}
        onPointerMissed={() => props.onSelectProbe?.(null)}
        style={{ position: 'absolute', inset: 0 }}
      >
        <color attach="background" args={['#0b0f14']} />
        <hemisphereLight args={['#dfe8f5', '#202830', 0.9]} />
        <directionalLight position={[-150, -250, 250]} intensity={1.6} />
        <directionalLight position={[200, 100, -80]} intensity={0.5} />
        <OrbitControls ref={controlsRef as never} makeDefault enabled={orbitEnabled} enableDamping={false} />
        <CameraRig center={framing.focus.center} radius={framing.focus.radius} viewKey={framing.key} />
        <ClipUpdater plane={plane} clip={clip} />
        {tumorMesh && (
          <TumorSurface mesh={tumorMesh} frame={frame} lethal_C={lethal_C} margin_mm={margin_mm}
            showBands={props.showMarginBands ?? true} clippingPlanes={clippingPlanes} onMarginStats={props.onMarginStats} />
        )}
        <Structures structures={plan.structures} meshes={plan.meshes} structureMeshes={props.structureMeshes} clippingPlanes={clippingPlanes} />
        <Probes probes={plan.probes} selectedProbeId={props.selectedProbeId} preview={preview} entryLengthsMm={entryLengths}
          onDrag={handleDrag} onSelect={props.onSelectProbe} setOrbitEnabled={setOrbit} />
        <Isosurfaces frame={frame} visibleLevels={visible} clippingPlanes={clippingPlanes} onSurfacesLeft={props.onSurfacesLeft} />
        <OrientationMarker />
        {props.children}
      </Canvas>
      <Legend rows={legend.filter((r) => !visible || visible.includes(r.key === 'ablation' ? 'ablation' : Number(r.key.split(':')[1])))}
        margin_mm={margin_mm} showBands={(props.showMarginBands ?? true) && !!tumorMesh} t_s={frame?.t_s ?? null} />
    </div>
  );
}

function css(rgb: readonly [number, number, number]): string {
  return `rgb(${Math.round(rgb[0] * 255)},${Math.round(rgb[1] * 255)},${Math.round(rgb[2] * 255)})`;
}

function formatTime(t: number): string {
  const m = Math.floor(t / 60);
  const s = Math.floor(t % 60);
  return `${m}:${s.toString().padStart(2, '0')}`;
}

function Legend({ rows, margin_mm, showBands, t_s }: {
  rows: { key: string; label: string; color: string }[]; margin_mm: number; showBands: boolean; t_s: number | null;
}) {
  const box: CSSProperties = {
    position: 'absolute', left: 8, bottom: 8, padding: '6px 8px', background: 'rgba(11,15,20,0.78)',
    border: '1px solid #2a3542', borderRadius: 4, font: '12px system-ui, sans-serif', color: '#d6dee8',
    pointerEvents: 'none', lineHeight: '17px',
  };
  const sw = (c: string): CSSProperties => ({ display: 'inline-block', width: 11, height: 11, background: c, marginRight: 6, verticalAlign: -1, borderRadius: 2 });
  return (
    <div style={box} data-testid="viewport-legend">
      {t_s !== null && <div style={{ fontWeight: 600, marginBottom: 2 }}>t = {formatTime(t_s)}</div>}
      {rows.map((r) => <div key={r.key}><span style={sw(r.color)} />{r.label}</div>)}
      {showBands && (
        <div style={{ marginTop: 4 }}>
          <div style={{ color: '#9fb3c8' }}>tumour margin</div>
          <span style={sw(css(BAND_RGB[0]))} />&lt; 0
          <span style={{ ...sw(css(BAND_RGB[1])), marginLeft: 8 }} />0–{margin_mm}
          <span style={{ ...sw(css(BAND_RGB[2])), marginLeft: 8 }} />≥ {margin_mm} mm
        </div>
      )}
    </div>
  );
}
