/// <reference lib="webworker" />
// The engine worker: exposes the pure engine (src/engine) through comlink. Nothing else lives here.
import * as Comlink from 'comlink';
import { createEngineApi } from '../src/engine/engineApi.ts';

Comlink.expose(createEngineApi((frame, buffers) => Comlink.transfer(frame, buffers)), self);
