import type { SurfaceCopy } from '../physics/kernelWasm.ts';
import type { FramePicture, RunSample } from './workerApi.ts';

/** Sample field buffers a pool keeps at most: a 1 mm run's 85 samples hand back 170. */
export const SAMPLE_BUFFERS = 200;

/**
 * Buffers for what a frame copies out (its two full-resolution fields, its surfaces of T), handed
 * back by the page once nothing shows the frame that carried them, and apart from them the
 * buffers of the samples' fields, handed back once the timeline drops the samples (a new run, or
 * thinning). Fresh memory is what a copy costs here: in Chromium on these machines a 3.2 MB field
 * copied into a new buffer took 14-23 ms (the first touch of every page), into a reused one
 * 0.2-0.4 ms, and a 2 mm run's 85 samples spent ~0.1 s on their new fields (src/engine/README.md).
 */
export class FrameBufferPool {
  private readonly free: ArrayBuffer[] = [];
  private readonly freeSamples: ArrayBuffer[] = [];

  /**
   * `capacity`: frame buffers kept at most (the oldest go first; a frame hands back five), and
   * `sampleCapacity` sample field buffers.
   */
  constructor(private readonly capacity = 10, private readonly sampleCapacity = SAMPLE_BUFFERS) {}

  /** Keeps a frame's `buffers` for later copies; detached (empty) ones are ignored. */
  give(buffers: ArrayBuffer[]): void {
    keep(this.free, buffers, this.capacity);
  }

  /**
   * Keeps samples' field buffers for later samples; detached (empty) ones are ignored. A plan's
   * sample fields all have one size: one of another size (a new plan's) drops those kept.
   */
  giveSamples(buffers: ArrayBuffer[]): void {
    for (const b of buffers) {
      if (this.freeSamples.length > 0 && this.freeSamples[0].byteLength !== b.byteLength && b.byteLength > 0) this.freeSamples.length = 0;
      keep(this.freeSamples, [b], this.sampleCapacity);
    }
  }

  /**
   * The smallest kept buffer of at least `bytes`, else a new one: of `bytes` when `exact` (a field
   * is always the same size), else with a quarter more, so that a growing surface fits it again.
   */
  buffer(bytes: number, exact: boolean): ArrayBuffer {
    if (bytes === 0) return new ArrayBuffer(0); // an empty surface: no kept buffer for nothing
    return smallestOf(this.free, bytes) ?? new ArrayBuffer(exact ? bytes : Math.ceil((bytes * 1.25) / 4) * 4);
  }

  /** A sample field of n cells (contents unspecified): in a kept sample buffer of its size, else new. */
  sampleField(n: number): Int16Array {
    const kept = this.freeSamples.length > 0 && this.freeSamples[0].byteLength === 2 * n;
    return new Int16Array(kept ? this.freeSamples.pop()! : new ArrayBuffer(2 * n));
  }

  /** A copy of `field`. */
  copyOf(field: Float32Array): Float32Array {
    const out = new Float32Array(this.buffer(field.byteLength, true), 0, field.length);
    out.set(field);
    return out;
  }

  /**
   * A copy of an isosurface held in memory the caller reuses (wasm memory), in one buffer:
   * positions, indices, then normals (each view exactly its length). A SurfaceCopy as it stands.
   */
  readonly copySurface: SurfaceCopy = (positions, normals, indices) => {
    const indexAt = positions.byteLength, normalAt = indexAt + indices.byteLength;
    const buf = this.buffer(normalAt + normals.byteLength, false);
    const out = {
      positions: new Float32Array(buf, 0, positions.length),
      indices: new Uint32Array(buf, indexAt, indices.length),
      normals: new Int8Array(buf, normalAt, normals.length),
    };
    out.positions.set(positions);
    out.indices.set(indices);
    out.normals.set(normals);
    return out;
  };
}

/**
 * The buffers of a frame's two fields, what the views hand back once no view shows the frame
 * (`EngineWorkerApi.recycle`); none that went already (a transfer list with a detached buffer
 * throws).
 */
export function fieldBuffersOf(frame: FramePicture): ArrayBuffer[] {
  return unsent([frame.temperature_C.buffer, frame.minTemperature_C.buffer]);
}

/**
 * The buffers of a frame's surfaces of T (not its ablation surface, which the margin bands keep
 * as the key of their last result), what the 3D view hands back once it shows other surfaces.
 */
export function surfaceBuffersOf(frame: FramePicture): ArrayBuffer[] {
  return unsent(frame.isosurfaces.filter((s) => s.field === 'current').flatMap((s) => [s.positions.buffer, s.normals.buffer, s.indices.buffer]));
}

/** The buffers of samples' two fields, what the timeline hands back once it drops them. */
export function sampleBuffersOf(samples: readonly Pick<RunSample, 'temperature_cC' | 'minTemperature_cC'>[]): ArrayBuffer[] {
  return unsent(samples.flatMap((s) => [s.temperature_cC.buffer, s.minTemperature_cC.buffer]));
}

/** Appends the undetached `buffers` to `list`, dropping the oldest beyond `capacity`. */
function keep(list: ArrayBuffer[], buffers: ArrayBuffer[], capacity: number): void {
  for (const b of buffers) {
    if (b.byteLength === 0) continue;
    list.push(b);
    if (list.length > capacity) list.shift();
  }
}

/** Takes the smallest buffer of at least `bytes` out of `list`, or null. */
function smallestOf(list: ArrayBuffer[], bytes: number): ArrayBuffer | null {
  let best = -1;
  for (let i = 0; i < list.length; i++) {
    const n = list[i].byteLength;
    if (n >= bytes && (best < 0 || n < list[best].byteLength)) best = i;
  }
  return best >= 0 ? list.splice(best, 1)[0] : null;
}

/** Each buffer once, none detached. */
function unsent(buffers: ArrayBufferLike[]): ArrayBuffer[] {
  return [...new Set(buffers)].filter((b): b is ArrayBuffer => b.byteLength > 0);
}
