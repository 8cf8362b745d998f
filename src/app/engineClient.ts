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
