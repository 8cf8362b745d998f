/// <reference lib="webworker" />
// The engine worker: exposes the pure engine (src/engine) through comlink, and spawns z-slab
// threads (workers/slab.worker.ts) when asked. Nothing else lives here.
import * as Comlink from 'comlink';
import { createEngineApi } from '../src/engine/engineApi.ts';

const spawnSlab = (): Worker => new Worker(new URL('./slab.worker.ts', import.meta.url), { type: 'module' });
Comlink.expose(createEngineApi((frame, buffers) => Comlink.transfer(frame, buffers), spawnSlab), self);
