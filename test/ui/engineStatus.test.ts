import { describe, expect, it } from 'vitest';
import { engineThreadsFor } from '../../src/app/engineClient.ts';
import { engineLabel } from '../../src/ui/format.ts';

describe('engine threads and status', () => {
  it('leaves one core to the page and caps the pool at 8', () => {
    expect([undefined, 1, 2, 3, 8, 64].map(engineThreadsFor)).toEqual([1, 1, 1, 2, 7, 8]);
  });

  it('says which kernel and how many threads, and why one when the page is not isolated', () => {
    expect(engineLabel({ threads: 3, isolated: true, kernel: 'wasm-simd' })).toBe('WebAssembly SIMD, 3 threads');
    expect(engineLabel({ threads: 1, isolated: true, kernel: 'wasm-simd', reason: 'one thread requested' })).toBe('WebAssembly SIMD, 1 thread');
    expect(engineLabel({ threads: 1, isolated: false, kernel: 'js' })).toBe('TypeScript kernel, 1 thread (page not cross-origin isolated)');
  });
});
