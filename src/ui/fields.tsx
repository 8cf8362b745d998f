/**
 * Form fields that commit on Enter, blur or an arrow step (not on every keystroke, so typing
 * "-12" does not start three simulations). Escape reverts. Errors are shown under the field and
 * tied to it with aria-describedby.
 */

import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { Vec3 } from '../plan/types.ts';
import { formatMinSec, parseMinSec } from './format.ts';

interface NumberFieldProps {
  label: string;
  value: number;
  unit: string;
  onCommit(value: number): void;
  error?: string;
  step?: number;
  digits?: number;
  testId?: string;
  /** Hide the label visually (it stays for screen readers). */
  compactLabel?: boolean;
}

function rounded(x: number, digits: number): string {
  return String(Number(x.toFixed(digits)));
}

export function NumberField({ label, value, unit, onCommit, error, step = 1, digits = 2, testId, compactLabel }: NumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState(rounded(value, digits));
  useEffect(() => setDraft(rounded(value, digits)), [value, digits]);
  const commit = (text: string): void => {
    const x = Number(text);
    if (text.trim() === '' || !Number.isFinite(x)) {
      onCommit(Number.NaN); // lets the store report "enter a number"
      return;
    }
    // The same value again still commits while an error shows, so the store can clear it.
    if (rounded(x, digits) !== rounded(value, digits) || error) onCommit(x);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') commit(e.currentTarget.value);
    if (e.key === 'Escape') setDraft(rounded(value, digits));
  };
  const onKeyUp = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') commit(e.currentTarget.value);
  };
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id} className={compactLabel ? 'visually-hidden' : undefined}>{label}</label>
      <span className="field__input">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          step={step}
          value={draft}
          data-testid={testId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={(e) => commit(e.target.value)}
          onKeyDown={onKeyDown}
          onKeyUp={onKeyUp}
          onPointerUp={(e) => commit(e.currentTarget.value)}
        />
        <span className="unit" aria-hidden="true">{unit}</span>
      </span>
      {error && <span id={`${id}-err`} className="field__error" role="alert">{error}</span>}
    </div>
  );
}

interface Vec3FieldProps {
  label: string;
  value: Vec3;
  onCommit(value: Vec3): void;
  error?: string;
  testId?: string;
}

const AXES = ['x', 'y', 'z'] as const;

/** Three coordinates [mm] in one group. */
export function Vec3Field({ label, value, onCommit, error, testId }: Vec3FieldProps) {
  const id = useId();
  return (
    <fieldset className={`vec3${error ? ' field--error' : ''}`} aria-describedby={error ? `${id}-err` : undefined}>
      <legend>{label} <span className="unit">mm</span></legend>
      <div className="vec3__row">
        {AXES.map((axis, i) => (
          <NumberField
            key={axis}
            label={`${label} ${axis}`}
            compactLabel
            value={value[i]}
            unit={axis}
            step={1}
            digits={2}
            testId={testId ? `${testId}-${axis}` : undefined}
            onCommit={(x) => {
              const next: Vec3 = [value[0], value[1], value[2]];
              next[i] = x;
              onCommit(next);
            }}
          />
        ))}
      </div>
      {error && <span id={`${id}-err`} className="field__error" role="alert">{error}</span>}
    </fieldset>
  );
}

interface DurationFieldProps {
  label: string;
  seconds: number;
  onCommit(seconds: number): void;
  error?: string;
  testId?: string;
}

/** A duration typed as m:ss (or plain minutes). */
export function DurationField({ label, seconds, onCommit, error, testId }: DurationFieldProps) {
  const id = useId();
  const shown = formatMinSec(seconds);
  const [draft, setDraft] = useState(shown);
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setDraft(shown);
    setBad(false);
  }, [shown]);
  const commit = (text: string): void => {
    const s = parseMinSec(text);
    setBad(s === null);
    if (s !== null && (s !== seconds || error)) onCommit(s);
  };
  const message = bad ? 'type minutes:seconds, e.g. 10:00' : error;
  return (
    <div className={`field field--duration${message ? ' field--error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <span className="field__input">
        <input
          id={id}
          type="text"
          inputMode="numeric"
          value={draft}
          data-testid={testId}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-err` : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={(e) => commit(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit(e.currentTarget.value);
            if (e.key === 'Escape') setDraft(shown);
          }}
        />
        <span className="unit" aria-hidden="true">min:s</span>
      </span>
      {message && <span id={`${id}-err`} className="field__error" role="alert">{message}</span>}
    </div>
  );
}
