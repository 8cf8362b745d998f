/// <reference lib="webworker" />
// A z-slab thread of the engine (browser): serves src/physics/slabPool.ts. Nothing else lives here.
import { serveSlabs } from '../src/physics/slabPool.ts';

serveSlabs((m) => self.postMessage(m), (handler) => self.addEventListener('message', (e) => handler(e.data)));
