/**
 * The room settings panel's shared pieces: a section's frame (title, editor, the last save's outcome) and the
 * saver that runs one change at a time and reports it in words, keeping what the person typed when it fails.
 */
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../../../shared/error-message.ts';

export interface Status { busy: boolean; error: string | null; saved: boolean }

/** A setting's frame: its title, its editor, and what happened to the last save. */
export function Section({ label, children, status, testId }: { label: string; children: ReactNode; status: Status; testId?: string }) {
  return (
    <section className="settings-section" data-testid={testId}>
      <h4>{label}</h4>
      {children}
      {status.error && <p className="settings-error" role="alert" data-testid="settings-error">{status.error}</p>}
      {status.saved && <p className="settings-saved" role="status">Saved</p>}
    </section>
  );
}

/** Runs a save, keeping what the person typed if it fails. */
export function useSaver(what: string) {
  const [status, setStatus] = useState<Status>({ busy: false, error: null, saved: false });
  function run(save: () => Promise<unknown>): void {
    setStatus({ busy: true, error: null, saved: false });
    save().then(() => setStatus({ busy: false, error: null, saved: true }),
      (err: unknown) => setStatus({ busy: false, error: `Could not change ${what}: ${errorMessage(err)}`, saved: false }));
  }
  return { status, run };
}

export function ReadOnlyNote({ editable }: { editable: boolean }) {
  return editable ? null : <p className="settings-note">You don't have permission to change this.</p>;
}
