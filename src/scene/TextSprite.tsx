import { useEffect, useMemo } from 'react';
import { CanvasTexture, LinearFilter, SRGBColorSpace } from 'three';
import type { Vec3 } from '../plan/types.ts';

interface Props {
  text: string;
  position: Vec3;
  color?: string;
  /** Height as a fraction of the viewport height (screen-constant size). */
  size?: number;
  /** Screen-space offset of the label centre, in label heights. */
  offset?: [number, number];
  renderOrder?: number;
}

const noRaycast = (): void => undefined;

/**
 * A text label drawn into a canvas texture on a sprite: screen-constant size, always on top,
 * no font files (system-ui), and part of the WebGL image (so exported screenshots carry it).
 */
export function TextSprite({ text, position, color = '#9fb3c8', size = 0.035, offset = [0, 0], renderOrder = 100 }: Props) {
  const { texture, aspect } = useMemo(() => {
    const px = 64;
    const c = document.createElement('canvas');
    const ctx = c.getContext('2d')!;
    const font = `700 ${px * 0.78}px system-ui, sans-serif`;
    ctx.font = font;
    const w = Math.ceil(ctx.measureText(text).width + px * 0.5);
    c.width = w;
    c.height = px;
    ctx.font = font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = px * 0.14;
    ctx.strokeStyle = 'rgba(0,0,0,0.85)';
    ctx.strokeText(text, w / 2, px / 2 + 2);
    ctx.fillStyle = color;
    ctx.fillText(text, w / 2, px / 2 + 2);
    const t = new CanvasTexture(c);
    t.colorSpace = SRGBColorSpace;
    t.minFilter = LinearFilter;
    t.generateMipmaps = false;
    return { texture: t, aspect: w / px };
  }, [text, color]);
  useEffect(() => () => texture.dispose(), [texture]);
  return (
    <sprite position={position} scale={[size * aspect, size, 1]} center={[0.5 - offset[0] / aspect, 0.5 - offset[1]]}
      renderOrder={renderOrder} raycast={noRaycast}>
      <spriteMaterial map={texture} sizeAttenuation={false} depthTest={false} depthWrite={false} transparent />
    </sprite>
  );
}
