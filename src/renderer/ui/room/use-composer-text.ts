/**
 * The text of a composer and what typing in it does, shared by the room's and the thread's composers: the text and
 * cursor, autocomplete over them, a textarea that grows with its text (CSS sizes it: see .composer-input), choosing a
 * suggestion, and inserting at the cursor (the emoji picker), with the caret after what was put in.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import type { Session } from '../../api/session.ts';
import { useAutocomplete } from './use-autocomplete.ts';

export function useComposerText(session: Session, roomId: string, initial: () => string, onEdit?: (text: string) => void) {
  const [text, setText] = useState(initial);
  const [cursor, setCursor] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const auto = useAutocomplete(session, roomId, text, cursor);

  // Where CSS cannot size a textarea by its content (field-sizing: Chromium, so the desktop app, has it; a browser
  // on the web host may not), it is measured instead: collapsed to find its content's height, then set to it. The
  // collapse can move a timeline pinned to its newest message for a frame, which field-sizing avoids.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || CSS.supports('field-sizing', 'content')) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  function update(next: string, nextCursor: number): void {
    setText(next);
    setCursor(nextCursor);
    auto.reset();
    onEdit?.(next);
  }

  // The caret after text we put in goes there as the new value is committed, before the next key press can be
  // handled: set at a later frame (which under load comes after more keys), it moved back over what was typed since.
  const caretAfterCommit = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = caretAfterCommit.current;
    caretAfterCommit.current = null;
    if (at !== null) ref.current?.setSelectionRange(at, at);
  });

  /** Replaces the text (unless unchanged) and puts the caret at `at`. */
  function place(next: string, at: number): void {
    if (next === text) ref.current?.setSelectionRange(at, at);
    else caretAfterCommit.current = at;
    update(next, at);
  }

  function choose(i: number): void {
    const next = auto.apply(i);
    if (!next) return;
    place(next.text, next.cursor);
  }

  function insertAtCursor(s: string): void {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    // The picker gave the focus back to its button as it closed: typing goes on in the composer.
    el?.focus();
    place(text.slice(0, start) + s + text.slice(end), start + s.length);
  }

  return { text, setText, setCursor, ref, auto, update, choose, insertAtCursor };
}
