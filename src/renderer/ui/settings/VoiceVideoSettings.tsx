/**
 * The Voice & video tab, as Element's: the microphone, camera and speaker that calls and voice messages use, picked
 * from the browser's devices (their names shown once access is allowed, which a button asks for), with the chosen
 * microphone's live level and the chosen camera's picture while the tab is open, and whether calls make sounds.
 * Kept on this device only (media-prefs.ts). A chosen device that is not connected stays chosen, marked so: the
 * default one is used until it is back.
 */
import { canChooseSpeaker, deviceOptions } from '../../api/media-devices.ts';
import { setMediaPrefs, useMediaPrefs, type ChosenDevice, type DeviceKind } from '../../api/media-prefs.ts';
import { ErrorLine, Toggle } from './controls.tsx';
import { useCameraPreview, useDeviceList, useMicrophoneLevel, usePermissionAsk } from './use-media-devices.ts';

const TITLES: Record<DeviceKind, { label: string; fallback: string; testId: string }> = {
  audioinput: { label: 'Microphone', fallback: 'Default microphone', testId: 'av-microphone' },
  videoinput: { label: 'Camera', fallback: 'Default camera', testId: 'av-camera' },
  audiooutput: { label: 'Speaker', fallback: 'Default speaker', testId: 'av-speaker' },
};

function DevicePicker({ kind, devices, chosen }: { kind: DeviceKind; devices: readonly MediaDeviceInfo[]; chosen: ChosenDevice | null }) {
  const options = deviceOptions(devices, kind);
  const { label, fallback, testId } = TITLES[kind];
  // Only an absent device is said to be missing once names (and real IDs) are listed; before, none can be told.
  const listed = devices.some((d) => d.kind === kind && d.deviceId !== '');
  const missing = chosen !== null && listed && !options.some((o) => o.id === chosen.id);
  const id = `av-${kind}`;
  return (
    <div className="settings-field av-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="settings-textbox av-select" data-testid={testId} value={chosen?.id ?? ''}
        onChange={(e) => {
          const option = options.find((o) => o.id === e.target.value);
          setMediaPrefs({ [kind]: option ? { id: option.id, label: option.label } : null });
        }}>
        <option value="">{fallback}</option>
        {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        {chosen && !options.some((o) => o.id === chosen.id) && (
          <option value={chosen.id}>{chosen.label || label}{missing ? ' (not connected)' : ''}</option>
        )}
      </select>
      {missing && (
        <p className="settings-hint" data-testid={`${testId}-missing`}>
          Not connected: the default {label.toLowerCase()} is used until it is back.
        </p>
      )}
    </div>
  );
}

export function VoiceVideoSettings() {
  const prefs = useMediaPrefs();
  const { devices, refresh } = useDeviceList();
  const inputs = (devices ?? []).filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput');
  const hasMicrophone = inputs.some((d) => d.kind === 'audioinput');
  const hasCamera = inputs.some((d) => d.kind === 'videoinput');
  // Browsers name devices (and give their real IDs) only to a page allowed to use them.
  const micNamed = inputs.some((d) => d.kind === 'audioinput' && d.label !== '');
  const cameraNamed = inputs.some((d) => d.kind === 'videoinput' && d.label !== '');
  const allNamed = inputs.every((d) => d.label !== '');
  const permission = usePermissionAsk(hasCamera, refresh);
  const { meter, error: micError } = useMicrophoneLevel(micNamed, prefs.audioinput);
  const { video, error: cameraError } = useCameraPreview(cameraNamed, prefs.videoinput);

  return (
    <>
      <h3>Voice &amp; video</h3>
      <p className="settings-intro">The devices calls and voice messages use. Kept on this device only.</p>
      {devices !== null && !allNamed && (
        <div className="av-permission" data-testid="av-permission">
          <p>Lattice needs access to your microphone and camera to show their names here.</p>
          <button type="button" className="settings-button is-primary" data-testid="av-allow" disabled={permission.asking}
            onClick={permission.ask}>Allow access</button>
        </div>
      )}
      <ErrorLine error={permission.error} testId="av-permission-error" />
      {devices !== null && !hasMicrophone && !hasCamera && (
        <p className="settings-warning" data-testid="av-none">No microphone or camera was found on this device.</p>
      )}

      <h4 className="settings-subhead">Audio</h4>
      <DevicePicker kind="audioinput" devices={devices ?? []} chosen={prefs.audioinput} />
      {micNamed && (
        <div className="av-level-row">
          <span className="settings-hint">Level</span>
          <div ref={meter} className="av-level" role="meter" aria-label="Microphone level" aria-valuemin={0}
            aria-valuemax={100} aria-valuenow={0} data-testid="av-mic-level" data-level="0" />
        </div>
      )}
      <ErrorLine error={micError} testId="av-mic-error" />

      {canChooseSpeaker()
        ? <DevicePicker kind="audiooutput" devices={devices ?? []} chosen={prefs.audiooutput} />
        : <p className="settings-hint">This browser plays calls on the system's speaker; it cannot choose another.</p>}

      <h4 className="settings-subhead">Video</h4>
      <DevicePicker kind="videoinput" devices={devices ?? []} chosen={prefs.videoinput} />
      {cameraNamed && (
        <video className="av-preview" autoPlay playsInline muted aria-label="Camera preview" data-testid="av-camera-preview"
          ref={video} />
      )}
      <ErrorLine error={cameraError} testId="av-camera-error" />

      <h4 className="settings-subhead">Calls</h4>
      <Toggle label="Call sounds" hint="Ringing, ringback, busy and hang-up tones" checked={prefs.callSounds}
        testId="av-call-sounds" onChange={(on) => setMediaPrefs({ callSounds: on })} />
    </>
  );
}
