/**
 * Files pasted into a composer or dropped on it go to its attachments; a drag carrying files marks the composer
 * as a drop target. Text pastes and drags of anything else behave as usual.
 */
import { useState, type ClipboardEvent, type DragEvent } from 'react';

function hasFiles(ev: DragEvent): boolean {
  return [...ev.dataTransfer.types].includes('Files');
}

export function useFileDrop(add: (files: File[]) => void, afterDrop?: () => void) {
  const [dragging, setDragging] = useState(false);
  return {
    dragging,
    onPaste: (ev: ClipboardEvent): void => {
      const files = [...ev.clipboardData.files];
      if (!files.length) return;
      ev.preventDefault();
      add(files);
    },
    dropTarget: {
      onDragOver: (ev: DragEvent): void => {
        if (!hasFiles(ev)) return;
        ev.preventDefault();
        ev.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      },
      onDragLeave: (ev: DragEvent): void => {
        if (!ev.currentTarget.contains(ev.relatedTarget as Node | null)) setDragging(false);
      },
      onDrop: (ev: DragEvent): void => {
        setDragging(false);
        if (!hasFiles(ev)) return;
        ev.preventDefault();
        add([...ev.dataTransfer.files]);
        afterDrop?.();
      },
    },
  };
}
