import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SlabPool, type SlabWorker } from '../physics/slabPool.ts';

/**
 * A z-slab pool on node:worker_threads (command line, bench, tests). `threads`: slabs per step
 * (default os.availableParallelism()); `coordinatorWorks`: the calling thread steps one slab
 * (threads − 1 workers) or only coordinates (threads workers). The workers run
 * workers/slab.node.ts under tsx, are unref'd (they never keep the process alive) and are stopped
 * by pool.close().
 */
export async function createNodeSlabPool(threads = availableParallelism(), coordinatorWorks = true): Promise<SlabPool> {
  const workers = Math.max(0, coordinatorWorks ? threads - 1 : threads);
  return SlabPool.create(workers, coordinatorWorks, () => new Promise<SlabWorker>((resolve, reject) => {
    const w = new Worker(bootstrap(), { eval: true });
    w.once('error', reject);
    w.on('message', (m: unknown) => {
      if (m === 'ready') {
        w.unref();
        resolve(w);
      } else if ((m as { kind?: string })?.kind === 'error') console.error((m as { message: string }).message);
    });
  }));
}

/**
 * The worker's first code: load workers/slab.node.ts through tsx's API (a worker does not inherit
 * the parent's TypeScript loader, and Node 20 ignores --import in a worker's execArgv).
 */
function bootstrap(): string {
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('../../workers/slab.node.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
}
