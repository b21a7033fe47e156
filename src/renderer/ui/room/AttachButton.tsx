/**
 * The composers' paper-clip button and the hidden file picker it opens. `input` lets the composer's + menu open the
 * same picker when a narrow composer folds this button into it (ComposerMenu.tsx).
 */
import type { RefObject } from 'react';

export function AttachButton({ onFiles, testId, inputTestId, input }: {
  onFiles: (files: File[]) => void; testId: string; inputTestId: string; input: RefObject<HTMLInputElement | null>;
}) {
  return (
    <>
      <button type="button" className="composer-tool composer-foldable" title="Attach files" aria-label="Attach files" data-testid={testId}
        onClick={() => input.current?.click()}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path fill="currentColor" d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
        </svg>
      </button>
      <input ref={input} type="file" multiple hidden data-testid={inputTestId}
        onChange={(e) => { onFiles([...(e.target.files ?? [])]); e.target.value = ''; }} />
    </>
  );
}
