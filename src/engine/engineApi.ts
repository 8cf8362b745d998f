import type { Plan } from '../plan/types.ts';
import { frameTransferables, streamRun } from './stream.ts';
import type { RunResult } from './types.ts';
import { wasmKernelModule } from '../physics/kernelWasm.ts';
import { HeatSolver } from '../physics/solver.ts';
import type { EngineInfo, EngineWorkerApi, RunFrame, RunOptions } from './workerApi.ts';

/**
 * The engine as a worker exposes it. `transfer` marks a frame's buffers for zero-copy
 * transfer (Comlink.transfer in the worker; identity in tests). Only the newest run is live:
 * starting a run or cancelling supersedes the previous one.
 */
export function createEngineApi(transfer: (frame: RunFrame, buffers: ArrayBuffer[]) => RunFrame): EngineWorkerApi {
  let liveRunId = -1;
  return {
    async run(plan: Plan, options: RunOptions, onFrame: (frame: RunFrame) => void): Promise<RunResult | null> {
      liveRunId = options.runId;
      return streamRun(
        plan,
        options,
        (frame) => onFrame(transfer(frame, frameTransferables(frame))),
        () => liveRunId !== options.runId,
      );
    },
    cancel(runId: number): void {
      if (liveRunId === runId) liveRunId = -1;
    },
    engineInfo,
  };
}

/** The kernel and threading a run gets in this context (one thread: the z-slab pool is not built yet). */
export function engineInfo(): EngineInfo {
  const g = globalThis as { crossOriginIsolated?: boolean };
  const isolated = g.crossOriginIsolated ?? typeof process !== 'undefined';
  const wasm = HeatSolver.kernelPreference !== 'js' && wasmKernelModule() !== null;
  const reasons: string[] = [];
  if (!wasm) reasons.push('WebAssembly SIMD unavailable: plain TypeScript kernel');
  reasons.push('single-threaded engine (multi-worker slabs not implemented yet)');
  if (!isolated) reasons.push('page is not cross-origin isolated: SharedArrayBuffer unavailable');
  return { threads: 1, isolated, kernel: wasm ? 'wasm-simd' : 'js', reason: reasons.join('; ') };
}
