/**
 * The address field of a public room or space being created, as Element's create dialogs have it: `#` and the local
 * part, which follows the name until the person types their own, then `:server`; under it why what was typed cannot
 * be an address, or what the homeserver says of it once the typing pauses (address-check.ts): already in use (and
 * Create waits for another), free, or that it could not be asked (Create still tries, and the server will say).
 */
import { useSession } from '../../api/hooks.ts';
import { useAddressCheck, type AddressCheck } from '../../api/address-check.ts';
import { validAliasLocalpart } from '../../api/space-manage.ts';
import { Icon } from '../common/icons.tsx';

/** Why `local` cannot be an address's local part, in words; null when it can. `what`: "room" or "space". */
export function addressProblem(local: string, what: string): string | null {
  if (validAliasLocalpart(local)) return null;
  return local.trim() === '' ? `A public ${what} needs an address.` : 'An address cannot hold #, : or spaces.';
}

/** The field's words for a taken address, shared with the room settings' new-address form. */
export const ADDRESS_TAKEN = 'This address is already in use.';

/**
 * What the homeserver says of the address `#<local>:<server>` of a public room or space being made, as it is typed;
 * nothing is asked while it is not public or cannot be an address (`problem`).
 */
export function useNewAddressCheck(isPublic: boolean, local: string, server: string, problem: string | null): AddressCheck {
  return useAddressCheck(useSession(), isPublic && problem === null && server ? `#${local.trim()}:${server}` : null);
}

interface LineProps {
  check: AddressCheck;
  /** `<testId>-problem` when taken, `-free`, `-checking`, `-unknown`. */
  testId: string;
  /** The words for a taken address (the room settings say when it is already this room's). */
  taken?: string;
  /** The button that makes the address, which still tries when the homeserver could not be asked. */
  action?: string;
  /** The classes of a problem and of a status line: the dialogs' by default, the settings panel's there. */
  problemClass?: string;
  statusClass?: string;
}

/** The line under an address field for what the homeserver said of it; null when there is nothing to say. */
export function AddressCheckLine({ check, testId, taken = ADDRESS_TAKEN, action = 'Create', problemClass = 'dialog-field-problem', statusClass = 'dialog-field-status' }: LineProps) {
  switch (check.state) {
    case 'none': return null;
    case 'taken': return <p className={problemClass} data-testid={`${testId}-problem`} role="alert">{taken}</p>;
    case 'free':
      return (
        <p className={`${statusClass} is-free`} data-testid={`${testId}-free`} role="status">
          <Icon shape={<path d="M5 12.5l4.5 4.5L19 7.5" />} size={14} />This address is available.
        </p>
      );
    case 'checking': return <p className={statusClass} data-testid={`${testId}-checking`} role="status">Checking whether it is free…</p>;
    case 'unknown':
      return (
        <p className={statusClass} data-testid={`${testId}-unknown`} role="status" title={check.error}>
          Could not ask the homeserver whether it is free; {action} will try it.
        </p>
      );
  }
}

interface Props {
  /** `<testId>` on the input, `<testId>-problem` on the problem (or a taken address), `<testId>-free` etc. */
  testId: string;
  value: string;
  server: string;
  problem: string | null;
  check: AddressCheck;
  onChange: (value: string) => void;
}

export function AddressField({ testId, value, server, problem, check, onChange }: Props) {
  return (
    <>
      <label className="dialog-field">Address
        <span className="dialog-address">
          <span aria-hidden="true">#</span>
          <input data-testid={testId} value={value} aria-label={`Address, before :${server}`} aria-invalid={problem !== null || check.state === 'taken'}
            onChange={(e) => onChange(e.target.value)} />
          <span aria-hidden="true">:{server}</span>
        </span>
      </label>
      {problem ? <p className="dialog-field-problem" data-testid={`${testId}-problem`}>{problem}</p> : <AddressCheckLine check={check} testId={testId} />}
    </>
  );
}
