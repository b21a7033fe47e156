/**
 * A call's stream metadata (MSC3077 multi-stream VoIP, with MSC3291's mute flags, as Element sends them): each media
 * stream of a session description, by its ID, says what it is (`m.usermedia`: the microphone and camera;
 * `m.screenshare`: a shared screen) and whether its audio and video are muted. It rides on m.call.invite, .answer and
 * .negotiate, and alone on m.call.sdp_stream_metadata_changed (a mute toggled). With it, a screen goes as a stream of
 * its own beside the camera; a peer that sends none (a version 0 client, or an old one) gets one stream, the screen
 * replacing the camera's picture. All of it pure: the WebRTC side is call-video.ts.
 */
import type { JSONObject, JSONValue } from '../../shared/rpc/types.ts';

/** The spec's field name, and the one matrix-js-sdk used before MSC3077 was merged (still the only one it sends). */
const METADATA_KEY = 'sdp_stream_metadata';
const METADATA_KEY_UNSTABLE = 'org.matrix.msc3077.sdp_stream_metadata';

export const PURPOSE_USERMEDIA = 'm.usermedia';
export const PURPOSE_SCREENSHARE = 'm.screenshare';
export type StreamPurpose = typeof PURPOSE_USERMEDIA | typeof PURPOSE_SCREENSHARE;

export interface StreamMetadata { purpose: StreamPurpose; audio_muted: boolean; video_muted: boolean }

/** By MediaStream ID (the msid of the session description's tracks). */
export type SdpStreamMetadata = Record<string, StreamMetadata>;

function isObject(v: JSONValue | undefined): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The metadata an event's content carries, under either name (the stable one first), or undefined when it has none: a
 * peer that sends none cannot tell streams apart. Entries of an unknown purpose are left out; missing mute flags are false.
 */
export function readStreamMetadata(content: JSONObject): SdpStreamMetadata | undefined {
  const raw = isObject(content[METADATA_KEY]) ? content[METADATA_KEY] : content[METADATA_KEY_UNSTABLE];
  if (!isObject(raw)) return undefined;
  const out: SdpStreamMetadata = {};
  for (const [id, entry] of Object.entries(raw)) {
    if (!isObject(entry) || (entry.purpose !== PURPOSE_USERMEDIA && entry.purpose !== PURPOSE_SCREENSHARE)) continue;
    out[id] = { purpose: entry.purpose, audio_muted: entry.audio_muted === true, video_muted: entry.video_muted === true };
  }
  return out;
}

/** The content fields that carry our metadata: under both names, so Element old and new read it. */
export function metadataContent(meta: SdpStreamMetadata): JSONObject {
  const value = meta as unknown as JSONObject;
  return { [METADATA_KEY]: value, [METADATA_KEY_UNSTABLE]: value };
}

/**
 * Metadata received on top of what was known: entries are replaced stream by stream, and a stream no longer named
 * keeps its old entry (as matrix-js-sdk merges them), so a stream still arriving is still recognised.
 */
export function mergeMetadata(known: SdpStreamMetadata | undefined, received: SdpStreamMetadata | undefined): SdpStreamMetadata | undefined {
  if (!received) return known;
  return { ...known, ...received };
}

/** What we send: the microphone-and-camera stream, and the screen's when it goes as a stream of its own. */
export function localMetadata(own: {
  userMediaId: string; muted: boolean; videoOff: boolean; screenId: string | undefined;
}): SdpStreamMetadata {
  const meta: SdpStreamMetadata = {
    [own.userMediaId]: { purpose: PURPOSE_USERMEDIA, audio_muted: own.muted, video_muted: own.videoOff },
  };
  // A screen is shared without its sound (getDisplayMedia is asked for none).
  if (own.screenId) meta[own.screenId] = { purpose: PURPOSE_SCREENSHARE, audio_muted: true, video_muted: false };
  return meta;
}

/** One stream of theirs: its ID, and whether it has a video track now (a stopped screen share has lost it). */
export interface RemoteStreamInfo { id: string; video: boolean }

/**
 * Which of their streams is their microphone and camera, and which their shared screen. Without metadata the
 * first is their microphone and camera (such a peer sends one stream, the screen in place of the camera's picture).
 * With it, a stream is what its entry says; a stream it does not describe is left out (the spec), and of two with
 * one purpose the later wins (it replaced the other). A screen is shown only while it has video.
 */
export function remoteFeeds(streams: readonly RemoteStreamInfo[], meta: SdpStreamMetadata | undefined): {
  userMedia: string | undefined; screen: string | undefined;
} {
  if (!meta) return { userMedia: streams[0]?.id, screen: undefined };
  let userMedia: string | undefined;
  let screen: string | undefined;
  for (const s of streams) {
    const purpose = meta[s.id]?.purpose;
    if (purpose === PURPOSE_USERMEDIA) userMedia = s.id;
    else if (purpose === PURPOSE_SCREENSHARE && s.video) screen = s.id;
  }
  return { userMedia, screen };
}

/** Their microphone and camera muted, as their metadata says for their user-media stream (neither without it). */
export function remoteMute(meta: SdpStreamMetadata | undefined, userMediaId: string | undefined): { muted: boolean; videoMuted: boolean } {
  const entry = userMediaId === undefined ? undefined : meta?.[userMediaId];
  return { muted: entry?.audio_muted ?? false, videoMuted: entry?.video_muted ?? false };
}

/**
 * How a screen is shared: as a stream of its own beside the camera (`separate`: renegotiated, to a version 1 peer that
 * sends metadata, so it can tell the two apart, as Element does), or as the one video of our stream (`in-place`: in
 * place of the camera's picture, which any client shows; in a voice call, added to it by renegotiation).
 */
export function shareMode(renegotiable: boolean, peerSendsMetadata: boolean): 'separate' | 'in-place' {
  return renegotiable && peerSendsMetadata ? 'separate' : 'in-place';
}
