/**
 * The timeline: protocol phases (freeze / thaw passive|active, durations in min:s), play/pause,
 * a scrub slider over the whole run (freezes, thaws and the end), the run's progress and status.
 */

import { useEffect } from 'react';
import { protocolEndS } from '../plan/parse.ts';
import type { Phase } from '../plan/types.ts';
import { shownPreview, shownTimeS } from '../store/simulationStore.ts';
import { useApp, usePlan, useSim } from './context.tsx';
import { DurationField } from './fields.tsx';
import { engineLabel, fmt, formatMinSec } from './format.ts';

/** Advances playback with the display refresh while playing (store update only; no React state). */
function usePlaybackClock(): void {
  const { sim } = useApp();
  const playing = useSim((s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let raf = requestAnimationFrame(function step(now) {
      sim.getState().tick((now - last) / 1000);
      last = now;
      raf = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(raf);
  }, [playing, sim]);
}

export function Timeline() {
  usePlaybackClock();
  const protocol = usePlan((s) => s.plan.protocol);
  const fieldErrors = usePlan((s) => s.fieldErrors);
  const { addPhase, removePhase, setPhaseDuration, setPhaseKind, setThawMode } = usePlan((s) => s);
  const endS = useSim((s) => s.endS) || protocolEndS({ protocol });
  const latestS = useSim((s) => s.latest?.t_s ?? 0);
  const following = useSim((s) => s.following);
  const playbackS = useSim(shownTimeS);
  const playing = useSim((s) => s.playing);
  const { seek, togglePlay, follow } = useSim((s) => s);

  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="visually-hidden">Timeline</h2>
      <div className="timeline__transport">
        <button
          type="button"
          className="btn btn--primary btn--play"
          onClick={togglePlay}
          aria-label={playing ? 'Pause (space)' : 'Play (space)'}
          title={playing ? 'Pause (space)' : 'Play (space)'}
          data-testid="play"
        >{playing ? '❚❚ Pause' : '▶ Play'}</button>
        <div className="timeline__scrub">
          <PhaseBar protocol={protocol} endS={endS} latestS={latestS} />
          <label className="visually-hidden" htmlFor="scrub">Time</label>
          <input
            id="scrub"
            type="range"
            min={0}
            max={endS}
            step={1}
            value={Math.min(playbackS, endS)}
            onChange={(e) => seek(Number(e.target.value))}
            aria-valuetext={`${formatMinSec(playbackS)} of ${formatMinSec(endS)}`}
            data-testid="scrub"
          />
        </div>
        <div className="timeline__clock" aria-live="off">
          <span className="timeline__time" data-testid="time">{formatMinSec(playbackS)}</span>
          <span className="muted"> / {formatMinSec(endS)} min:s</span>
          {!following && (
            <button type="button" className="btn btn--small" onClick={follow} title="Show the newest result">Live</button>
          )}
        </div>
        <RunStatus />
      </div>
      <ol className="phases" aria-label="Protocol phases" data-testid="phases">
        {protocol.map((ph, i) => (
          <li key={i} className={`phase phase--${ph.phase}`}>
            <span className="phase__index">{i + 1}</span>
            <label className="visually-hidden" htmlFor={`phase-kind-${i}`}>Phase {i + 1} kind</label>
            <select id={`phase-kind-${i}`} value={ph.phase} data-testid={`phase-kind-${i}`}
              onChange={(e) => setPhaseKind(i, e.target.value as Phase['phase'])}>
              <option value="freeze">Freeze</option>
              <option value="thaw">Thaw</option>
            </select>
            {ph.phase === 'thaw' && (
              <>
                <label className="visually-hidden" htmlFor={`phase-mode-${i}`}>Phase {i + 1} thaw mode</label>
                <select id={`phase-mode-${i}`} value={ph.mode} data-testid={`phase-mode-${i}`}
                  onChange={(e) => setThawMode(i, e.target.value as 'passive' | 'active')}>
                  <option value="passive">passive</option>
                  <option value="active">active</option>
                </select>
              </>
            )}
            <DurationField
              label={`Phase ${i + 1} duration`}
              seconds={ph.duration_s}
              onCommit={(s) => setPhaseDuration(i, s)}
              error={fieldErrors[`protocol[${i}].duration_s`]}
              testId={`phase-duration-${i}`}
            />
            <button type="button" className="btn btn--icon btn--danger" aria-label={`Remove phase ${i + 1}`}
              onClick={() => removePhase(i)} disabled={protocol.length === 1}>✕</button>
          </li>
        ))}
        <li className="phase phase--add">
          <button type="button" className="btn" onClick={() => addPhase('freeze')} data-testid="add-freeze">+ Freeze</button>
          <button type="button" className="btn" onClick={() => addPhase('thaw')} data-testid="add-thaw">+ Thaw</button>
        </li>
      </ol>
      {fieldErrors.protocol && <p className="field__error" role="alert">protocol: {fieldErrors.protocol}</p>}
    </section>
  );
}

/** Phases drawn to scale over the run, with how far the simulation has got. */
function PhaseBar({ protocol, endS, latestS }: { protocol: Phase[]; endS: number; latestS: number }) {
  let t = 0;
  return (
    <div className="phasebar" aria-hidden="true">
      {protocol.map((ph, i) => {
        const left = (t / endS) * 100;
        t += ph.duration_s;
        return (
          <span key={i} className={`phasebar__seg phasebar__seg--${ph.phase}${ph.phase === 'thaw' ? `-${ph.mode}` : ''}`}
            style={{ left: `${left}%`, width: `${(ph.duration_s / endS) * 100}%` }}>
            {ph.phase === 'freeze' ? 'freeze' : `thaw (${ph.mode})`}
          </span>
        );
      })}
      <span className="phasebar__progress" style={{ width: `${Math.min(100, (latestS / endS) * 100)}%` }} />
    </div>
  );
}

function RunStatus() {
  const status = useSim((s) => s.status);
  const error = useSim((s) => s.error);
  const spacing = useSim((s) => s.spacingMm);
  const coarse = useSim((s) => s.coarse);
  const latestS = useSim((s) => s.latest?.t_s ?? 0);
  const endS = useSim((s) => s.endS);
  const wallS = useSim((s) => (s.latestAtMs - s.startedAtMs) / 1000);
  const runId = useSim((s) => s.runId);
  const engine = useSim((s) => s.engine);
  const previewMm = useSim((s) => s.preview?.spacingMm ?? null);
  const previewShown = useSim((s) => shownPreview(s) !== null);
  let text: string;
  if (status === 'error') text = `Simulation failed: ${error ?? 'unknown error'}`;
  else if (status === 'idle') text = 'Waiting for the engine…';
  else if (status === 'running') {
    const what = coarse ? 'Preview' : previewMm !== null ? 'Refining' : 'Simulating';
    text = `${what} on a ${fmt(spacing ?? 0, spacing && spacing < 1 ? 2 : 0)} mm grid: ${formatMinSec(latestS)} of ${formatMinSec(endS)}` +
      (previewShown && previewMm !== null ? ` · showing the ${fmt(previewMm, 0)} mm preview` : '');
  } else if (status === 'done') text = `Done: ${formatMinSec(endS)} simulated in ${fmt(wallS, 1)} s on a ${fmt(spacing ?? 0, spacing && spacing < 1 ? 2 : 0)} mm grid`;
  else text = 'Stopped';
  return (
    <p className={`run-status run-status--${status}`} role="status" data-testid="run-status" data-status={status}
      data-run-id={runId} data-latest-s={latestS} data-coarse={coarse ? 'true' : 'false'} data-preview-shown={previewShown ? 'true' : 'false'}>
      {text}
      {engine && status !== 'error' ? <span className="run-status__engine" title={engine.reason ?? ''}> · {engineLabel(engine)}</span> : null}
    </p>
  );
}
