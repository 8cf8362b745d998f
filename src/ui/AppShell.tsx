/**
 * The screen: header (name, files, undo/redo, disclaimer), the views, the results and plan
 * panels on the right, the timeline along the bottom.
 */

import { FilesMenu } from './FilesMenu.tsx';
import { ChartsPanel } from './ChartsPanel.tsx';
import { MetricsPanel } from './MetricsPanel.tsx';
import { PlanPanel } from './PlanPanel.tsx';
import { Timeline } from './Timeline.tsx';
import { ViewsRegion } from './ViewsRegion.tsx';
import { useApp, usePlan } from './context.tsx';
import { useShortcuts } from './shortcuts.ts';

export const DISCLAIMER = 'Simulation for education and planning rehearsal — not a medical device';

export function AppShell() {
  const { plan, sim } = useApp();
  useShortcuts(plan, sim);
  const name = usePlan((s) => s.plan.name);
  const canUndo = usePlan((s) => s.past.length > 0 || s.gestureBase !== null);
  const canRedo = usePlan((s) => s.future.length > 0);
  const { undo, redo } = usePlan((s) => s);
  return (
    <div className="app">
      <header className="app__header">
        <h1 className="app__title">Cryoplan</h1>
        <span className="app__plan-name" data-testid="plan-name">{name ?? 'Untitled plan'}</span>
        <FilesMenu />
        <div className="app__history" role="group" aria-label="History">
          <button type="button" className="btn" onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)" data-testid="undo">↶ Undo</button>
          <button type="button" className="btn" onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="redo">↷ Redo</button>
        </div>
        <p className="disclaimer" role="note" data-testid="disclaimer">{DISCLAIMER}</p>
      </header>
      <main className="app__main">
        <ViewsRegion />
        <aside className="app__side" aria-label="Results and plan">
          <MetricsPanel />
          <ChartsPanel />
          <PlanPanel />
        </aside>
      </main>
      <footer className="app__footer">
        <Timeline />
      </footer>
    </div>
  );
}
