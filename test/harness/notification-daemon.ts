/**
 * A desktop notification server on a private D-Bus session bus, for tests that watch real notifications arrive:
 * a fresh `dbus-daemon`, and python3-dbusmock's notification_daemon template owning
 * `org.freedesktop.Notifications` on it. Point a browser's DBUS_SESSION_BUS_ADDRESS at `address` and its
 * notifications land here as `Notify` calls; `invoke()` sends the `ActionInvoked` signal a desktop sends when one
 * is clicked.
 *
 * The capabilities matter: Chromium's Linux bridge only uses a server that advertises both `body` and `actions`
 * and otherwise keeps notifications to itself (the template's default list has no `actions`, which is why a
 * browser pointed at it looks like it never notifies).
 *
 * dbusmock records every call; reading them (and emitting signals) goes through its org.freedesktop.DBus.Mock
 * interface with a few lines of python3-dbus, the binding dbusmock itself runs on.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const PYTHON = '/usr/bin/python3';
const NAME = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';
const CAPABILITIES = ['body', 'actions', 'persistence'];

/** One `Notify` call, with the ID the server answered (replaces_id when set, else the next number from 1). */
export interface NotifyCall {
  id: number;
  app_name: string;
  replaces_id: number;
  /** An icon's path or name, where the sender passes it this way. */
  app_icon: string;
  summary: string;
  body: string;
  actions: string[];
  hints: Record<string, unknown>;
}

const execFileP = promisify(execFile);

// Reads the recorded calls as JSON. Arguments arrive as dbus types; str()/int() turn them into plain values.
const READ_CALLS = `
import dbus, json
o = dbus.SessionBus().get_object('${NAME}', '${PATH}')
mock = dbus.Interface(o, 'org.freedesktop.DBus.Mock')
def plain(v):
    if isinstance(v, (dbus.String, dbus.ObjectPath, dbus.Signature)): return str(v)
    if isinstance(v, dbus.Boolean): return bool(v)
    if isinstance(v, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32, dbus.UInt64)): return int(v)
    if isinstance(v, dbus.Double): return float(v)
    if isinstance(v, dbus.Dictionary): return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (dbus.Array, dbus.Struct, list, tuple)): return [plain(x) for x in v]
    return repr(v)
print(json.dumps({'notify': [plain(a) for _, a in mock.GetMethodCalls('Notify')],
                  'close': [plain(a) for _, a in mock.GetMethodCalls('CloseNotification')]}))
`;

const INVOKE = `
import dbus, sys
o = dbus.SessionBus().get_object('${NAME}', '${PATH}')
dbus.Interface(o, 'org.freedesktop.DBus.Mock').EmitSignal('${NAME}', sys.argv[1], 'us', [dbus.UInt32(int(sys.argv[2])), sys.argv[3]])
`;

function startBus(): Promise<{ proc: ChildProcess; address: string }> {
  const proc = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before printing its address`)));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ proc, address: out.split('\n')[0].trim() });
    });
  });
}

export class NotificationDaemon {
  readonly address: string;
  private readonly bus: ChildProcess;
  private readonly mock: ChildProcess;

  private constructor(bus: ChildProcess, address: string, mock: ChildProcess) {
    this.bus = bus;
    this.address = address;
    this.mock = mock;
  }

  static async start(): Promise<NotificationDaemon> {
    const bus = await startBus();
    const mock = spawn(PYTHON, ['-m', 'dbusmock', '--template', 'notification_daemon',
      '-p', JSON.stringify({ capabilities: CAPABILITIES.join(' ') })], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    mock.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const daemon = new NotificationDaemon(bus.proc, bus.address, mock);
    // Ready once its name answers; a daemon that died says why.
    for (let i = 0; ; i++) {
      try {
        await daemon.calls();
        return daemon;
      } catch (err) {
        if (mock.exitCode !== null || i >= 100) {
          daemon.stop();
          throw new Error(`the mock notification daemon did not start: ${stderr || String(err)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private async python(script: string, args: string[] = []): Promise<string> {
    const { stdout } = await execFileP(PYTHON, ['-c', script, ...args], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: this.address },
    });
    return stdout;
  }

  /** Every `Notify` and `CloseNotification` so far, oldest first. */
  async calls(): Promise<{ notify: NotifyCall[]; closed: number[] }> {
    const raw = JSON.parse(await this.python(READ_CALLS)) as { notify: unknown[][]; close: unknown[][] };
    let next = 1;
    const notify = raw.notify.map((a): NotifyCall => {
      const replaces = a[1] as number;
      return {
        id: replaces || next++, app_name: a[0] as string, replaces_id: replaces, app_icon: a[2] as string, summary: a[3] as string,
        body: a[4] as string, actions: a[5] as string[], hints: a[6] as Record<string, unknown>,
      };
    });
    return { notify, closed: raw.close.map((a) => a[0] as number) };
  }

  /** Waits for a `Notify` call that passes `match` (checking every 100 ms, up to `tries` times). */
  async waitForNotify(match: (c: NotifyCall) => boolean, tries = 200): Promise<NotifyCall> {
    for (let i = 0; i < tries; i++) {
      const found = (await this.calls()).notify.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no matching notification arrived; got: ${JSON.stringify((await this.calls()).notify)}`);
  }

  /** What a desktop does when the user clicks notification `id` (action "default") or one of its buttons. */
  async invoke(id: number, action = 'default'): Promise<void> {
    await this.python(INVOKE, ['ActionInvoked', String(id), action]);
  }

  stop(): void {
    this.mock.kill();
    this.bus.kill();
  }
}
