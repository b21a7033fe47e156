/**
 * The passphrase inputs and form ends the security forms share: one labelled password field, a new passphrase
 * asked twice (key export, a recovery passphrase), and the error/success lines with Cancel and a submit button
 * that shows a spinner while busy. One place, so the forms look and behave alike.
 */
import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  autoFocus?: boolean;
  autoComplete?: string;
  hint?: ReactNode;
}

export function PassphraseField({ label, testId, value, onChange, disabled, autoFocus, autoComplete = 'off', hint }: FieldProps) {
  const id = useId();
  return (
    <label className="field" htmlFor={id}>
      <span className="field-label">{label}</span>
      <input id={id} data-testid={testId} type="password" autoComplete={autoComplete} value={value}
        disabled={disabled} autoFocus={autoFocus} onChange={(e) => onChange(e.target.value)} />
      {hint && <span className="sec-hint">{hint}</span>}
    </label>
  );
}

/** A new passphrase and its repetition; the form checks them with checkNewPassphrase on submit. */
export function NewPassphraseFields({ label, testId, first, second, onFirst, onSecond, disabled, autoFocus }: {
  label: string;
  /** The first field's test ID; the second one's ends in `-again`. */
  testId: string;
  first: string;
  second: string;
  onFirst: (value: string) => void;
  onSecond: (value: string) => void;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <>
      <PassphraseField label={label} testId={testId} value={first} onChange={onFirst} disabled={disabled}
        autoFocus={autoFocus} autoComplete="new-password" />
      <PassphraseField label="Repeat the passphrase" testId={`${testId}-again`} value={second} onChange={onSecond}
        disabled={disabled} autoComplete="new-password" />
    </>
  );
}

/** The error or success line, then Cancel (or Close once done) and the submit button. */
export function FormEnd({ error, success, testIds, busy, onCancel, submitLabel, busyLabel }: {
  error: string | null;
  /** Once set, the form is done and Cancel reads Close. */
  success: string | null;
  testIds: { error: string; success: string; submit: string };
  busy: boolean;
  onCancel: () => void;
  submitLabel: string;
  busyLabel: string;
}) {
  return (
    <>
      {error && <div className="sec-error" role="alert" data-testid={testIds.error}>{error}</div>}
      {success && <div className="sec-success" role="status" data-testid={testIds.success}>{success}</div>}
      <div className="sec-buttons">
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>{success ? 'Close' : 'Cancel'}</button>
        <button type="submit" className="button-primary" data-testid={testIds.submit} disabled={busy} aria-busy={busy}>
          {busy ? <><span className="spinner" aria-hidden="true" /> {busyLabel}</> : submitLabel}
        </button>
      </div>
    </>
  );
}
