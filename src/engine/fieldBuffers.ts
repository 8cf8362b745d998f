import type { FramePicture } from './workerApi.ts';

/**
 * Buffers for a frame's full-resolution field copies (temperature, minimum temperature), handed
 * back by the page once no view shows the frame that carried them. Fresh memory is what a copy
 * costs here: in Chromium on these machines a 3.2 MB field copied into a new buffer took 14-23 ms
 * (the first touch of every page), into a reused one 0.2-0.4 ms (src/engine/README.md).
 */
export class FieldBufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** `capacity`: buffers kept at most (the oldest go first); two a frame are what runs reuse. */
  constructor(private readonly capacity = 4) {}

  /** Keeps `buffers` for later copies; detached (empty) ones are ignored. */
  give(buffers: ArrayBuffer[]): void {
    for (const b of buffers) {
      if (b.byteLength === 0) continue;
      this.free.push(b);
      if (this.free.length > this.capacity) this.free.shift();
    }
  }

  /** A copy of `field` in a kept buffer of its size, else in a new one. */
  copyOf(field: Float32Array): Float32Array {
    const i = this.free.findIndex((b) => b.byteLength === field.byteLength);
    if (i < 0) return new Float32Array(field);
    const out = new Float32Array(this.free.splice(i, 1)[0]);
    out.set(field);
    return out;
  }
}

/**
 * The buffers of a frame's two fields, what the page hands back (`EngineWorkerApi.recycle`);
 * none that went already (a transfer list with a detached buffer throws).
 */
export function fieldBuffersOf(frame: FramePicture): ArrayBuffer[] {
  const buffers = [frame.temperature_C.buffer as ArrayBuffer, frame.minTemperature_C.buffer as ArrayBuffer];
  return buffers.filter((b) => b.byteLength > 0);
}
