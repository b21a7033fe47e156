/**
 * Secrets against a real Secret Service: gnome-keyring on a private D-Bus session that each test starts for
 * itself, and the refusal / explicit fallback when there is none.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const CHILD = path.join(import.meta.dirname, 'fixtures', 'keychain-child.ts');
const tmp = mkdtempSync(path.join(tmpdir(), 'lattice-keychain-'));

function requireTool(bin: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`]);
  assert.equal(r.status, 0, `${bin} is missing: install the Debian package ${pkg}`);
}

/** Runs a bash script in a fresh private D-Bus session; `withKeyring` starts and unlocks gnome-keyring first. */
function inSession(script: string, withKeyring: boolean): string[] {
  const home = mkdtempSync(path.join(tmp, 'home-'));
  mkdirSync(path.join(home, 'run'), { mode: 0o700 });
  const unlock = withKeyring
    ? 'eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL;'
    : '';
  const r = spawnSync('dbus-run-session', ['--', 'bash', '-c', `set -e; ${unlock} ${script}`], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_RUNTIME_DIR: path.join(home, 'run'),
      NODE: process.execPath, CHILD,
    },
  });
  assert.equal(r.status, 0, `session failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter((l) => l.startsWith('{'));
}

const child = (dataDir: string, args: string) => `"$NODE" "$CHILD" ${dataDir} ${args}`;
type Result = { ok: boolean; kind?: string; value?: string | null; error?: string; name?: string; ms: number; mode?: string };
const parse = (l: string) => JSON.parse(l) as Result;

describe('secrets in a real Secret Service (gnome-keyring)', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('keeps a secret across processes, per data directory, and deletes it', () => {
    requireTool('dbus-run-session', 'dbus');
    requireTool('gnome-keyring-daemon', 'gnome-keyring');
    const a = path.join(tmp, 'profile-a');
    const b = path.join(tmp, 'profile-b');
    const lines = inSession([
      child(a, 'write --value syt_token_A'),
      child(a, 'read'),
      child(b, 'read'),
      child(a, 'delete'),
      child(a, 'read'),
    ].join('; '), true).map(parse);
    assert.equal(lines.length, 5);
    for (const l of lines) assert.equal(l.ok, true, l.error);
    assert.equal(lines[0].kind, 'keychain');
    assert.equal(lines[1].value, 'syt_token_A', 'a new process reads what another stored');
    assert.equal(lines[2].value, null, 'another data directory does not see it');
    assert.equal(lines[3].value, null);
    assert.equal(lines[4].value, null, 'deleted for good');
  });

  it('refuses, quickly and in words, when no Secret Service answers', () => {
    requireTool('dbus-run-session', 'dbus');
    const [r] = inSession(child(path.join(tmp, 'none'), 'open'), false).map(parse);
    assert.equal(r.ok, false);
    assert.equal(r.name, 'SecretStoreUnavailableError');
    assert.match(r.error!, /Secret Service|keyring/);
    assert.match(r.error!, /--insecure-secrets-file/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });

  it('refuses when there is no D-Bus session at all', () => {
    const r = spawnSync(process.execPath, [CHILD, path.join(tmp, 'nobus'), 'open'], {
      encoding: 'utf8', timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: tmp, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(tmp, 'no-such-bus')}` },
    });
    const res = parse(r.stdout.trim());
    assert.equal(res.ok, false);
    assert.match(res.error!, /nowhere safe/);
  });

  it('uses the 0600 file only when explicitly allowed, and says so', () => {
    requireTool('dbus-run-session', 'dbus');
    const dir = path.join(tmp, 'insecure');
    const lines = inSession([child(dir, 'write --insecure --value syt_file'), child(dir, 'read --insecure')].join('; '), false).map(parse);
    assert.equal(lines[0].kind, 'file');
    assert.equal(lines[0].mode, '600');
    assert.equal(lines[1].value, 'syt_file');
  });
});
