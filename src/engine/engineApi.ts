import type { Plan } from '../plan/types.ts';
import { FrameBufferPool } from './frameBuffers.ts';
import { frameTransferables, streamRun } from './stream.ts';
import type { RunResult } from './types.ts';
import { wasmKernelModule } from '../physics/kernelWasm.ts';
import { wasmSharedKernelModule } from '../physics/kernelWasm.ts';
import { SlabPool, type SlabWorker } from '../physics/slabPool.ts';
import { HeatSolver } from '../physics/solver.ts';
import type { EngineInfo, EngineWorkerApi, RunFrame, RunOptions } from './workerApi.ts';

/** A browser-style worker (what workers/engine.worker.ts spawns for each z-slab thread). */
export interface SpawnedWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}

/**
 * Why the engine runs the threads it does (engineInfo). Z-slab threads are built but OFF by
 * default: on the 2 shared cores they were measured on, the per-step barrier made runs slower
 * (src/physics/README.md, "Threads"); `setThreads(n)` turns them on.
 */
let threadNote = 'z-slab threads off by default (measured slower than one thread on 2 shared cores; setThreads(n) turns them on)';

/**
 * The engine as a worker exposes it. `transfer` marks a frame's buffers for zero-copy
 * transfer (Comlink.transfer in the worker; identity in tests). Only the newest run is live:
 * starting a run or cancelling supersedes the previous one.
 */
export function createEngineApi(
  transfer: (frame: RunFrame, buffers: ArrayBuffer[]) => RunFrame,
  spawnSlabWorker?: () => SpawnedWorker,
): EngineWorkerApi {
  let liveRunId = -1;
  const frameBuffers = new FrameBufferPool();
  return {
    /**
     * Splits each step of later runs into `threads` z-slabs (the engine thread stepping one when
     * `coordinatorWorks`, default true; else `threads` workers). Only where the context is
     * cross-origin isolated and shared WebAssembly memory exists; otherwise stays at one thread
     * and engineInfo says why. Results are bit-identical either way.
     */
    async setThreads(threads: number, coordinatorWorks = true): Promise<EngineInfo> {
      HeatSolver.threadPool?.close();
      HeatSolver.threadPool = null;
      const why = threadsUnavailable();
      if (threads <= 1) threadNote = 'one thread requested';
      else if (why) threadNote = why;
      else if (!spawnSlabWorker) threadNote = 'no slab worker entry in this context';
      else {
        const spawn = spawnSlabWorker;
        const workers = coordinatorWorks ? threads - 1 : threads;
        HeatSolver.threadPool = await SlabPool.create(workers, coordinatorWorks, () => startWorker(spawn));
        threadNote = '';
      }
      return engineInfo();
    },
    async run(plan: Plan, options: RunOptions, onFrame: (frame: RunFrame) => void): Promise<RunResult | null> {
      liveRunId = options.runId;
      return streamRun(
        plan,
        options,
        (frame) => onFrame(transfer(frame, frameTransferables(frame))),
        () => liveRunId !== options.runId,
        undefined,
        frameBuffers,
      );
    },
    recycle(buffers: ArrayBuffer[]): void {
      frameBuffers.give(buffers);
    },
    recycleSamples(buffers: ArrayBuffer[]): void {
      frameBuffers.giveSamples(buffers);
    },
    cancel(runId: number): void {
      if (liveRunId === runId) liveRunId = -1;
    },
    engineInfo,
  };
}

function isolatedHere(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated ?? typeof process !== 'undefined';
}

/** Why z-slab threads cannot run here, or '' when they can. */
function threadsUnavailable(): string {
  if (!isolatedHere()) return 'page is not cross-origin isolated: SharedArrayBuffer unavailable, one thread';
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer unavailable, one thread';
  if (HeatSolver.kernelPreference !== 'js' && wasmKernelModule() !== null && !wasmSharedKernelModule()) {
    return 'shared WebAssembly memory unavailable, one thread';
  }
  return '';
}

function startWorker(spawn: () => SpawnedWorker): Promise<SlabWorker> {
  return new Promise((resolve) => {
    const w = spawn();
    w.addEventListener('message', (e) => {
      if (e.data === 'ready') resolve(w);
      else if ((e.data as { kind?: string })?.kind === 'error') console.error((e.data as { message: string }).message);
    });
  });
}

/** The kernel and threading a run gets in this context. */
export function engineInfo(): EngineInfo {
  const isolated = isolatedHere();
  const wasm = HeatSolver.kernelPreference !== 'js' && wasmKernelModule() !== null;
  const pool = HeatSolver.threadPool;
  const threads = pool ? pool.threads : 1;
  const reasons: string[] = [];
  if (!wasm) reasons.push('WebAssembly SIMD unavailable: plain TypeScript kernel');
  if (threads === 1) reasons.push(threadsUnavailable() || threadNote);
  const reason = reasons.filter((r) => r).join('; ');
  return { threads, isolated, kernel: wasm ? 'wasm-simd' : 'js', ...(reason ? { reason } : {}) };
}
