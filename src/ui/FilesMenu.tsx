/**
 * Files: open a plan, open a sample, save, import a tumour or structure mesh (STL/OBJ/PLY),
 * share a link, export a report. A disclosure menu (a button that opens a list of buttons);
 * the outcome of each action is announced in a status line.
 */

import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { sampleCases } from '../plan/samples.ts';
import { useApp, type ActionOutcome, type MeshTarget } from './context.tsx';

export function FilesMenu() {
  const { services, startupNotice } = useApp();
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<(ActionOutcome & { url?: string }) | null>(
    startupNotice ? { ok: false, message: startupNotice } : null,
  );
  const [busy, setBusy] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const planInput = useRef<HTMLInputElement>(null);
  const meshInput = useRef<HTMLInputElement>(null);
  const meshTarget = useRef<MeshTarget>({ kind: 'tumor' });

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onDown = (e: PointerEvent) => {
      if (menuRef.current && !menuRef.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onDown);
    };
  }, [open]);

  const run = async (action: () => Promise<ActionOutcome & { url?: string }> | (ActionOutcome & { url?: string })) => {
    setOpen(false);
    setBusy(true);
    try {
      setOutcome(await action());
    } catch (e) {
      setOutcome({ ok: false, message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const onPlanFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void run(() => services.openPlanFile(file));
  };
  const onMeshFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void run(() => services.importMesh(file, meshTarget.current));
  };
  const pickMesh = (target: MeshTarget) => {
    meshTarget.current = target;
    meshInput.current?.click();
  };

  return (
    <div className="files" ref={menuRef}>
      <button type="button" className="btn" aria-expanded={open} aria-controls="files-menu" onClick={() => setOpen(!open)} data-testid="files-button">
        Files ▾
      </button>
      {open && (
        <div id="files-menu" className="menu" role="group" aria-label="Files">
          <button type="button" className="menu__item" onClick={() => planInput.current?.click()} data-testid="open-plan">Open plan… <span className="muted">.json</span></button>
          <button type="button" className="menu__item" onClick={() => void run(() => services.savePlan())} data-testid="save-plan">Save plan <span className="muted">.cryoplan.json</span></button>
          <div className="menu__sep" />
          <button type="button" className="menu__item" onClick={() => pickMesh({ kind: 'tumor' })} data-testid="import-tumor">Import tumour mesh… <span className="muted">STL/OBJ/PLY</span></button>
          <button type="button" className="menu__item" onClick={() => pickMesh({ kind: 'structure', role: 'avoid' })} data-testid="import-avoid">Import organ at risk… <span className="muted">STL/OBJ/PLY</span></button>
          <button type="button" className="menu__item" onClick={() => pickMesh({ kind: 'structure', role: 'vessel' })} data-testid="import-vessel">Import vessel (heat sink)… <span className="muted">STL/OBJ/PLY</span></button>
          <div className="menu__sep" />
          <button type="button" className="menu__item" onClick={() => void run(() => services.shareLink())} data-testid="share-link">Copy share link</button>
          <button type="button" className="menu__item" onClick={() => void run(() => services.exportReport())} data-testid="export-report">Export report <span className="muted">PNG + HTML</span></button>
          <div className="menu__sep" />
          <span className="menu__label">Samples</span>
          {sampleCases.map((c) => (
            <button key={c.id} type="button" className="menu__item" title={c.description} onClick={() => void run(() => services.openSample(c.id))} data-testid={`sample-${c.id}`}>
              {c.title}
            </button>
          ))}
        </div>
      )}
      <input ref={planInput} type="file" accept=".json,application/json" hidden onChange={onPlanFile} data-testid="plan-file-input" />
      <input ref={meshInput} type="file" accept=".stl,.obj,.ply" hidden onChange={onMeshFile} data-testid="mesh-file-input" />
      <p className={`files__status${outcome && !outcome.ok ? ' files__status--error' : ''}`} role="status" aria-live="polite" data-testid="files-status">
        {busy ? 'Working…' : outcome?.message}
        {outcome?.url && <input className="share-url" readOnly value={outcome.url} aria-label="Share link" onFocus={(e) => e.currentTarget.select()} />}
        {outcome && !busy && <button type="button" className="btn btn--icon" aria-label="Dismiss message" onClick={() => setOutcome(null)}>✕</button>}
      </p>
    </div>
  );
}
