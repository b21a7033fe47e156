/**
 * A call's RTCPeerConnection, opened: with the homeserver's TURN servers (none when it has none) and our microphone's
 * and camera's tracks in their one stream; its events are handed on, with the connection they came from, to calls.ts,
 * which decides what they mean for the call (by then it may be another call's).
 */
import type { RpcClient } from './rpc-client.ts';

export interface ConnectionHandlers {
  /** Still wanted once the TURN servers are known (the call may have ended, or given way to another, meanwhile). */
  wanted(): boolean;
  candidate(c: RTCIceCandidate): void;
  track(from: RTCPeerConnection, ev: RTCTrackEvent): void;
  state(from: RTCPeerConnection): void;
}

export async function openConnection(client: RpcClient, stream: MediaStream, on: ConnectionHandlers): Promise<RTCPeerConnection | null> {
  const turn = await client.request('get_turn_servers', {}).catch(() => null);
  if (!on.wanted()) return null;
  const iceServers: RTCIceServer[] = turn ? [{ urls: turn.uris, username: turn.username, credential: turn.password }] : [];
  const pc = new RTCPeerConnection({ iceServers });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.onicecandidate = (ev) => { if (ev.candidate) on.candidate(ev.candidate); };
  pc.ontrack = (ev) => on.track(pc, ev);
  pc.onconnectionstatechange = () => on.state(pc);
  return pc;
}
