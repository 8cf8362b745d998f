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
          <SideNav />
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

/** The side column scrolls; these jump to its three panels, so the plan editor is one click away. */
const SIDE_SECTIONS: [label: string, selector: string][] = [
  ['Results', '.metrics-panel'],
  ['Charts', '.charts'],
  ['Plan & probes', '.plan-panel'],
];

/** Scrolls only the side column (scrollIntoView would also move the page and hide the header). */
function scrollSideTo(button: HTMLElement, selector: string): void {
  const side = button.closest('.app__side');
  const target = side?.querySelector(selector);
  const nav = button.parentElement;
  if (!side || !target || !nav) return;
  const offset = target.getBoundingClientRect().top - side.getBoundingClientRect().top - nav.offsetHeight;
  side.scrollBy({ top: offset, behavior: 'smooth' });
}

function SideNav() {
  return (
    <nav className="side-nav" aria-label="Side panels">
      {SIDE_SECTIONS.map(([label, selector]) => (
        <button
          key={label}
          type="button"
          className="btn side-nav__btn"
          onClick={(e) => scrollSideTo(e.currentTarget, selector)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}
