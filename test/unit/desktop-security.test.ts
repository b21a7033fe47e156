import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  APP_ENTRY_URL, APP_ORIGIN, CONTENT_SECURITY_POLICY, allowDisplayMedia, allowedPermissions, decidePermission, isAllowedExternalUrl,
  isAllowedNavigation, isAppUrl, mimeTypeFor, primaryScreenSource, resolveAppFile,
} from '../../src/main/desktop/security.ts';

describe('isAppUrl', () => {
  it('accepts the app origin and its pages', () => {
    assert.equal(isAppUrl(APP_ORIGIN), true);
    assert.equal(isAppUrl(`${APP_ORIGIN}/`), true);
    assert.equal(isAppUrl(APP_ENTRY_URL), true);
    assert.equal(isAppUrl('lattice://app/assets/index-abc.js?x=1#y'), true);
  });

  it('refuses other schemes, hosts, userinfo and ports', () => {
    for (const url of [
      'https://app/', 'file:///index.html', 'lattice://evil/', 'lattice://app.evil/', 'lattice://evil@app/',
      'lattice://app:evil@x/', 'lattice://app:8080/', 'lattice:app', 'about:blank', 'null', '', 'not a url',
      'LATTICE://evil/',
    ]) {
      assert.equal(isAppUrl(url), false, url);
    }
    assert.equal(isAppUrl(null), false);
    assert.equal(isAppUrl(undefined), false);
  });

  it('is the navigation policy', () => {
    assert.equal(isAllowedNavigation(APP_ENTRY_URL), true);
    assert.equal(isAllowedNavigation('https://example.org/'), false);
  });
});

describe('isAllowedExternalUrl', () => {
  it('allows http, https and mailto', () => {
    assert.equal(isAllowedExternalUrl('https://matrix.org/'), true);
    assert.equal(isAllowedExternalUrl('http://example.com/a?b#c'), true);
    assert.equal(isAllowedExternalUrl('mailto:someone@example.org'), true);
    assert.equal(isAllowedExternalUrl('HTTPS://MATRIX.ORG'), true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'smb://host/share', 'ms-msdt:/id',
      'lattice://app/', 'matrix:r/room:example.org', 'vbscript:x', 'ftp://example.org/', 'https:',
      'not a url', '', ' javascript:alert(1)',
    ]) {
      assert.equal(isAllowedExternalUrl(url), false, url);
    }
  });
});

describe('decidePermission', () => {
  it('grants notifications and sanitized clipboard writes to the app origin only', () => {
    assert.equal(decidePermission('notifications', APP_ORIGIN), true);
    assert.equal(decidePermission('notifications', APP_ENTRY_URL), true);
    assert.equal(decidePermission('clipboard-sanitized-write', APP_ORIGIN), true);
    assert.equal(decidePermission('notifications', 'https://evil.example'), false);
    assert.equal(decidePermission('notifications', ''), false);
    assert.equal(decidePermission('notifications', undefined), false);
  });

  it('denies everything else, even to the app', () => {
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'hid', 'usb', 'serial', 'midiSysex',
      'display-capture', 'pointerLock', 'fullscreen', 'speaker-selection', 'unknown']) {
      assert.equal(decidePermission(p, APP_ORIGIN), false, p);
    }
  });

  it('grants the microphone only when opted in, and still only to the app', () => {
    const withMic = allowedPermissions({ microphone: true });
    const audio = { mediaTypes: ['audio'] };
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, audio), true);
    assert.equal(decidePermission('media', APP_ENTRY_URL, withMic, audio), true);
    assert.equal(decidePermission('media', 'https://evil.example', withMic, audio), false);
    assert.equal(decidePermission('media', 'lattice://media', withMic, audio), false);
    assert.equal(decidePermission('media', undefined, withMic, audio), false);
    assert.equal(decidePermission('media', APP_ORIGIN, allowedPermissions(), audio), false);
    // The permission check (navigator.permissions, enumerateDevices) names one device type.
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, { mediaType: 'audio' }), true);
    assert.equal(decidePermission('media', 'https://evil.example', withMic, { mediaType: 'audio' }), false);
  });

  it('keeps the camera denied unless opted in, and a media request that names no device always', () => {
    const withMic = allowedPermissions({ microphone: true });
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, { mediaTypes: ['video'] }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, { mediaTypes: ['audio', 'video'] }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, { mediaTypes: [] }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, { mediaType: 'video' }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, withMic, { mediaType: 'unknown' }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, withMic), false);
    assert.equal(decidePermission('display-capture', APP_ORIGIN, withMic), false);
  });

  it('lets the app choose the speaker with the microphone (setSinkId, the speakers listed), to the app only', () => {
    const withMic = allowedPermissions({ microphone: true });
    // Chromium's check names no device for it (no mediaType): the origin alone decides.
    assert.equal(decidePermission('speaker-selection', APP_ORIGIN, withMic), true);
    assert.equal(decidePermission('speaker-selection', APP_ENTRY_URL, withMic, { mediaType: 'unknown' }), true);
    assert.equal(decidePermission('speaker-selection', 'https://evil.example', withMic), false);
    assert.equal(decidePermission('speaker-selection', 'lattice://media', withMic), false);
    assert.equal(decidePermission('speaker-selection', APP_ORIGIN), false);
    assert.equal(decidePermission('speaker-selection', APP_ORIGIN, allowedPermissions({ camera: true })), false);
    // A chosen microphone or camera (getUserMedia with deviceId: { exact }) is a request of the same kinds: the
    // device's ID is not in it, so the rule is the one above, whichever device is chosen.
    const calls = allowedPermissions({ microphone: true, camera: true });
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaTypes: ['audio', 'video'] }), true);
    assert.equal(decidePermission('media', 'https://evil.example', calls, { mediaTypes: ['audio'] }), false);
  });

  it('grants the camera with the microphone for calls, to the app only, and nothing more', () => {
    const calls = allowedPermissions({ microphone: true, camera: true });
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaTypes: ['audio', 'video'] }), true);
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaTypes: ['video'] }), true);
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaTypes: ['audio'] }), true);
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaType: 'video' }), true);
    assert.equal(decidePermission('media', APP_ENTRY_URL, calls, { mediaTypes: ['audio', 'video'] }), true);
    // Another origin, an unclassified request or check, and screen sharing stay refused.
    assert.equal(decidePermission('media', 'https://evil.example', calls, { mediaTypes: ['audio', 'video'] }), false);
    assert.equal(decidePermission('media', 'lattice://media', calls, { mediaTypes: ['video'] }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaTypes: [] }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, calls, { mediaType: 'unknown' }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, calls), false);
    assert.equal(decidePermission('display-capture', APP_ORIGIN, calls), false);
    for (const p of ['geolocation', 'clipboard-read', 'openExternal', 'hid', 'usb', 'serial', 'midiSysex', 'pointerLock', 'fullscreen']) {
      assert.equal(decidePermission(p, APP_ORIGIN, calls), false, p);
    }
    // The camera alone can be allowed without the microphone, and then the microphone is not.
    const cameraOnly = allowedPermissions({ camera: true });
    assert.equal(decidePermission('media', APP_ORIGIN, cameraOnly, { mediaTypes: ['audio'] }), false);
    assert.equal(decidePermission('media', APP_ORIGIN, cameraOnly, { mediaTypes: ['video'] }), true);
  });
});

describe('screen sharing (getDisplayMedia)', () => {
  it('is served to the app origin only, and only for a picture', () => {
    assert.equal(allowDisplayMedia({ securityOrigin: 'lattice://app', videoRequested: true }), true);
    assert.equal(allowDisplayMedia({ securityOrigin: 'https://evil.example', videoRequested: true }), false);
    assert.equal(allowDisplayMedia({ securityOrigin: 'lattice://app:1', videoRequested: true }), false);
    assert.equal(allowDisplayMedia({ securityOrigin: 'lattice://app', videoRequested: false }), false);
  });

  it('shares the primary display\'s screen, else the first one listed', () => {
    const sources = [{ id: 'screen:7:0', display_id: '7' }, { id: 'screen:9:0', display_id: '9' }];
    assert.equal(primaryScreenSource(sources, 9)?.id, 'screen:9:0');
    assert.equal(primaryScreenSource(sources, 3)?.id, 'screen:7:0');
    assert.equal(primaryScreenSource([], 9), undefined);
  });
});

describe('resolveAppFile', () => {
  const root = path.resolve('/srv/lattice/dist/renderer');

  it('maps app URLs to files under the root, / to index.html', () => {
    assert.equal(resolveAppFile(root, 'lattice://app/'), path.join(root, 'index.html'));
    assert.equal(resolveAppFile(root, APP_ENTRY_URL), path.join(root, 'index.html'));
    assert.equal(resolveAppFile(root, 'lattice://app/assets/index-1.js?v=2#x'), path.join(root, 'assets', 'index-1.js'));
    assert.equal(resolveAppFile(root, 'lattice://app/assets/'), path.join(root, 'assets', 'index.html'));
    assert.equal(resolveAppFile(root, 'lattice://app/a%20b.png'), path.join(root, 'a b.png'));
  });

  it('refuses traversal, encoded or not, and other hosts', () => {
    for (const url of [
      'lattice://app/..%2f..%2fetc%2fpasswd', 'lattice://app/..%5c..%5cx',
      'lattice://app/a%00.js', 'lattice://app/%E0%A4%A', 'lattice://other/index.html', 'https://app/index.html',
      'lattice://app/..%2f', 'lattice://app/..%2frenderer-other/x.js',
    ]) {
      assert.equal(resolveAppFile(root, url), null, url);
    }
    // The URL parser resolves plain dot segments itself, so these stay inside the root.
    assert.equal(resolveAppFile(root, 'lattice://app/../../etc/passwd'), path.join(root, 'etc', 'passwd'));
    assert.equal(resolveAppFile(root, 'lattice://app/%2e%2e/%2e%2e/etc/passwd'), path.join(root, 'etc', 'passwd'));
  });
});

describe('mimeTypeFor', () => {
  it('gives module scripts a JavaScript type and unknown files an opaque one', () => {
    assert.match(mimeTypeFor('/x/index-abc.js'), /^text\/javascript/);
    assert.match(mimeTypeFor('/x/index.HTML'), /^text\/html/);
    assert.equal(mimeTypeFor('/x/a.wasm'), 'application/wasm');
    assert.equal(mimeTypeFor('/x/a.exe'), 'application/octet-stream');
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('allows scripts from the app only and no plugins, frames or remote connections', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('connect-src'), ["'self'"]);
    assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe-eval'));
  });
});
