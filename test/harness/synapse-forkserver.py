"""Starts test Synapses by forking one Python process that has already imported Synapse.

Importing Synapse takes about 2.4 s of CPU here, most of a test Synapse's start-up, and the suite starts about a
hundred of them. This process pays it once: the test run's global setup (synapse-global-setup.ts) starts it with the
path of a Unix socket; each start-up in the harness (synapse-process.ts) sends it one line of JSON
({"config", "cwd", "log"}) and gets back one line ({"pid"}) naming a forked child that runs the homeserver with that
config, its stdout and stderr appended to `log`. Synapse's own fork launcher for Complement
(synapse.app.complement_fork_starter) does the same for workers, and this borrows its one trick: a proxy stands in for
Twisted's reactor while Synapse is imported, and each child installs a real reactor of its own after the fork (an
epoll reactor made before a fork is shared with every child, and breaks).

The children are reaped by the kernel (SIGCHLD ignored), so a stopped one leaves no zombie and the harness sees it
gone. This process leads its own session and process group, which its children share, so the global teardown stops
it and any child a crashed test file left behind with one signal to the group.

Usage: python synapse-forkserver.py SOCKET_PATH  (prints "ready" once it listens)
"""

import json
import os
import random
import signal
import socket
import sys


def serve(socket_path: str) -> None:
    os.setsid()
    from twisted.internet.main import installReactor

    from synapse.app.complement_fork_proxied_reactor import ProxiedReactor

    proxy = ProxiedReactor()
    installReactor(proxy)
    import synapse.app.homeserver as homeserver

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o600)
    server.listen(64)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        with conn:
            try:
                request = json.loads(read_line(conn))
                config, cwd, log = str(request["config"]), str(request["cwd"]), str(request["log"])
            except (ValueError, KeyError, TypeError) as e:
                conn.sendall((json.dumps({"error": f"bad request: {e}"}) + "\n").encode())
                continue
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    server.close()
                    conn.close()
                    code = run_child(proxy, homeserver, config, cwd, log)
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                except BaseException as e:  # noqa: BLE001 - the child must never return into the server's loop
                    print(f"synapse-forkserver: the homeserver failed: {e!r}", file=sys.stderr, flush=True)
                finally:
                    os._exit(code)
            conn.sendall((json.dumps({"pid": pid}) + "\n").encode())


def read_line(conn: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode()


def run_child(proxy: object, homeserver: object, config: str, cwd: str, log: str) -> int:
    # As a freshly spawned Synapse would start: default signal handling, its own folder, its output to its log, its
    # own random numbers (the fork copied the server's generator state into every child).
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    os.chdir(cwd)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    random.seed()
    from twisted.internet.epollreactor import EPollReactor

    proxy._install_real_reactor(EPollReactor())  # type: ignore[attr-defined]
    sys.argv = ["synapse.app.homeserver", "-c", config]
    homeserver.main()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: synapse-forkserver.py SOCKET_PATH", file=sys.stderr)
        sys.exit(2)
    serve(sys.argv[1])
