import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { FramePicture } from '../../engine/workerApi.ts';
import type { Plan, Vec3 } from '../../plan/types.ts';
import type { TriangleMesh } from '../../geometry/mesh.ts';
import { contourPaths } from '../../geometry/marchingSquares.ts';
import type { Polylines } from '../../geometry/segmentChains.ts';
import { shapeToMesh } from '../../scene/shapeMesh.ts';
import { structureColor } from '../../scene/Structures.tsx';
import { applyHandleDrag, entryPointMm } from '../../scene/probeGeometry.ts';
import { ABLATION_COLOR, isothermColor } from '../../scene/isoStyle.ts';
import { buildTemperatureLut, colorizeTemperatures, COLORMAP_MAX_C, COLORMAP_MIN_C, temperatureCss } from './colormap.ts';
import {
  fitViewport, gridExtentMm, mmToPx, planeToWorld, pxToMm, scaleBarMm, sliceIndex, sliceLayout, sliceValues,
  type Axis, type SliceViewport,
} from './sliceMapping.ts';
import { rasterizeNow, useRedrawScheduler } from './redrawScheduler.ts';
import { meshPlanePaths } from './meshSlice.ts';
import { probeOnSlice } from './sliceProbes.ts';

export type ProbeHandle = 'tip' | 'entry';
export type DragPhase = 'start' | 'move' | 'end';

/** A probe handle under the pointer: its depth along the view's axis and its [u, v] position [mm]. */
interface HandleHit {
  probeId: string;
  handle: ProbeHandle;
  depthMm: number;
  atMm: [number, number];
}

export interface SliceViewProps {
  /** 2 = axial, 1 = coronal, 0 = sagittal. */
  axis: Axis;
  frame: FramePicture | null;
  plan: Plan;
  /** Tumour mesh loaded by the app; otherwise built from plan.tumor. */
  tumorMesh?: TriangleMesh | null;
  structureMeshes?: Record<string, TriangleMesh>;
  /** Shared cursor [mm]; the slice passes through cursorMm[axis]. */
  cursorMm: Vec3;
  lethal_C: number;
  /** Isotherms of the current field drawn as contours [°C]; default [0, -20, -40]. */
  isoLevels_C?: readonly number[];
  /** Draw the lethal contour of the minimum temperature so far (default true). */
  showAblation?: boolean;
  selectedProbeId?: string | null;
  /** Entry handle distance from the tip per probe id [mm] (the plan store's entryLengthMm); default 70. */
  entryLengthsMm?: Record<string, number>;
  /** Click / drag on the image moves the cursor; the wheel steps the slice. */
  onCursor?: (mm: Vec3) => void;
  onSelectProbe?: (probeId: string | null) => void;
  /** Dragging a projected tip/entry handle moves it within this slice's plane. */
  onProbeDrag?: (probeId: string, handle: ProbeHandle, positionMm: Vec3, phase: DragPhase) => void;
  className?: string;
  style?: CSSProperties;
}

const BG = '#0b0f14';
const LUT = buildTemperatureLut();
const HIT_PX = 9;
/**
 * Slices are redrawn from pixels (putImageData) at every frame: CPU-backed canvases. A
 * GPU-accelerated 2D canvas stalled the page on GPU backpressure for up to a second per redraw
 * under software GL (headless Chromium, SwiftShader).
 */
const CANVAS_OPTIONS: CanvasRenderingContext2DSettings = { willReadFrequently: true };

interface Scratch {
  values: Float32Array;
  minValues: Float32Array;
  rgba: Uint8ClampedArray;
  img: HTMLCanvasElement | null;
}

/** A 2D slice: temperature colour map, isotherm contours, tumour/structure outlines, probes, cursor. */
export function SliceView(props: SliceViewProps) {
  const { axis, frame, plan, cursorMm, lethal_C } = props;
  const layout = useMemo(() => sliceLayout(axis), [axis]);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<{ w: number; h: number; dpr: number }>({ w: 0, h: 0, dpr: 1 });
  const scratch = useRef<Scratch>({ values: new Float32Array(0), minValues: new Float32Array(0), rgba: new Uint8ClampedArray(0), img: null });
  const vpRef = useRef<SliceViewport | null>(null);

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => {
      const r = el.getBoundingClientRect();
      setSize((s) => {
        const dpr = window.devicePixelRatio || 1;
        const w = Math.round(r.width), h = Math.round(r.height);
        return s.w === w && s.h === h && s.dpr === dpr ? s : { w, h, dpr };
      });
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Shapes are rebuilt only when they change, not on every plan edit (probe drags).
  const tumorKey = JSON.stringify(plan.tumor ?? null);
  const structuresKey = JSON.stringify(plan.structures);
  const meshes = plan.meshes;
  const tumorMesh = useMemo(
    () => props.tumorMesh ?? (tumorKey !== 'null' ? shapeToMesh(JSON.parse(tumorKey), { meshes }, undefined, 96) : null),
    [props.tumorMesh, tumorKey, meshes],
  );
  const structures = useMemo(
    () => (JSON.parse(structuresKey) as Plan['structures']).map((s) => ({ s, mesh: shapeToMesh(s, { meshes }, props.structureMeshes, 64) })),
    [structuresKey, meshes, props.structureMeshes],
  );

  const slicePos = cursorMm[axis];
  const isoLevels = props.isoLevels_C ?? DEFAULT_LEVELS;
  const showAblation = props.showAblation ?? true;

  // Outlines depend only on the plan and the slice position.
  const outlines = useMemo(() => {
    const out: { color: string; dash: number[]; width: number; paths: Polylines }[] = [];
    for (const { s, mesh } of structures) {
      if (!mesh) continue;
      out.push({
        color: structureColor(s), dash: s.role === 'avoid' ? [5, 3] : [], width: 1.5,
        paths: meshPlanePaths(mesh.positions, mesh.indices, axis, slicePos, layout.u, layout.v),
      });
    }
    if (tumorMesh) {
      out.push({ color: TUMOR_CSS, dash: [], width: 2, paths: meshPlanePaths(tumorMesh.positions, tumorMesh.indices, axis, slicePos, layout.u, layout.v) });
    }
    return out;
  }, [structures, tumorMesh, axis, slicePos, layout]);

  const fu = frame ? 0 : cursorMm[layout.u];
  const fv = frame ? 0 : cursorMm[layout.v];
  const grid = frame?.grid;
  // During a probe drag in this view the viewport stays as it was at the drag's start: each preview
  // run's grid (fitted below) has other bounds, and a rescaled view would move the millimetres
  // under the pointer, so that the probe jumped back and forth as the drag went on.
  const [dragViewport, setDragViewport] = useState<SliceViewport | null>(null);
  const fittedViewport = useMemo((): SliceViewport | null => {
    if (size.w <= 0 || size.h <= 0) return null;
    let ur: [number, number], vr: [number, number];
    if (grid) {
      ur = gridExtentMm(grid, layout.u);
      vr = gridExtentMm(grid, layout.v);
    } else {
      // No frame yet: 100 mm around the cursor.
      ur = [fu - 50, fu + 50];
      vr = [fv - 50, fv + 50];
    }
    return fitViewport(layout, ur, vr, size.w, size.h, 30);
  }, [size.w, size.h, grid, layout, fu, fv]);
  const viewport = dragViewport ?? fittedViewport;

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas || !viewport) return;
    vpRef.current = viewport;
    const { w, h, dpr } = size;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d', CANVAS_OPTIONS);
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = BG;
    ctx.fillRect(0, 0, w, h);
    const vp = viewport;
    const [x0, y0] = mmToPx(vp, vp.uMin, layout.vDown ? vp.vMin : vp.vMax);
    const iw = (vp.uMax - vp.uMin) * vp.scale, ih = (vp.vMax - vp.vMin) * vp.scale;

    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, iw, ih);
    ctx.clip();
    if (frame) {
      drawTemperature(ctx, frame, layout, slicePos, vp, scratch.current);
      drawContours(ctx, frame, layout, slicePos, vp, scratch.current, isoLevels, showAblation ? lethal_C : null);
    } else {
      ctx.fillStyle = temperatureCss(37);
      ctx.fillRect(x0, y0, iw, ih);
    }
    for (const o of outlines) drawPolylines(ctx, vp, o.paths, IN_MM, o.color, o.width, o.dash);
    drawProbes(ctx, vp, plan, layout, slicePos, props.selectedProbeId ?? null, frame?.grid.spacingMm ?? 1, props.entryLengthsMm);
    drawCursor(ctx, vp, cursorMm[layout.u], cursorMm[layout.v], x0, y0, iw, ih);
    ctx.restore();
    ctx.strokeStyle = '#2a3542';
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 - 0.5, y0 - 0.5, iw + 1, ih + 1);
    drawAnnotations(ctx, vp, w, h, slicePos, x0, y0, iw, ih);
    if (frame) drawContourLegend(ctx, w, isoLevels, showAblation ? lethal_C : null);
    rasterizeNow(ctx);
  }, [viewport, size, frame, layout, slicePos, isoLevels, showAblation, lethal_C, outlines, plan, props.selectedProbeId, props.entryLengthsMm, cursorMm]);

  // Redraw when inputs change, in a task of its own (RedrawScheduler; requests before it runs
  // coalesce).
  const redraws = useRedrawScheduler();
  useEffect(() => redraws.current?.request(draw), [draw]);

  // --- interaction -------------------------------------------------------------------------
  // A probe drag keeps the handle where it was grabbed relative to the pointer ([u, v] offset, mm):
  // the handle does not jump to the pointer on the first move.
  const dragRef = useRef<{ kind: 'cursor' } | { kind: 'probe'; probeId: string; handle: ProbeHandle; depthMm: number; offsetMm: [number, number] } | null>(null);
  const eventMm = (e: React.PointerEvent | React.WheelEvent): [number, number] | null => {
    const vp = vpRef.current;
    const c = canvasRef.current;
    if (!vp || !c) return null;
    const r = c.getBoundingClientRect();
    return pxToMm(vp, e.clientX - r.left, e.clientY - r.top);
  };
  const hitHandle = (e: React.PointerEvent): HandleHit | null => {
    const vp = vpRef.current;
    const c = canvasRef.current;
    if (!vp || !c || !props.onProbeDrag) return null;
    const r = c.getBoundingClientRect();
    const px = e.clientX - r.left, py = e.clientY - r.top;
    let best: HandleHit | null = null;
    let bestD = HIT_PX;
    for (const p of plan.probes) {
      const entry = entryPointMm(p, props.entryLengthsMm?.[p.id]);
      for (const [handle, at] of [['tip', p.tip_mm], ['entry', entry]] as const) {
        const [hx, hy] = mmToPx(vp, at[layout.u], at[layout.v]);
        const d = Math.hypot(hx - px, hy - py);
        if (d < bestD) {
          bestD = d;
          best = { probeId: p.id, handle, depthMm: at[axis], atMm: [at[layout.u], at[layout.v]] };
        }
      }
    }
    return best;
  };
  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const mm = eventMm(e);
    if (!mm) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const hit = hitHandle(e);
    if (hit) {
      dragRef.current = { kind: 'probe', probeId: hit.probeId, handle: hit.handle, depthMm: hit.depthMm, offsetMm: [hit.atMm[0] - mm[0], hit.atMm[1] - mm[1]] };
      setDragViewport(vpRef.current);
      props.onSelectProbe?.(hit.probeId);
      const p = plan.probes.find((q) => q.id === hit.probeId);
      if (p) props.onProbeDrag?.(hit.probeId, hit.handle, hit.handle === 'tip' ? p.tip_mm : entryPointMm(p, props.entryLengthsMm?.[p.id]), 'start');
      return;
    }
    dragRef.current = { kind: 'cursor' };
    props.onCursor?.(planeToWorld(layout, mm[0], mm[1], slicePos));
  };
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = dragRef.current;
    const mm = d && eventMm(e);
    if (!d || !mm) return;
    if (d.kind === 'cursor') props.onCursor?.(planeToWorld(layout, mm[0], mm[1], slicePos));
    else props.onProbeDrag?.(d.probeId, d.handle, planeToWorld(layout, mm[0] + d.offsetMm[0], mm[1] + d.offsetMm[1], d.depthMm), 'move');
  };
  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = dragRef.current;
    dragRef.current = null;
    if (!d || d.kind !== 'probe') return;
    setDragViewport(null);
    const mm = eventMm(e);
    if (mm) props.onProbeDrag?.(d.probeId, d.handle, planeToWorld(layout, mm[0] + d.offsetMm[0], mm[1] + d.offsetMm[1], d.depthMm), 'end');
  };
  const onWheel = (e: WheelEvent) => {
    if (!props.onCursor) return;
    e.preventDefault();
    const step = (frame?.grid.spacingMm ?? 1) * (e.shiftKey ? 5 : 1) * (e.deltaY > 0 ? -1 : 1);
    const next: Vec3 = [cursorMm[0], cursorMm[1], cursorMm[2]];
    next[axis] += step;
    if (frame) {
      const g = frame.grid;
      next[axis] = g.originMm[axis] + sliceIndex(g, axis, next[axis]) * g.spacingMm;
    }
    props.onCursor(next);
  };
  // The wheel steps the slice and only that: a native listener, since React's wheel listeners are
  // passive and cannot keep the page from scrolling too.
  const wheelRef = useRef(onWheel);
  wheelRef.current = onWheel;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const listener = (e: WheelEvent): void => wheelRef.current(e);
    canvas.addEventListener('wheel', listener, { passive: false });
    return () => canvas.removeEventListener('wheel', listener);
  }, []);

  return (
    <div ref={wrapRef} className={props.className}
      style={{ position: 'relative', width: '100%', height: '100%', minHeight: 120, background: BG, overflow: 'hidden', ...props.style }}>
      <canvas
        ref={canvasRef}
        data-testid={`slice-${layout.name.toLowerCase()}`}
        aria-label={`${layout.name} slice at ${slicePos.toFixed(1)} mm`}
        style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', touchAction: 'none', cursor: 'crosshair' }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      />
    </div>
  );
}

export { applyHandleDrag };

const DEFAULT_LEVELS: readonly number[] = [0, -20, -40];
const TUMOR_CSS = '#ffe14d';

// --- drawing helpers (plain functions; no React) ---------------------------------------------

function drawTemperature(ctx: CanvasRenderingContext2D, frame: FramePicture, layout: ReturnType<typeof sliceLayout>,
  slicePos: number, vp: SliceViewport, s: Scratch): void {
  const g = frame.grid;
  const idx = sliceIndex(g, layout.axis, slicePos);
  const { values, width, height } = sliceValues(frame.temperature_C, g, layout, idx, s.values);
  s.values = values;
  if (s.rgba.length !== width * height * 4) s.rgba = new Uint8ClampedArray(width * height * 4);
  const rgba = s.rgba;
  colorizeTemperatures(values.subarray(0, width * height), LUT, rgba);
  if (!s.img) s.img = document.createElement('canvas');
  const img = s.img;
  if (img.width !== width || img.height !== height) {
    img.width = width;
    img.height = height;
  }
  const ictx = img.getContext('2d', CANVAS_OPTIONS);
  if (!ictx) return;
  ictx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  const [ux, uy] = mmToPx(vp, vp.uMin, layout.vDown ? vp.vMin : vp.vMax);
  const iw = (vp.uMax - vp.uMin) * vp.scale, ih = (vp.vMax - vp.vMin) * vp.scale;
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  if (layout.vDown) {
    ctx.drawImage(img, ux, uy, iw, ih);
  } else {
    // Image row 0 is vMin, which is at the bottom when +v points up.
    ctx.translate(ux, uy + ih);
    ctx.scale(1, -1);
    ctx.drawImage(img, 0, 0, iw, ih);
  }
  ctx.restore();
}

function drawContours(ctx: CanvasRenderingContext2D, frame: FramePicture, layout: ReturnType<typeof sliceLayout>,
  slicePos: number, vp: SliceViewport, s: Scratch, levels: readonly number[], lethal: number | null): void {
  const g = frame.grid;
  const idx = sliceIndex(g, layout.axis, slicePos);
  const { values, width, height } = sliceValues(frame.temperature_C, g, layout, idx, s.values);
  s.values = values;
  const cur = values.subarray(0, width * height);
  const at: PathPlacement = { u0: g.originMm[layout.u], v0: g.originMm[layout.v], hmm: g.spacingMm };
  for (const level of levels) {
    drawPolylines(ctx, vp, contourPaths(cur, width, height, level), at, isothermColor(level), level === 0 ? 1.6 : 1.4, []);
  }
  if (lethal !== null) {
    const m = sliceValues(frame.minTemperature_C, g, layout, idx, s.minValues);
    s.minValues = m.values;
    drawPolylines(ctx, vp, contourPaths(m.values.subarray(0, width * height), width, height, lethal), at, ABLATION_COLOR, 2, [6, 3]);
  }
}

/** Where paths lie in the plane: point (x, y) is at (u0 + x·hmm, v0 + y·hmm) mm. */
interface PathPlacement {
  u0: number;
  v0: number;
  hmm: number;
}

/** Paths already in mm (mesh outlines). */
const IN_MM: PathPlacement = { u0: 0, v0: 0, hmm: 1 };

/**
 * Paths stroked as connected lines with a dark halo under them: one sub-path per path, so the
 * canvas joins the segments (and a dash pattern runs along the line) instead of capping each
 * square's or triangle's piece, which also rasterizes several times faster.
 */
function drawPolylines(ctx: CanvasRenderingContext2D, vp: SliceViewport, paths: Polylines, at: PathPlacement,
  color: string, width: number, dash: number[]): void {
  if (paths.points.length === 0) return;
  const { points, starts, closed } = paths;
  ctx.beginPath();
  for (let p = 0; p + 1 < starts.length; p++) {
    for (let i = starts[p]; i < starts[p + 1]; i++) {
      const [x, y] = mmToPx(vp, at.u0 + points[2 * i] * at.hmm, at.v0 + points[2 * i + 1] * at.hmm);
      if (i === starts[p]) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    if (closed[p]) ctx.closePath();
  }
  ctx.lineJoin = 'round';
  strokeWithHalo(ctx, color, width, dash);
  ctx.lineJoin = 'miter';
}

/** Strokes the current path with round caps: a dark halo `width` + 2 px wide, then `color` (dashed by `dash`). */
function strokeWithHalo(ctx: CanvasRenderingContext2D, color: string, width: number, dash: number[]): void {
  ctx.lineCap = 'round';
  ctx.setLineDash([]);
  ctx.strokeStyle = 'rgba(0,0,0,0.55)';
  ctx.lineWidth = width + 2;
  ctx.stroke();
  ctx.setLineDash(dash);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.stroke();
  ctx.setLineDash([]);
}

function drawProbes(ctx: CanvasRenderingContext2D, vp: SliceViewport, plan: Plan, layout: ReturnType<typeof sliceLayout>,
  slicePos: number, selected: string | null, spacingMm: number, entryLengths?: Record<string, number>): void {
  for (const probe of plan.probes) {
    const p = probeOnSlice(probe, layout, slicePos, Math.max(2, spacingMm * 1.5), entryLengths?.[probe.id]);
    const sel = probe.id === selected;
    const [tx, ty] = mmToPx(vp, p.tip[0], p.tip[1]);
    const [fx, fy] = mmToPx(vp, p.far[0], p.far[1]);
    const [ex, ey] = mmToPx(vp, p.entry[0], p.entry[1]);
    // Projected needle: solid when it lies in the plane, faint dashed otherwise.
    ctx.beginPath();
    ctx.moveTo(tx, ty);
    ctx.lineTo(fx, fy);
    ctx.setLineDash(p.inPlane ? [] : [4, 4]);
    ctx.strokeStyle = 'rgba(0,0,0,0.5)';
    ctx.lineWidth = p.inPlane ? 4 : 3;
    ctx.stroke();
    ctx.strokeStyle = sel ? '#ffd54a' : p.inPlane ? '#e8edf2' : 'rgba(232,237,242,0.55)';
    ctx.lineWidth = p.inPlane ? 2 : 1.2;
    ctx.stroke();
    ctx.setLineDash([]);
    if (p.crossing) {
      const [cx, cy] = mmToPx(vp, p.crossing[0], p.crossing[1]);
      ctx.beginPath();
      ctx.arc(cx, cy, 4, 0, Math.PI * 2);
      ctx.fillStyle = sel ? '#ffd54a' : '#ffffff';
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#000';
      ctx.stroke();
    }
    // Handles: tip (orange) and entry (green), faint when off the plane.
    const near = Math.abs(p.tipDepthMm) <= Math.max(2, spacingMm * 1.5);
    for (const [x, y, c, r] of [[tx, ty, '#ff8a3d', 5], [ex, ey, '#7be07b', 5]] as const) {
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.globalAlpha = near || p.inPlane ? 1 : 0.6;
      ctx.fillStyle = c;
      ctx.fill();
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillStyle = sel ? '#ffd54a' : '#e8edf2';
    ctx.strokeStyle = 'rgba(0,0,0,0.8)';
    ctx.lineWidth = 3;
    ctx.strokeText(probe.id, ex + 8, ey - 6);
    ctx.fillText(probe.id, ex + 8, ey - 6);
  }
}

function drawCursor(ctx: CanvasRenderingContext2D, vp: SliceViewport, u: number, v: number, x0: number, y0: number, iw: number, ih: number): void {
  const [cx, cy] = mmToPx(vp, u, v);
  const gap = 8;
  ctx.strokeStyle = 'rgba(120, 255, 160, 0.85)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x0, cy + 0.5);
  ctx.lineTo(cx - gap, cy + 0.5);
  ctx.moveTo(cx + gap, cy + 0.5);
  ctx.lineTo(x0 + iw, cy + 0.5);
  ctx.moveTo(cx + 0.5, y0);
  ctx.lineTo(cx + 0.5, cy - gap);
  ctx.moveTo(cx + 0.5, cy + gap);
  ctx.lineTo(cx + 0.5, y0 + ih);
  ctx.stroke();
}

function drawAnnotations(ctx: CanvasRenderingContext2D, vp: SliceViewport, w: number, h: number, slicePos: number,
  x0: number, y0: number, iw: number, ih: number): void {
  const L = vp.layout;
  const axisName = ['x', 'y', 'z'][L.axis];
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillStyle = '#d6dee8';
  // On one line unless it would run under the contour key (top right, CONTOUR_KEY_PX wide): the
  // views are ~215 px wide in a 1024 px window.
  const where = `${axisName} = ${slicePos.toFixed(1)} mm`;
  const oneLine = `${L.name}  ${where}`;
  if (8 + ctx.measureText(oneLine).width + 8 <= w - CONTOUR_KEY_PX) ctx.fillText(oneLine, 8, 7);
  else {
    ctx.fillText(L.name, 8, 7);
    ctx.fillText(where, 8, 21);
  }
  // Orientation letters at the middle of each edge.
  ctx.font = '700 13px system-ui, sans-serif';
  ctx.fillStyle = '#9fb3c8';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillText(L.labels.left, x0 - 5, y0 + ih / 2);
  ctx.textAlign = 'left';
  ctx.fillText(L.labels.right, x0 + iw + 5, y0 + ih / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(L.labels.top, x0 + iw / 2, y0 - 3);
  ctx.textBaseline = 'top';
  ctx.fillText(L.labels.bottom, x0 + iw / 2, y0 + ih + 3);
  // Scale bar, bottom right.
  const mm = scaleBarMm(vp.scale, Math.min(90, iw / 4));
  const len = mm * vp.scale;
  const bx = w - 12 - len, by = h - 12;
  ctx.strokeStyle = '#e8edf2';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(bx, by - 4);
  ctx.lineTo(bx, by);
  ctx.lineTo(bx + len, by);
  ctx.lineTo(bx + len, by - 4);
  ctx.stroke();
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#e8edf2';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(`${mm} mm`, bx + len / 2, by - 4);
  // Colour bar, bottom left, with °C ticks.
  const cw = Math.min(150, w * 0.35), ch = 7, cx = 10, cy = h - 22;
  for (let i = 0; i < cw; i++) {
    ctx.fillStyle = temperatureCss(COLORMAP_MIN_C + ((COLORMAP_MAX_C - COLORMAP_MIN_C) * i) / (cw - 1));
    ctx.fillRect(cx + i, cy, 1, ch);
  }
  ctx.strokeStyle = '#2a3542';
  ctx.lineWidth = 1;
  ctx.strokeRect(cx - 0.5, cy - 0.5, cw + 1, ch + 1);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#c5d0dc';
  ctx.textBaseline = 'top';
  for (const t of [-150, -40, 0, 37]) {
    const x = cx + ((t - COLORMAP_MIN_C) / (COLORMAP_MAX_C - COLORMAP_MIN_C)) * cw;
    ctx.textAlign = t === -150 ? 'left' : t === 37 ? 'right' : 'center';
    ctx.fillText(`${t}`, t === 37 ? x + 6 : x, cy + ch + 2);
  }
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText('°C', cx + cw + 4, cy + ch + 1);
}

/** Width of the contour key drawn at a view's top right, with its margin [CSS px]. */
const CONTOUR_KEY_PX = 102;

function drawContourLegend(ctx: CanvasRenderingContext2D, w: number, levels: readonly number[], lethal: number | null): void {
  const rows: { label: string; color: string; dash: number[] }[] = levels.map((l) => ({ label: `${l} °C`, color: isothermColor(l), dash: [] }));
  if (lethal !== null) rows.push({ label: `lethal ${lethal} °C`, color: ABLATION_COLOR, dash: [6, 3] });
  rows.push({ label: 'tumour', color: TUMOR_CSS, dash: [] });
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const bw = CONTOUR_KEY_PX - 6;
  ctx.fillStyle = 'rgba(11,15,20,0.72)';
  ctx.fillRect(w - bw - 6, 4, bw + 2, rows.length * 13 + 4);
  let y = 12;
  for (const r of rows) {
    const x = w - bw;
    ctx.strokeStyle = 'rgba(0,0,0,0.6)';
    ctx.lineWidth = 4;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 18, y);
    ctx.stroke();
    ctx.strokeStyle = r.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(r.dash);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#c5d0dc';
    ctx.fillText(r.label, x + 23, y);
    y += 13;
  }
}
