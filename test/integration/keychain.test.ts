/**
 * Secrets against a real Secret Service: gnome-keyring on a private D-Bus session that each test starts for
 * itself (private HOME, XDG_DATA_HOME and XDG_RUNTIME_DIR), and the refusal / explicit fallback when there is
 * none, when it is locked, and when D-Bus hangs. Each secret-store user is a separate process (keychain-child.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ChildJob, ChildResult } from './fixtures/keychain-child.ts';

const CHILD = path.join(import.meta.dirname, 'fixtures', 'keychain-child.ts');
const tmp = mkdtempSync(path.join(tmpdir(), 'lattice-keychain-'));
const PASSWORD = 'test-password';
let jobs = 0;

function requireTool(bin: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`]);
  assert.equal(r.status, 0, `${bin} is missing: install the Debian package ${pkg} (apt-get install ${pkg})`);
}

function requireKeyringTools(): void {
  requireTool('dbus-run-session', 'dbus-daemon');
  requireTool('gnome-keyring-daemon', 'gnome-keyring');
}

/** A private user: its own HOME, keyring files and runtime dir, reused across sessions to test persistence. */
interface User { home: string; env: NodeJS.ProcessEnv }
function newUser(): User {
  const home = mkdtempSync(path.join(tmp, 'home-'));
  const run = path.join(home, 'run');
  mkdirSync(run, { mode: 0o700 });
  return {
    home,
    env: {
      PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_RUNTIME_DIR: run, NODE: process.execPath, CHILD, KEYRING_PASSWORD: PASSWORD,
    },
  };
}

/** A child's job goes in a file so nothing needs shell quoting. */
function jobFile(job: ChildJob): string {
  const file = path.join(tmp, `job-${++jobs}.json`);
  writeFileSync(file, JSON.stringify(job));
  return file;
}

/** The command line of one child process inside a session script. */
function child(job: ChildJob): string {
  return `"$NODE" "$CHILD" "${jobFile(job)}"`;
}

type Keyring = 'unlocked' | 'started-locked' | 'none';
const KEYRING_START: Record<Keyring, string> = {
  // Creates the login keyring on first use, unlocks it on later sessions.
  unlocked: 'eval "$(printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL;',
  'started-locked': 'eval "$(gnome-keyring-daemon --start --components=secrets)"; export GNOME_KEYRING_CONTROL;',
  none: '',
};

/**
 * Runs the children one after another in a fresh private D-Bus session. `busConfig` replaces the standard
 * session config (e.g. one that can activate no services, so there is no Secret Service at all).
 */
function inSession(user: User, keyring: Keyring, children: string[], busConfig?: string): ChildResult[] {
  const args = busConfig ? [`--config-file=${busConfig}`] : [];
  const r = spawnSync('dbus-run-session', [...args, '--', 'bash', '-c', `set -e; ${KEYRING_START[keyring]} ${children.join('; ')}`], {
    encoding: 'utf8', timeout: 60_000, env: user.env,
  });
  assert.equal(r.status, 0, `session failed (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ChildResult);
  assert.equal(lines.length, children.length, `expected one result per child, got:\n${r.stdout}\n${r.stderr}`);
  return lines;
}

/** A session bus that knows no activatable services: nothing provides org.freedesktop.secrets. */
function bareBusConfig(user: User): string {
  const file = path.join(user.home, 'bare-bus.conf');
  writeFileSync(file, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${user.env.XDG_RUNTIME_DIR}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`);
  return file;
}

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

function assertRefusal(r: ChildResult, reason: RegExp): void {
  assert.equal(r.ok, false, `expected a refusal, got the ${r.kind} store`);
  assert.equal(r.name, 'SecretStoreUnavailableError');
  assert.match(r.error!, /nowhere safe/);
  assert.match(r.error!, reason);
  assert.match(r.error!, /GNOME Keyring/, 'says what to install');
  assert.match(r.error!, /--insecure-secrets-file/, 'names the explicit option');
  assert.ok(r.openMs < 10_000, `took ${r.openMs} ms`);
}

const TOKEN = 'matrix_access_token';
const set = (value: string) => ({ op: 'set', key: TOKEN, value }) as const;
const get = { op: 'get', key: TOKEN } as const;
const del = { op: 'delete', key: TOKEN } as const;

describe('secrets in a real Secret Service (gnome-keyring)', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('keeps a secret across processes, per data directory, and deletes it', (t) => {
    requireKeyringTools();
    const user = newUser();
    const a = path.join(user.home, 'profile-a');
    const b = path.join(user.home, 'profile-b');
    const r = inSession(user, 'unlocked', [
      child({ dataDir: a, ops: [set('syt_token_A'), get] }),
      child({ dataDir: a, ops: [get] }),
      child({ dataDir: b, ops: [get, set('syt_token_B'), get] }),
      child({ dataDir: a, ops: [get, del, get] }),
      child({ dataDir: b, ops: [get] }),
    ]);
    for (const l of r) assert.equal(l.ok, true, l.error);
    assert.equal(r[0].kind, 'keychain');
    assert.equal(r[0].description, 'OS keychain (Secret Service)');
    assert.deepEqual(r[0].results, [null, 'syt_token_A']);
    assert.deepEqual(r[1].results, ['syt_token_A'], 'a new process reads what another stored');
    assert.deepEqual(r[2].results, [null, null, 'syt_token_B'], 'another data directory does not see it');
    assert.deepEqual(r[3].results, ['syt_token_A', null, null], 'deleted');
    assert.deepEqual(r[4].results, ['syt_token_B'], 'deleting one profile\'s secret leaves the other\'s');
    for (const l of r) assert.deepEqual(l.logs, ['secrets: using the OS keychain (Secret Service)']);
    t.diagnostic(`keychain probe + open: ${r.map((l) => l.openMs).join(', ')} ms`);
  });

  it('keeps it across keyring daemon restarts (a new login session)', () => {
    requireKeyringTools();
    const user = newUser();
    const dir = path.join(user.home, 'profile');
    const [first] = inSession(user, 'unlocked', [child({ dataDir: dir, ops: [set('syt_persisted')] })]);
    assert.equal(first.ok, true, first.error);
    const [second] = inSession(user, 'unlocked', [child({ dataDir: dir, ops: [get, del] })]);
    assert.equal(second.ok, true, second.error);
    assert.equal(second.kind, 'keychain');
    assert.deepEqual(second.results, ['syt_persisted', null]);
  });

  it('refuses a locked keyring, quickly and in words, and uses the 0600 file only when allowed', () => {
    requireKeyringTools();
    const user = newUser();
    const dir = path.join(user.home, 'profile');
    // The first session creates the login keyring; the second starts the daemon without unlocking it.
    inSession(user, 'unlocked', [child({ dataDir: dir })]);
    const [refused, allowed] = inSession(user, 'started-locked', [
      child({ dataDir: dir, ops: [get] }),
      child({ dataDir: dir, insecure: true, ops: [set('syt_file'), get] }),
    ]);
    assertRefusal(refused, /locked/);
    assert.equal(allowed.ok, true, allowed.error);
    assert.equal(allowed.kind, 'file');
    assert.deepEqual(allowed.results, [null, 'syt_file']);
    assert.equal(allowed.fileMode, '600');
    assert.match(allowed.logs.join('\n'), /WARNING: .*not in the OS keychain.*Reason: OS keychain \(Secret Service\): .*locked/);
  });

  it('refuses when no Secret Service is on the bus, and uses the 0600 file only when allowed', () => {
    requireTool('dbus-run-session', 'dbus-daemon');
    const user = newUser();
    const dir = path.join(user.home, 'profile');
    const [refused, allowed, again] = inSession(user, 'none', [
      child({ dataDir: dir, ops: [get] }),
      child({ dataDir: dir, insecure: true, ops: [set('syt_file'), get] }),
      child({ dataDir: dir, insecure: true, ops: [get] }),
    ], bareBusConfig(user));
    assertRefusal(refused, /The name org\.freedesktop\.secrets was not provided/);
    assert.equal(allowed.kind, 'file');
    assert.match(allowed.description!, /plain file .*secrets\.json \(0600.*not in the OS keychain/);
    assert.equal(allowed.fileMode, '600');
    assert.equal(mode(path.join(dir, 'secrets.json')), '600');
    assert.deepEqual(again.results, ['syt_file'], 'a new process reads the file');
  });

  it('refuses when the Secret Service starts on demand but has no unlocked keyring (nobody to unlock it)', () => {
    requireKeyringTools();
    const [r] = inSession(newUser(), 'none', [child({ dataDir: path.join(tmp, 'on-demand') })]);
    assertRefusal(r, /OS keychain \(Secret Service\) is not usable|OS keychain \(Secret Service\): /);
  });

  it('refuses when there is no D-Bus session at all', () => {
    const user = newUser();
    const job = jobFile({ dataDir: path.join(user.home, 'nobus') });
    const r = spawnSync(process.execPath, [CHILD, job], {
      encoding: 'utf8', timeout: 30_000,
      env: { ...user.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(user.home, 'no-such-bus')}` },
    });
    const res = JSON.parse(r.stdout.trim()) as ChildResult;
    assertRefusal(res, /Could not connect/);
  });

  it('does not hang startup when D-Bus accepts the connection but never answers', async (t) => {
    const user = newUser();
    const sock = path.join(user.home, 'hung-bus');
    const conns: net.Socket[] = [];
    const server = net.createServer((c) => { conns.push(c); c.on('error', () => {}); });
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const job = jobFile({ dataDir: path.join(user.home, 'profile') });
      const started = performance.now();
      const proc = spawn(process.execPath, [CHILD, job], {
        env: { ...user.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${sock}` }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      const killer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      clearTimeout(killer);
      const r = JSON.parse(out.trim()) as ChildResult;
      assertRefusal(r, /no answer within 5 s while storing a test entry/);
      assert.ok(r.openMs >= 4900, `gave up after ${r.openMs} ms, before the probe timeout`);
      assert.ok(r.inFlight! >= 1, 'the stuck keychain call is still counted');
      t.diagnostic(`hung D-Bus: refused after ${r.openMs} ms; process gone after ${Math.round(performance.now() - started)} ms`);
    } finally {
      for (const c of conns) c.destroy();
      server.close();
    }
  });

  it('works from worker threads that come and go (a restarted backend worker)', () => {
    requireKeyringTools();
    const user = newUser();
    const [r] = inSession(user, 'unlocked', [
      child({ dataDir: path.join(user.home, 'profile'), workers: 3, ops: [set('syt_worker'), get, del] }),
    ]);
    assert.equal(r.workers?.length, 3, JSON.stringify(r));
    for (const w of r.workers) {
      assert.equal(w.ok, true, w.error);
      assert.equal(w.kind, 'keychain');
      assert.deepEqual(w.results, [null, 'syt_worker', null]);
    }
  });
});
