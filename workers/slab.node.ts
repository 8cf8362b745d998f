// A z-slab thread of the engine (Node worker_threads): serves src/physics/slabPool.ts.
import { parentPort } from 'node:worker_threads';
import { serveSlabs } from '../src/physics/slabPool.ts';

serveSlabs((m) => parentPort!.postMessage(m), (handler) => parentPort!.on('message', handler));
