import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.ts';

/**
 * Every sample case runs through the command line (at 2 mm, to keep the suite quick) and is
 * compared with its stored result, so an unintended change to any number shows. After an
 * intended change: `UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff.
 */
const CASES = readdirSync('public/cases').filter((f) => f.endsWith('.cryoplan.json'));
const SPACING_MM = '2';
const out = mkdtempSync(join(tmpdir(), 'cryoplan-golden-'));

/** Tolerances: tight enough to catch a changed model, loose enough for float summation order. */
function expectClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tol = 1e-3 + 1e-3 * Math.abs(expected);
    expect(Math.abs(actual - expected), `${path}: ${actual} vs golden ${expected}`).toBeLessThanOrEqual(tol);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length, `${path}: length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), `${path}: keys`).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(actual, path).toEqual(expected);
}

describe('sample cases through the command line against stored results', () => {
  it.each(CASES)('%s', (file) => {
    const resultPath = join(out, file.replace('.cryoplan.json', '.result.json'));
    execFileSync('npx', ['tsx', 'src/cli/simulate.ts', join('public/cases', file), '--spacing', SPACING_MM, '--out', resultPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const result = JSON.parse(readFileSync(resultPath, 'utf8')) as RunResult;
    const { wall_s: _wall, ...solver } = result.solver;
    const comparable = { ...result, solver };
    const golden = join('test/golden', file.replace('.cryoplan.json', `.${SPACING_MM}mm.result.json`));
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
      if (process.env.CI) throw new Error(`missing golden file ${golden}`);
      writeFileSync(golden, JSON.stringify(comparable, null, 1) + '\n');
    }
    expectClose(comparable, JSON.parse(readFileSync(golden, 'utf8')), file);
    // The result is well formed: every report time and the end, in order, each landed exactly.
    const plan = JSON.parse(readFileSync(join('public/cases', file), 'utf8'));
    const times = result.snapshots.map((s) => s.t_s);
    expect(times[times.length - 1]).toBe(result.end_s);
    for (const t of plan.report_times_s ?? []) expect(times).toContain(t);
    for (const trace of Object.values(result.sensors)) for (const t of times) expect(trace.t_s).toContain(t);
  });
});
