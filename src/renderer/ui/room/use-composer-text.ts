/**
 * The text of a composer and what typing in it does, shared by the room's and the thread's composers: the text and
 * cursor, autocomplete over them, a textarea that grows with its text (CSS sizes it: see .composer-input), choosing a
 * suggestion, and inserting at the cursor (the emoji picker).
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

  function choose(i: number): void {
    const next = auto.apply(i);
    if (!next) return;
    update(next.text, next.cursor);
    requestAnimationFrame(() => ref.current?.setSelectionRange(next.cursor, next.cursor));
  }

  function insertAtCursor(s: string): void {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    update(text.slice(0, start) + s + text.slice(end), start + s.length);
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(start + s.length, start + s.length); });
  }

  return { text, setText, setCursor, ref, auto, update, choose, insertAtCursor };
}
