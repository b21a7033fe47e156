/**
 * Which message the composer of each room is replying to or editing. A tiny external store beside the main one
 * (the reply/edit mode is UI state, not backend data), one per session, read with `useComposerMode`.
 */
import { useSyncExternalStore } from 'react';
import type { Event } from '../../shared/rpc/types.ts';
import { useSession } from './hooks.ts';
import type { Session } from './session.ts';

export type ComposerMode =
  | { readonly kind: 'normal' }
  | { readonly kind: 'reply'; readonly event: Event }
  /** `text` is the message's current text, which the composer is loaded with. */
  | { readonly kind: 'edit'; readonly event: Event; readonly text: string };

const NORMAL: ComposerMode = { kind: 'normal' };

export class ComposerModes {
  private readonly modes = new Map<string, ComposerMode>();
  private readonly listeners = new Set<() => void>();

  get(roomId: string): ComposerMode {
    return this.modes.get(roomId) ?? NORMAL;
  }

  set(roomId: string, mode: ComposerMode): void {
    if (mode.kind === 'normal') this.modes.delete(roomId);
    else this.modes.set(roomId, mode);
    for (const l of [...this.listeners]) l();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };
}

const perSession = new WeakMap<Session, ComposerModes>();

export function composerModes(session: Session): ComposerModes {
  let m = perSession.get(session);
  if (!m) perSession.set(session, (m = new ComposerModes()));
  return m;
}

export function useComposerMode(roomId: string): ComposerMode {
  const modes = composerModes(useSession());
  return useSyncExternalStore(modes.subscribe, () => modes.get(roomId));
}
