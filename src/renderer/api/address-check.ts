/**
 * Whether a room address being typed is free, asked of the homeserver once the typing pauses, as Element's create
 * dialogs and room settings do (check_alias). The checker is plain TypeScript so its rules can be unit-tested with
 * fake timers: one question per pause, and an answer counts only for the address it was asked about, so a slow
 * answer about what was typed before never stands for what is typed now. The hook binds it to a component.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { errorMessage } from '../../shared/error-message.ts';
import type { Session } from './session.ts';

/** How long typing must pause before the homeserver is asked (Element's field validation waits about as long). */
export const ADDRESS_CHECK_DELAY_MS = 350;

/**
 * What is known of an address: `none` when there is nothing to ask about (no address, or one that cannot be one),
 * `checking` until the homeserver answers for it, `taken` (by `roomId`), `free`, or `unknown` when the homeserver
 * could not be asked (`error` in words): creating is still worth trying then, and the server will say.
 */
export type AddressCheck =
  | { readonly state: 'none' }
  | { readonly state: 'checking' }
  | { readonly state: 'free' }
  | { readonly state: 'taken'; readonly roomId: string }
  | { readonly state: 'unknown'; readonly error: string };

const NONE: AddressCheck = { state: 'none' };
const CHECKING: AddressCheck = { state: 'checking' };

/** The checker's state: what it was last given to check, and what is known of that. */
export interface AddressCheckSnapshot {
  readonly alias: string | null;
  readonly check: AddressCheck;
}

/** Asks the homeserver which room `alias` names: its room ID, or null when the address is free. */
export type AskAlias = (alias: string) => Promise<string | null>;

export class AddressChecker {
  private snapshot: AddressCheckSnapshot = { alias: null, check: NONE };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly ask: AskAlias;
  private readonly delayMs: number;

  constructor(ask: AskAlias, delayMs = ADDRESS_CHECK_DELAY_MS) {
    this.ask = ask;
    this.delayMs = delayMs;
  }

  readonly get = (): AddressCheckSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };

  /** The address now typed (`#local:server`), or null when there is none to check. */
  set(alias: string | null): void {
    if (alias === this.snapshot.alias) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.publish({ alias, check: alias === null ? NONE : CHECKING });
    if (alias === null) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ask(alias).then(
        (roomId) => this.answer(alias, roomId === null ? { state: 'free' } : { state: 'taken', roomId }),
        (e: unknown) => this.answer(alias, { state: 'unknown', error: errorMessage(e) }),
      );
    }, this.delayMs);
  }

  private answer(alias: string, check: AddressCheck): void {
    // An answer about an address no longer typed (typing went on while it was asked) is dropped.
    if (alias === this.snapshot.alias) this.publish({ alias, check });
  }

  private publish(snapshot: AddressCheckSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener();
  }
}

/**
 * What is known of `alias` (`#local:server`, or null when there is nothing to check) as it is typed. The render that
 * follows a keystroke shows `checking` at once, before the checker is told, so a tick never shows for a text it was
 * not given for.
 */
export function useAddressCheck(session: Session, alias: string | null): AddressCheck {
  const [checker] = useState(() => new AddressChecker(async (a) => (await session.client.request('check_alias', { alias: a })).room_id));
  useEffect(() => {
    checker.set(alias);
    // Closing the dialog (or a remount) drops what is being asked.
    return () => checker.set(null);
  }, [checker, alias]);
  const snapshot = useSyncExternalStore(checker.subscribe, checker.get);
  if (alias === null) return NONE;
  return snapshot.alias === alias ? snapshot.check : CHECKING;
}
