/**
 * Small pieces the settings tabs share: an on/off switch (a checkbox with the switch role, so screen readers say
 * "on"/"off") and a hook that runs one action at a time and keeps its error in words.
 */
import { useCallback, useState, type ReactNode } from 'react';
import { errorMessage } from '../../../shared/error-message.ts';

export function Toggle({ label, hint, checked, disabled, onChange, testId }: {
  label: string;
  hint?: ReactNode;
  checked: boolean;
  disabled?: boolean;
  onChange: (on: boolean) => void;
  testId: string;
}) {
  return (
    <label className={`settings-toggle${disabled ? ' is-disabled' : ''}`}>
      <span className="settings-toggle-text">
        <span className="settings-toggle-label">{label}</span>
        {hint && <span className="settings-hint">{hint}</span>}
      </span>
      <input type="checkbox" role="switch" className="settings-switch" checked={checked} disabled={disabled}
        aria-checked={checked} data-testid={testId} onChange={(e) => onChange(e.target.checked)} />
    </label>
  );
}

/** `run(fn)` runs `fn` unless another action is running; `error` is the last failure's message, cleared by the next run. */
export function useAction(): { busy: boolean; error: string | null; run: (fn: () => Promise<void>) => Promise<boolean>; setError: (e: string | null) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

export function ErrorLine({ error, testId }: { error: string | null; testId: string }) {
  if (!error) return null;
  return <p className="settings-alert" role="alert" data-testid={testId}>{error}</p>;
}
