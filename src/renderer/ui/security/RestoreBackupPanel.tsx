/**
 * Settings → Security's *Restore keys from backup*, offered while this session uses the key backup: restores every
 * room key of the backup onto this session again (`restore_key_backup`, with the key the session holds, no recovery
 * key asked), for when the restore after verifying failed or was cut off, as Element's *Restore from Backup* does.
 * It starts at once (the button said what it does), shows its progress as verifying does (BackupRestore.tsx), then
 * how many keys came back, or why not with *Try again*.
 */
import { useEffect, useRef, useState } from 'react';
import type { KeyBackupRestore } from '../../../shared/rpc/commands.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { useSession } from '../../api/hooks.ts';
import { onBackupRestore, restoreKeyBackup } from '../../api/security.ts';
import { keys, restoredBeforeStop, RestoreProgress } from './BackupRestore.tsx';

export function RestoreBackupPanel({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const [progress, setProgress] = useState<KeyBackupRestore | null>(null);
  const [outcome, setOutcome] = useState<KeyBackupRestore | null>(null);
  /** A refusal before the restore began (no backup key here, another backup on the server): no outcome to show. */
  const [refused, setRefused] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const mounted = useRef(true);

  async function run(): Promise<void> {
    setRunning(true);
    setRefused(null);
    setProgress(null);
    const told: { last: KeyBackupRestore | null } = { last: null };
    const off = onBackupRestore(session, (p) => { told.last = p; if (mounted.current) setProgress(p); });
    let result: KeyBackupRestore | null = null;
    let error: string | null = null;
    try {
      result = await restoreKeyBackup(session);
    } catch (err) {
      if (told.last?.stage === 'failed') result = told.last;
      else error = errorMessage(err);
    } finally {
      off();
    }
    if (!mounted.current) return;
    setRunning(false);
    setProgress(null);
    if (result) setOutcome(result);
    setRefused(error);
  }

  // Started once when the panel opens; a restore still running when it closes goes on, unseen, in the backend.
  const started = useRef(false);
  useEffect(() => {
    mounted.current = true;
    if (!started.current) {
      started.current = true;
      void run();
    }
    return () => { mounted.current = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the panel opens
  }, []);

  const failed = outcome?.stage === 'failed';
  return (
    <div className="sec-form" data-testid="restore-backup" data-stage={running ? 'running' : outcome?.stage ?? 'refused'}>
      {running && (progress && (progress.stage === 'downloading' || progress.stage === 'importing')
        ? <RestoreProgress progress={progress} backup="your key backup" />
        : <p className="sec-hint" role="status"><span className="spinner" aria-hidden="true" /> Restoring keys from your key backup…</p>)}
      {!running && refused !== null && <div className="sec-error" role="alert" data-testid="restore-backup-error">{refused}</div>}
      {!running && outcome && (failed ? (
        <div className="sec-warning" role="alert" data-testid="restore-backup-error">
          The keys could not be restored from your key backup (version {outcome.version}): {outcome.error}{' '}
          {restoredBeforeStop(outcome)}
        </div>
      ) : (
        <div className="sec-success" role="status" data-testid="restore-backup-done">
          {outcome.total === 0
            ? `Your key backup (version ${outcome.version}) holds no keys to restore.`
            : `${keys(outcome.restored)} of ${outcome.total.toLocaleString()} restored from your key backup (version ${outcome.version}): your earlier encrypted messages can be read here.`}
        </div>
      ))}
      <div className="sec-buttons">
        {!running && (failed || refused !== null) && (
          <button type="button" className="button-secondary" data-testid="restore-backup-retry" onClick={() => void run()}>Try again</button>
        )}
        {/* Closing while it runs leaves it running in the backend: the keys still come. */}
        <button type="button" className="button-primary" data-testid="restore-backup-close" onClick={onDone}>
          {running ? 'Close' : 'Done'}
        </button>
      </div>
    </div>
  );
}
