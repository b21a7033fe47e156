/** The composers' send button (the room's and the thread's): a paper plane, named for screen readers by `label`. */
export function SendButton({ label, disabled, testId }: { label: string; disabled: boolean; testId?: string }) {
  return (
    <button type="submit" className="composer-send" aria-label={label} title="Send (Enter)" data-testid={testId} disabled={disabled}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
      </svg>
    </button>
  );
}
