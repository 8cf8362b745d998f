/**
 * `npm run simulate -- PLAN.json [--out RESULT.json] [--spacing MM] [--threads N]`
 * Runs a plan headless: progress and a short summary on stderr, the result file to --out (or to
 * stdout). Bad input: every problem with its field path, exit code 1, nothing written.
 * `--threads N`: step z-slabs on N threads (shared memory; bit-identical results, default 1).
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runPlan } from '../engine/run.ts';
import type { RunResult } from '../engine/types.ts';
import { PlanPreparationError } from '../engine/prepare.ts';
import { HeatSolver } from '../physics/solver.ts';
import { loadPlanFile } from './loadPlan.ts';
import { createNodeSlabPool } from './nodeThreads.ts';

const USAGE = 'usage: npm run simulate -- PLAN.json [--out RESULT.json] [--spacing MM] [--threads N]';

interface Args {
  planPath: string;
  outPath?: string;
  spacingMm?: number;
  threads: number;
}

function parseArgs(argv: string[]): Args | string {
  let planPath: string | undefined, outPath: string | undefined, spacingMm: number | undefined;
  let threads = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      outPath = argv[++i];
      if (!outPath) return '--out: expected a file name';
    } else if (a === '--spacing') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0.25 || v > 5) return `--spacing: expected a number of mm between 0.25 and 5, got '${argv[i] ?? ''}'`;
      spacingMm = v;
    } else if (a === '--threads') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 64) return `--threads: expected a whole number from 1 to 64, got '${argv[i] ?? ''}'`;
      threads = v;
    } else if (a === '--help' || a === '-h') return USAGE;
    else if (a.startsWith('-')) return `unknown option '${a}'\n${USAGE}`;
    else if (planPath) return `unexpected argument '${a}'\n${USAGE}`;
    else planPath = a;
  }
  if (!planPath) return `missing PLAN.json\n${USAGE}`;
  return { planPath, outPath, spacingMm, threads };
}

function summary(result: RunResult, name: string): string {
  const last = result.snapshots[result.snapshots.length - 1];
  const lines = [
    `${name}: ${result.grid.dims.join('×')} cells at ${result.grid.spacing_mm} mm, ${result.solver.steps} steps, ${result.solver.wall_s} s`,
    `at ${last.t_s} s: ` + Object.entries(last.isotherms).map(([k, v]) => `${k} °C ${v.volume_ml} ml`).join(', '),
  ];
  const c = last.coverage;
  if (c) {
    lines.push(
      `tumour ${c.tumor_volume_ml} ml: ${(100 * c.tumor_covered_fraction).toFixed(1)} % at ≤ ${c.lethal_C} °C, ` +
        `margin shell ${(100 * c.margin_covered_fraction).toFixed(1)} %, minimum margin ` +
        (c.min_margin_mm === null ? 'n/a (no ablation zone)' : `${c.min_margin_mm.toFixed(2)} mm`),
    );
  }
  for (const [s, m] of Object.entries(last.structures)) {
    lines.push(`${s}: min ${m.min_C ?? 'n/a'} °C, frozen ${m.frozen_volume_ml} ml, lethal ${m.lethal_volume_ml} ml`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(args + '\n');
    return args === USAGE ? 0 : 2;
  }
  const loaded = loadPlanFile(resolve(args.planPath));
  if (!loaded.ok) {
    process.stderr.write(`${args.planPath}: invalid plan\n` + loaded.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n') + '\n');
    return 1;
  }
  let result: RunResult;
  if (args.threads > 1) HeatSolver.threadPool = await createNodeSlabPool(args.threads);
  try {
    // A live counter on a terminal; a line per quarter of the protocol in a log.
    const tty = process.stderr.isTTY;
    let lastPrint = 0, lastQuarter = 0;
    result = runPlan(loaded.plan, {
      spacingMm: args.spacingMm,
      meshes: loaded.meshes,
      onProgress: (t, end) => {
        const now = Date.now();
        if (tty && (now - lastPrint > 250 || t === end)) {
          lastPrint = now;
          process.stderr.write(`\r  simulated ${t.toFixed(0)} / ${end} s` + (t === end ? '\n' : ''));
        } else if (!tty && Math.floor((4 * t) / end) > lastQuarter) {
          lastQuarter = Math.floor((4 * t) / end);
          process.stderr.write(`  simulated ${t.toFixed(0)} / ${end} s\n`);
        }
      },
    });
  } catch (e) {
    if (e instanceof PlanPreparationError) {
      process.stderr.write(`${args.planPath}: cannot simulate\n  ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    HeatSolver.threadPool?.close();
    HeatSolver.threadPool = null;
  }
  const text = JSON.stringify(result, null, 1) + '\n';
  if (args.outPath) {
    try {
      writeFileSync(args.outPath, text);
    } catch (e) {
      process.stderr.write(`--out: cannot write '${args.outPath}': ${(e as Error).message}\n`);
      return 1;
    }
  } else process.stdout.write(text);
  process.stderr.write(summary(result, loaded.plan.name ?? args.planPath) + '\n');
  if (args.outPath) process.stderr.write(`result written to ${resolve(dirname(args.outPath), args.outPath)}\n`);
  return 0;
}

process.exitCode = await main();
