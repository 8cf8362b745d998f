import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_KEY, restoreAutosave, startAutosave, type KeyValueStorage } from '../../src/store/autosave.ts';
import { createPlanStore } from '../../src/store/planStore.ts';
import { parsePlanText, serializePlan } from '../../src/plan/parse.ts';
import { twoProbePlan } from './fixtures.ts';

class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  writes = 0;
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.writes++;
    this.map.set(k, v);
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
}

const parse = (text: string) => {
  const r = parsePlanText(text);
  return r.ok ? r.plan : null;
};

describe('autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes once after a burst of edits settles, and restores the same plan', () => {
    const storage = new MemoryStorage();
    const store = createPlanStore(twoProbePlan());
    const stop = startAutosave(store, { storage, serialize: serializePlan, delayMs: 500 });
    for (let k = 0; k < 10; k++) store.getState().translateProbe('P1', [k, 0, -15]);
    vi.advanceTimersByTime(499);
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(1);
    expect(storage.writes).toBe(1);
    const restored = restoreAutosave(storage, parse);
    expect(restored).toEqual(store.getState().plan);
    stop();
  });

  it('flushes a pending write when stopped', () => {
    const storage = new MemoryStorage();
    const store = createPlanStore(twoProbePlan());
    const stop = startAutosave(store, { storage, serialize: serializePlan });
    store.getState().setLethal(-25);
    stop();
    expect(restoreAutosave(storage, parse)?.lethal_C).toBe(-25);
  });

  it('ignores and removes a saved plan that no longer parses', () => {
    const storage = new MemoryStorage();
    storage.setItem(AUTOSAVE_KEY, '{"format":"cryoplan/0"}');
    expect(restoreAutosave(storage, parse)).toBeNull();
    expect(storage.getItem(AUTOSAVE_KEY)).toBeNull();
    expect(restoreAutosave(storage, parse)).toBeNull();
  });

  it('reports a failed write instead of throwing', () => {
    const store = createPlanStore(twoProbePlan());
    const errors: unknown[] = [];
    const full: KeyValueStorage = {
      getItem: () => null,
      removeItem: () => undefined,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const stop = startAutosave(store, { storage: full, serialize: serializePlan, onError: (e) => errors.push(e) });
    store.getState().setMargin(6);
    stop();
    expect(errors).toHaveLength(1);
  });
});
