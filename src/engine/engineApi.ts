import type { Plan } from '../plan/types.ts';
import { frameTransferables, streamRun } from './stream.ts';
import type { RunResult } from './types.ts';
import type { EngineWorkerApi, RunFrame, RunOptions } from './workerApi.ts';

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
  };
}
