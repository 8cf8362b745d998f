/**
 * Which plan the app opens on: a plan in the URL fragment (a shared link) first, then the plan
 * autosaved in this browser, then the liver three-probe sample. A broken link is reported and
 * the next source is used.
 */

import { parsePlanText } from '../plan/parse.ts';
import { findSample } from '../plan/samples.ts';
import type { Plan, PlanIssue } from '../plan/types.ts';
import { restoreAutosave, type KeyValueStorage } from '../store/autosave.ts';
import { decodePlanHash } from './shareLink.ts';

export const DEFAULT_SAMPLE_ID = 'liver-3probe';

export interface InitialPlan {
  plan: Plan;
  source: 'link' | 'autosave' | 'sample';
  /** Problems with a link that could not be opened. */
  linkIssues?: PlanIssue[];
}

export async function fetchSamplePlan(id: string, baseUrl: string, fetchFn: typeof fetch = fetch): Promise<Plan> {
  const sample = findSample(id);
  if (!sample) throw new Error(`no sample case '${id}'`);
  const res = await fetchFn(`${baseUrl}${sample.file}`);
  if (!res.ok) throw new Error(`could not load the sample ${sample.file} (HTTP ${res.status})`);
  const parsed = parsePlanText(await res.text());
  if (!parsed.ok) throw new Error(`the sample ${sample.file} is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return parsed.plan;
}

export async function loadInitialPlan(o: {
  hash: string;
  storage: KeyValueStorage | null;
  baseUrl: string;
  fetchFn?: typeof fetch;
}): Promise<InitialPlan> {
  let linkIssues: PlanIssue[] | undefined;
  const fromLink = await decodePlanHash(o.hash);
  if (fromLink?.ok) return { plan: fromLink.plan, source: 'link' };
  if (fromLink && !fromLink.ok) linkIssues = fromLink.issues;
  const saved = o.storage
    ? restoreAutosave(o.storage, (text) => {
        const r = parsePlanText(text);
        return r.ok ? r.plan : null;
      })
    : null;
  if (saved) return { plan: saved, source: 'autosave', linkIssues };
  return { plan: await fetchSamplePlan(DEFAULT_SAMPLE_ID, o.baseUrl, o.fetchFn), source: 'sample', linkIssues };
}
