/**
 * Keyboard shortcuts: space plays/pauses, Ctrl+Z undoes, Ctrl+Shift+Z (or Ctrl+Y) redoes
 * (⌘ on a Mac). Not while typing in a field, where the browser's own undo and space apply, and
 * space is left to a focused button or control that it activates.
 */

import { useEffect } from 'react';
import type { PlanStore } from '../store/planStore.ts';
import type { SimulationStore } from '../store/simulationStore.ts';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(target.type);
  return false;
}

export function handleShortcut(e: KeyboardEvent, plan: PlanStore, sim: SimulationStore): boolean {
  if (isEditable(e.target)) return false;
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey && key === 'z') {
    if (e.shiftKey) plan.getState().redo();
    else plan.getState().undo();
    return true;
  }
  if (mod && !e.altKey && !e.shiftKey && key === 'y') {
    plan.getState().redo();
    return true;
  }
  if (!mod && !e.altKey && (e.key === ' ' || e.code === 'Space')) {
    const t = e.target;
    if (t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || (t instanceof HTMLInputElement && t.type !== 'range')) return false;
    sim.getState().togglePlay();
    return true;
  }
  return false;
}

export function useShortcuts(plan: PlanStore, sim: SimulationStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleShortcut(e, plan, sim)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [plan, sim]);
}
