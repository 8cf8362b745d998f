/**
 * The engine worker, wrapped with comlink. The worker entry (workers/engine.worker.ts) exposes
 * EngineWorkerApi; a failure to start it (a broken module, no worker support) is reported once
 * through `onFatal`, since comlink calls on a dead worker would otherwise wait forever.
 */

import { releaseProxy, wrap, type Remote } from 'comlink';
import type { EngineWorkerApi } from '../engine/workerApi.ts';

export interface EngineClient {
  api: Remote<EngineWorkerApi>;
  dispose(): void;
}

export function createEngineClient(onFatal: (message: string) => void): EngineClient {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
  worker.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault();
    onFatal(`The simulation engine failed: ${e.message || 'the worker could not start'}`);
  });
  worker.addEventListener('messageerror', () => onFatal('The simulation engine sent a message that could not be read'));
  const api = wrap<EngineWorkerApi>(worker);
  return {
    api,
    dispose() {
      api[releaseProxy]();
      worker.terminate();
    },
  };
}

/**
 * Threads for the engine on a machine with `cores` logical cores: one core stays with the page
 * (React, WebGL and the slice views run there), the rest step z-slabs, at most 8. On a 2-core
 * machine that is one thread: measured here, a second slab thread competing with the page and
 * other work made runs slower (src/physics/README.md "Threads").
 */
export function engineThreadsFor(cores: number | undefined): number {
  return Math.max(1, Math.min(8, Math.floor(cores ?? 1) - 1));
}
