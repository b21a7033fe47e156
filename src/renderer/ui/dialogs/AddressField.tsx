/**
 * The address field of a public room or space being created, as Element's create dialogs have it: `#` and the local
 * part, which follows the name until the person types their own, then `:server`; and under it why what was typed
 * cannot be an address. The homeserver decides whether it is free: a taken one is refused, in words, when creating.
 */
import { validAliasLocalpart } from '../../api/space-manage.ts';

/** Why `local` cannot be an address's local part, in words; null when it can. `what`: "room" or "space". */
export function addressProblem(local: string, what: string): string | null {
  if (validAliasLocalpart(local)) return null;
  return local.trim() === '' ? `A public ${what} needs an address.` : 'An address cannot hold #, : or spaces.';
}

interface Props {
  /** `<testId>` on the input, `<testId>-problem` on the problem. */
  testId: string;
  value: string;
  server: string;
  problem: string | null;
  onChange: (value: string) => void;
}

export function AddressField({ testId, value, server, problem, onChange }: Props) {
  return (
    <>
      <label className="dialog-field">Address
        <span className="dialog-address">
          <span aria-hidden="true">#</span>
          <input data-testid={testId} value={value} aria-label={`Address, before :${server}`} aria-invalid={problem !== null}
            onChange={(e) => onChange(e.target.value)} />
          <span aria-hidden="true">:{server}</span>
        </span>
      </label>
      {problem && <p className="dialog-field-problem" data-testid={`${testId}-problem`}>{problem}</p>}
    </>
  );
}
