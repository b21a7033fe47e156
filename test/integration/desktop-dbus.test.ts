/**
 * Tray detection against a real, private D-Bus session bus: with no StatusNotifierWatcher on the bus the shell
 * must see "absent" (so closing the window quits), with one (python3-dbusmock owning the watcher's name)
 * "present", and without a usable bus "unknown".
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { WATCHER_NAME, detectTrayHost, hasTray, parseBooleanReply } from '../../src/main/desktop/status-notifier.ts';

function startBus(): Promise<{ proc: ChildProcess; address: string }> {
  const proc = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.once('error', reject);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ proc, address: line.trim() });
    });
  });
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('StatusNotifier host detection on a private session bus', () => {
  let bus: { proc: ChildProcess; address: string };
  let mock: ChildProcess | null = null;
  let env: Record<string, string | undefined>;

  before(async () => {
    bus = await startBus();
    env = { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: bus.address };
  });

  after(() => {
    mock?.kill();
    bus?.proc.kill();
  });

  it('sees no watcher on an empty bus', async () => {
    assert.equal(await detectTrayHost(env), 'absent');
    assert.equal(hasTray('linux', 'absent'), false);
  });

  it('sees the watcher once a host owns its name', async () => {
    mock = spawn('/usr/bin/python3', ['-m', 'dbusmock', '--session', WATCHER_NAME, '/StatusNotifierWatcher', WATCHER_NAME], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address }, stdio: 'ignore',
    });
    await until(async () => (await detectTrayHost(env)) === 'present', 'the mock watcher');
    assert.equal(hasTray('linux', 'present'), true);
    mock.kill();
    await until(async () => (await detectTrayHost(env)) === 'absent', 'the watcher to leave');
  });

  it('says unknown without a usable bus or without dbus-send', async () => {
    assert.equal(await detectTrayHost({ PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }), 'unknown');
    assert.equal(await detectTrayHost({ PATH: process.env.PATH }), 'unknown');
    assert.equal(await detectTrayHost(env, async () => { throw Object.assign(new Error('spawn dbus-send ENOENT'), { code: 'ENOENT' }); }), 'unknown');
    assert.equal(await detectTrayHost(env, async () => 'garbage'), 'unknown');
  });

  it('reads dbus-send replies', () => {
    assert.equal(parseBooleanReply('method return time=1 sender=org.freedesktop.DBus -> destination=:1.2 serial=3 reply_serial=2\n   boolean true\n'), true);
    assert.equal(parseBooleanReply('   boolean false\n'), false);
    assert.equal(parseBooleanReply('Error org.freedesktop.DBus.Error.ServiceUnknown'), null);
  });

  it('macOS and Windows always have a tray', () => {
    assert.equal(hasTray('darwin', 'unknown'), true);
    assert.equal(hasTray('win32', 'absent'), true);
  });
});
