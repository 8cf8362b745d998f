import { useLayoutEffect, useMemo, useRef } from 'react';
import { useThree } from '@react-three/fiber';
import { BufferGeometry, Mesh, type Plane, type ShaderMaterial } from 'three';
import type { FramePicture } from '../engine/workerApi.ts';
import { isLevelVisible, isoKey, isoStyle, type VisibleLevel } from './isoStyle.ts';
import { setSurface } from './isoBuffers.ts';
import { createShellMaterial, updateShellMaterial } from './shellMaterial.ts';

interface Props {
  frame: FramePicture | null;
  visibleLevels?: readonly VisibleLevel[];
  clippingPlanes: Plane[];
  /**
   * Called with the frame shown before once the next frame's surfaces took its surfaces' place in
   * every geometry: three holds none of its arrays any more.
   */
  onSurfacesLeft?: (frame: FramePicture) => void;
}

const noRaycast = (): void => undefined;

/**
 * Nested translucent isosurfaces. One persistent mesh per (field, level); a new frame's surfaces
 * become the existing geometries' attributes, uncopied (no remount). Drawn innermost first with
 * depthWrite off so the outer shells blend over the inner ones.
 */
export function Isosurfaces({ frame, visibleLevels, clippingPlanes, onSurfacesLeft }: Props) {
  const invalidate = useThree((s) => s.invalidate);
  // The set of surfaces changes rarely (new iso levels); only then does React re-render slots.
  const keysSig = frame ? frame.isosurfaces.map((s) => `${isoKey(s)}@${s.level_C}`).join('|') : '';
  const styles = useMemo(() => {
    if (!keysSig) return [];
    return keysSig.split('|').map((k) => {
      const [key, lvl] = k.split('@');
      const level_C = Number(lvl);
      return isoStyle(key === 'ablation' ? { field: 'ablation', level_C } : { field: 'current', level_C });
    });
  }, [keysSig]);
  const geometries = useRef(new Map<string, BufferGeometry>());
  const meshes = useRef(new Map<string, Mesh>());
  const materials = useRef(new Map<string, ShaderMaterial>());
  const materialFor = (key: string, color: string, opacity: number): ShaderMaterial => {
    let m = materials.current.get(key);
    if (!m) {
      m = createShellMaterial(color, opacity);
      materials.current.set(key, m);
    }
    updateShellMaterial(m, color, opacity, clippingPlanes);
    return m;
  };

  const geometryFor = (key: string): BufferGeometry => {
    let g = geometries.current.get(key);
    if (!g) {
      g = new BufferGeometry();
      geometries.current.set(key, g);
    }
    return g;
  };

  // A surface that leaves (every run starts without any) frees its buffers but keeps its material:
  // three deletes a shader program once no material holds it, and compiling it again when the
  // next run's first ice appears blocked the page for 0.3-0.9 s on software GL.
  useLayoutEffect(() => {
    const live = new Set(styles.map((s) => s.key));
    for (const [k, g] of geometries.current) {
      if (!live.has(k)) {
        g.dispose();
        geometries.current.delete(k);
      }
    }
  }, [styles]);

  // The shell shader compiled and first used at start-up, not when the first ice appears mid-run
  // (on software GL the first draw waited 0.2-0.4 s on the GPU process, behind the page's raster):
  // a shell material on a zero-area triangle, drawn with the scene (it covers no pixel), which also
  // holds the program (see above) until the view goes.
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera);
  useLayoutEffect(() => {
    const geometry = new BufferGeometry();
    setSurface(geometry, new Float32Array(9), new Int8Array([0, 0, 127, 0, 0, 127, 0, 0, 127]), Uint32Array.of(0, 1, 2), { dims: [1, 1, 1], spacingMm: 1, originMm: [0, 0, 0] });
    const material = createShellMaterial('#ffffff', 0.5);
    updateShellMaterial(material, '#ffffff', 0.5, clippingPlanes);
    const holder = new Mesh(geometry, material);
    holder.frustumCulled = false;
    holder.raycast = noRaycast;
    scene.add(holder);
    gl.compile(holder, camera, scene);
    return () => {
      scene.remove(holder);
      geometry.dispose();
      material.dispose();
    };
  }, [gl, scene, camera]);

  useLayoutEffect(() => () => {
    for (const g of geometries.current.values()) g.dispose();
    geometries.current.clear();
    for (const m of materials.current.values()) m.dispose();
    materials.current.clear();
  }, []);

  /** The frame whose surfaces the geometries hold. */
  const shown = useRef<FramePicture | null>(null);
  const leftCb = useRef(onSurfacesLeft);
  useLayoutEffect(() => {
    leftCb.current = onSurfacesLeft;
  });
  useLayoutEffect(() => {
    if (!frame) return;
    for (const s of frame.isosurfaces) {
      const key = isoKey(s);
      setSurface(geometryFor(key), s.positions, s.normals, s.indices, frame.grid);
      const m = meshes.current.get(key);
      if (m) m.visible = isLevelVisible(s, visibleLevels) && s.positions.length > 0;
    }
    // Every geometry now holds this frame's arrays (a level the frame lacks left with its
    // geometry, disposed above): the frame before is no longer drawn from.
    const before = shown.current;
    shown.current = frame;
    if (before && before !== frame) leftCb.current?.(before);
    invalidate();
  }, [frame, visibleLevels, styles, invalidate]);

  // Innermost (coldest) first; ablation zone sits between -40 and -20.
  const order = [...styles].sort((a, b) => b.rank - a.rank);
  return (
    <group name="isosurfaces">
      {order.map((s, i) => (
        <mesh
          key={s.key}
          ref={(m: Mesh | null) => {
            if (m) meshes.current.set(s.key, m);
            else meshes.current.delete(s.key);
          }}
          geometry={geometryFor(s.key)}
          material={materialFor(s.key, s.color, s.opacity)}
          renderOrder={10 + i}
          frustumCulled={false}
          raycast={noRaycast}
        />
      ))}
    </group>
  );
}
