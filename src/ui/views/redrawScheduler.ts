import { useEffect, useRef, type RefObject } from 'react';

/**
 * A canvas view's redraws, each in a task of its own: the latest request is drawn in the next
 * task; requests made before it runs replace each other.
 *
 * Why a task of its own: drawn inside an animation frame callback, a draw joins the frame's task,
 * which also holds the 3D view's render, the page's layout and its paint. A result's arrival then
 * made one long task of every view (see src/ui/views/README.md, "Redraws"); drawn in tasks of
 * their own, each view's draw is a short task, and the next frame shows them all.
 *
 * The canvases are CPU-backed (`willReadFrequently`), which record their drawing and replay it
 * at the page's paint; a view therefore ends its draw with `rasterizeNow` so that the raster work
 * happens in the view's task, not in the frame's.
 */
export class RedrawScheduler {
  /** The draw to run (the latest request), null when none is pending. */
  private pending: (() => void) | null = null;
  private taskPosted = false;
  private disposed = false;
  /** Posts a task that calls run(). */
  private readonly post: () => void;
  private readonly channel: MessageChannel | null = null;

  /** `postTask` defaults to a message to ourselves (a task that runs next, without setTimeout's clamp); tests pass their own. */
  constructor(postTask?: (run: () => void) => void) {
    if (postTask) {
      this.post = () => postTask(() => this.run());
    } else {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => this.run();
      this.post = () => channel.port2.postMessage(null);
      this.channel = channel;
    }
  }

  /** Draws with `draw` in the next task, unless a later request replaces it first. */
  request(draw: () => void): void {
    if (this.disposed) return;
    this.pending = draw;
    if (this.taskPosted) return;
    this.taskPosted = true;
    this.post();
  }

  /** Drops any pending draw; later requests are ignored. */
  dispose(): void {
    this.disposed = true;
    this.pending = null;
    this.channel?.port1.close();
  }

  private run(): void {
    this.taskPosted = false;
    const draw = this.pending;
    this.pending = null;
    if (!this.disposed && draw !== null) draw();
  }
}

/**
 * A view's RedrawScheduler for as long as it is mounted. Made in an effect, not during render, so
 * that StrictMode's second mount gets a live one (the first is disposed on the first unmount).
 */
export function useRedrawScheduler(): RefObject<RedrawScheduler | null> {
  const scheduler = useRef<RedrawScheduler | null>(null);
  useEffect(() => {
    const s = new RedrawScheduler();
    scheduler.current = s;
    return () => s.dispose();
  }, []);
  return scheduler;
}

/**
 * Rasterizes what has been drawn on a CPU-backed 2D canvas now (a one-pixel read forces the
 * recorded drawing to be replayed), instead of in the page's next paint.
 */
export function rasterizeNow(ctx: CanvasRenderingContext2D): void {
  ctx.getImageData(0, 0, 1, 1);
}
