/**
 * "Jump to a date…" from a date separator's menu: a native date picker in the app's dialog. *Go* asks for the first
 * event on or after the start of that day (api/jump-to-date.ts) and the timeline opens there; a day with nothing
 * said after it, or a homeserver that cannot say, keeps the dialog open with the reason in words.
 */
import { useState } from 'react';
import { parseDay } from '../../../shared/calendar-day.ts';
import { useSession } from '../../api/hooks.ts';
import { dayValue, jumpToTime } from '../../api/jump-to-date.ts';
import { Dialog } from '../dialogs/Dialog.tsx';

export function JumpToDateDialog({ roomId, initial, onClose }: {
  roomId: string;
  /** The day shown first (the separator's), ms. */
  initial: number;
  onClose: () => void;
}) {
  const session = useSession();
  const [value, setValue] = useState(() => dayValue(initial));
  const day = parseDay(value);
  return (
    <Dialog title="Jump to a date" submitLabel="Go" testId="jump-to-date-dialog" canSubmit={day !== null} onClose={onClose}
      onSubmit={() => jumpToTime(session, roomId, day ?? 0)}>
      <p>The timeline opens at the first message sent on or after that day.</p>
      <label className="dialog-field">
        Day
        <input type="date" value={value} required autoFocus data-testid="jump-to-date-input"
          onChange={(e) => setValue(e.target.value)} />
      </label>
    </Dialog>
  );
}
