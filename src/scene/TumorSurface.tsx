import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useThree } from '@react-three/fiber';
import { BufferAttribute, DoubleSide, type Plane } from 'three';
import type { FramePicture } from '../engine/workerApi.ts';
import type { TriangleMesh } from '../geometry/mesh.ts';
import { bandColors, marginBandsJob, marginKey, sameMarginKey, type MarginKey, type MarginResult } from './marginBands.ts';
import { indexedGeometry } from './isoBuffers.ts';

/** Tumour colour when no margin is known yet (sRGB 0..1). */
export const TUMOR_RGB: [number, number, number] = [0.78, 0.55, 0.5];

export interface MarginStats {
  /** Vertices per band: [< 0, 0..margin, ≥ margin]. */
  counts: [number, number, number];
  minSignedMm: number;
}

interface Props {
  mesh: TriangleMesh;
  frame: FramePicture | null;
  lethal_C: number;
  margin_mm: number;
  showBands: boolean;
  clippingPlanes: Plane[];
  onMarginStats?: (stats: MarginStats | null) => void;
}

const noRaycast = (): void => undefined;
/** Longest stretch of margin-band work in one task [ms]. */
const SLICE_MS = 8;

/**
 * The tumour surface, painted per vertex with margin bands (red < 0, yellow 0..margin, green ≥
 * margin) from the signed distance to the lethal isotherm of the ablation field. Colours are
 * written into the existing colour attribute in a task after the frame arrives.
 */
export function TumorSurface({ mesh, frame, lethal_C, margin_mm, showBands, clippingPlanes, onMarginStats }: Props) {
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => indexedGeometry(mesh.positions, mesh.indices, TUMOR_RGB), [mesh]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const scratch = useRef<MarginResult | undefined>(undefined);
  /** The input of the result in `scratch`, while that result is whole (a running job rewrites it). */
  const scratchKey = useRef<MarginKey | null>(null);
  const statsCb = useRef(onMarginStats);
  useLayoutEffect(() => {
    statsCb.current = onMarginStats;
  });

  useLayoutEffect(() => {
    const color = geometry.getAttribute('color') as BufferAttribute;
    const colors = color.array as Float32Array;
    const paint = (stats: MarginStats | null): void => {
      color.needsUpdate = true;
      statsCb.current?.(stats);
      invalidate();
    };
    if (!(showBands && frame && frame.minTemperature_C.length > 0)) {
      for (let v = 0; v < colors.length; v += 3) {
        colors[v] = TUMOR_RGB[0];
        colors[v + 1] = TUMOR_RGB[1];
        colors[v + 2] = TUMOR_RGB[2];
      }
      paint(null);
      return;
    }
    // The distances take tens of milliseconds on a 1 mm frame: they run after this commit in
    // slices of SLICE_MS, each its own task, so neither they nor the frame's render block the page
    // for long; a newer frame (or unmount) cancels a pending computation.
    const surfaces = frame.isosurfaces.filter((s) => s.field === 'ablation');
    const ablation = surfaces.find((s) => s.level_C === lethal_C) ?? surfaces[0];
    const input = {
      vertices: mesh.positions, grid: frame.grid, minTemperature_C: frame.minTemperature_C,
      lethal_C, ablation: ablation ?? null, margin_mm,
    };
    const show = (r: MarginResult): void => {
      bandColors(r.band, colors);
      paint({ counts: [r.counts[0], r.counts[1], r.counts[2]], minSignedMm: r.minSignedMm });
    };
    let job: ReturnType<typeof marginBandsJob> | null = null;
    let jobKey: MarginKey | null = null;
    let timer = 0;
    const slice = (): void => {
      if (!job) {
        // The same input as the last whole result (its lethal zone did not move near the
        // tumour): that result, at once.
        const key = marginKey(input);
        if (scratch.current && scratchKey.current && sameMarginKey(scratchKey.current, key)) {
          show(scratch.current);
          return;
        }
        scratchKey.current = null;
        job = marginBandsJob(input, scratch.current);
        jobKey = key;
      }
      const r = job.step(performance.now() + SLICE_MS);
      if (!r) {
        timer = window.setTimeout(slice, 0);
        return;
      }
      scratch.current = r;
      scratchKey.current = jobKey;
      show(r);
    };
    timer = window.setTimeout(slice, 0);
    return () => clearTimeout(timer);
  }, [geometry, mesh, frame, lethal_C, margin_mm, showBands, invalidate]);

  return (
    <mesh geometry={geometry} renderOrder={1} raycast={noRaycast} name="tumour">
      <meshStandardMaterial vertexColors side={DoubleSide} roughness={0.55} metalness={0} clippingPlanes={clippingPlanes} />
    </mesh>
  );
}
