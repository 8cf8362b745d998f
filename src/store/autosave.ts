/**
 * Keeps the plan in the browser's storage (localStorage in the app) so a reload restores it.
 * Writes are debounced; nothing leaves the browser. Storage and timers are injected so this runs
 * in Node tests.
 */

import type { Plan } from '../plan/types.ts';
import type { PlanStore } from './planStore.ts';

export const AUTOSAVE_KEY = 'cryoplan.autosave.v1';
export const AUTOSAVE_DELAY_MS = 800;

/** The part of `Storage` used here. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface AutosaveOptions {
  storage: KeyValueStorage;
  serialize: (plan: Plan) => string;
  key?: string;
  delayMs?: number;
  /** Called when a write fails (storage full or disabled). */
  onError?: (error: unknown) => void;
}

/** Starts saving the plan after each change settles; returns a function that flushes and stops. */
export function startAutosave(store: PlanStore, options: AutosaveOptions): () => void {
  const key = options.key ?? AUTOSAVE_KEY;
  const delay = options.delayMs ?? AUTOSAVE_DELAY_MS;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: Plan | null = null;
  const write = (): void => {
    timer = null;
    if (!pending) return;
    const plan = pending;
    pending = null;
    try {
      options.storage.setItem(key, options.serialize(plan));
    } catch (error) {
      options.onError?.(error);
    }
  };
  const unsubscribe = store.subscribe((state, prev) => {
    if (state.plan === prev.plan) return;
    pending = state.plan;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(write, delay);
  });
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    write();
  };
}

/** The saved plan, or null when there is none or it no longer parses (then it is removed). */
export function restoreAutosave(
  storage: KeyValueStorage,
  parse: (text: string) => Plan | null,
  key: string = AUTOSAVE_KEY,
): Plan | null {
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return null;
  }
  if (!text) return null;
  const plan = parse(text);
  if (!plan) storage.removeItem(key);
  return plan;
}
