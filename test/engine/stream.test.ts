import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngineApi } from '../../src/engine/engineApi.ts';
import { runPlan } from '../../src/engine/run.ts';
import type { RunFrame } from '../../src/engine/workerApi.ts';
import { parsePlanText } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';

function sample(name: string): Plan {
  const r = parsePlanText(readFileSync(`public/cases/${name}.cryoplan.json`, 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}

describe('streaming engine (what the worker exposes)', () => {
  it('streams frames at the cadence and ends with the same result as the command line', async () => {
    const plan = { ...sample('gel-single-probe'), protocol: [{ phase: 'freeze' as const, duration_s: 120 }], report_times_s: [60] };
    const api = createEngineApi((f) => f);
    const frames: RunFrame[] = [];
    const result = await api.run(plan, { runId: 1, spacingMm: 2, frameEveryS: 30 }, (f) => void frames.push(f));
    expect(frames.map((f) => f.t_s)).toEqual([0, 30, 60, 90, 120]);
    const last = frames[frames.length - 1];
    expect(last.temperature_C.length).toBe(last.grid.dims[0] * last.grid.dims[1] * last.grid.dims[2]);
    expect(last.isosurfaces.find((s) => s.level_C === 0 && s.field === 'current')!.positions.length).toBeGreaterThan(0);
    const cli = runPlan(plan, { spacingMm: 2 });
    expect(result!.snapshots).toEqual(cli.snapshots);
    expect(result!.sensors).toEqual(cli.sensors);
    expect(last.snapshot).toEqual(cli.snapshots[cli.snapshots.length - 1]);
  });

  it('a new run supersedes the old one, which stops and resolves null', async () => {
    const plan = sample('gel-single-probe');
    const api = createEngineApi((f) => f);
    const oldFrames: number[] = [];
    const first = api.run(plan, { runId: 1, spacingMm: 2, frameEveryS: 10 }, (f) => void oldFrames.push(f.runId));
    // Let the first run get going, then start another.
    await new Promise((r) => setTimeout(r, 50));
    const shortPlan = { ...plan, protocol: [{ phase: 'freeze' as const, duration_s: 20 }] };
    const second = await api.run(shortPlan, { runId: 2, spacingMm: 2, frameEveryS: 10 }, () => {});
    expect(await first).toBeNull();
    expect(second).not.toBeNull();
    expect(oldFrames.length).toBeLessThan(plan.protocol.reduce((s, p) => s + p.duration_s, 0) / 10);
  });
});
