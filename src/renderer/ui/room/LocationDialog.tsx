/**
 * Sharing a location: coordinates typed (latitude, longitude, or a geo: URI) or taken from the device's position
 * when the browser may ask for it, with an optional description; sent as an m.location message with a geo: URI
 * and a text fallback (polls-locations.ts). From the thread panel, `relatesTo` puts it in the thread.
 */
import { useState } from 'react';
import type { JSONObject } from '../../../shared/rpc/types.ts';
import { useSession } from '../../api/hooks.ts';
import { locationContent, parseCoordinates } from '../../api/polls-locations.ts';
import { Dialog } from '../dialogs/Dialog.tsx';

function geolocationError(err: GeolocationPositionError): string {
  switch (err.code) {
    case err.PERMISSION_DENIED: return 'Lattice may not read your position here: type the coordinates instead.';
    case err.POSITION_UNAVAILABLE: return 'Your position is not available: type the coordinates instead.';
    case err.TIMEOUT: return 'Finding your position took too long: try again or type the coordinates.';
    default: return `Your position could not be read (${err.message}): type the coordinates instead.`;
  }
}

export function LocationDialog({ roomId, relatesTo, onClose }: { roomId: string; relatesTo?: JSONObject; onClose: () => void }) {
  const session = useSession();
  const [coords, setCoords] = useState('');
  const [description, setDescription] = useState('');
  const [accuracy, setAccuracy] = useState<number | undefined>(undefined);
  const [locating, setLocating] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const canLocate = typeof navigator !== 'undefined' && 'geolocation' in navigator;

  function locate(): void {
    setLocating(true);
    setNote(null);
    navigator.geolocation.getCurrentPosition((pos) => {
      setLocating(false);
      setCoords(`${pos.coords.latitude.toFixed(6)}, ${pos.coords.longitude.toFixed(6)}`);
      setAccuracy(pos.coords.accuracy);
    }, (err) => { setLocating(false); setNote(geolocationError(err)); }, { timeout: 15_000, maximumAge: 60_000 });
  }

  async function send(): Promise<void> {
    const at = parseCoordinates(coords);
    if (typeof at === 'string') throw new Error(at);
    const echo = await session.client.request('send_message', {
      room_id: roomId, base_content: locationContent(at.lat, at.lon, description, Date.now(), accuracy), ...(relatesTo ? { relates_to: relatesTo } : {}),
    });
    session.store.addLocalEcho(echo);
  }

  return (
    <Dialog title="Share a location" submitLabel="Share" testId="location-dialog" onClose={onClose} onSubmit={send}
      canSubmit={coords.trim() !== ''}>
      <label className="dialog-field">Coordinates (latitude, longitude)
        <input data-testid="location-coords" value={coords} placeholder="51.5074, -0.1278" autoFocus
          onChange={(e) => { setCoords(e.target.value); setAccuracy(undefined); }} />
      </label>
      {canLocate && (
        <button type="button" className="dialog-button" data-testid="location-locate" disabled={locating} onClick={locate}>
          {locating ? 'Finding your position…' : 'Use my current position'}
        </button>
      )}
      {note && <p className="dialog-note" role="status">{note}</p>}
      <label className="dialog-field">Description (optional)
        <input data-testid="location-description" value={description} placeholder="Where we meet" onChange={(e) => setDescription(e.target.value)} />
      </label>
    </Dialog>
  );
}
