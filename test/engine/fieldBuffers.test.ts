import { describe, expect, it } from 'vitest';
import { FieldBufferPool } from '../../src/engine/fieldBuffers.ts';

describe('field buffer pool', () => {
  it('copies into a kept buffer of the same size, else into a new one', () => {
    const pool = new FieldBufferPool(2);
    const field = new Float32Array([1, 2, 3, 4]);
    const kept = new ArrayBuffer(16);
    pool.give([new ArrayBuffer(8), kept]);
    const copy = pool.copyOf(field);
    expect(copy.buffer).toBe(kept);
    expect([...copy]).toEqual([1, 2, 3, 4]);
    // The 16-byte buffer is in use now: the next copy gets a new one.
    const next = pool.copyOf(field);
    expect(next.buffer).not.toBe(kept);
    expect([...next]).toEqual([1, 2, 3, 4]);
  });
  it('ignores detached buffers and keeps only the newest up to its capacity', () => {
    const pool = new FieldBufferPool(2);
    const detached = new ArrayBuffer(16);
    structuredClone(detached, { transfer: [detached] });
    const [a, b, c] = [new ArrayBuffer(16), new ArrayBuffer(16), new ArrayBuffer(16)];
    pool.give([detached, a, b, c]);
    const field = new Float32Array(4);
    const got = [pool.copyOf(field).buffer, pool.copyOf(field).buffer, pool.copyOf(field).buffer];
    expect(got.slice(0, 2)).toEqual([b, c]);
    expect(got[0]).toBe(b);
    expect(got[1]).toBe(c);
    expect([a, b, c, detached]).not.toContain(got[2]);
  });
});
