/**
 * Web host benchmark (`npm run bench`): resuming a websocket whose session buffered 1,000 events while it was
 * disconnected, plain and with compress=1. Prints figures only; nothing here asserts a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWebServer } from '../../src/main/host/web/web-server.ts';
import { loadOrCreateWebAuth } from '../../src/main/host/web/web-auth.ts';
import { Client, FakeBackend, makeStatic, until } from '../harness/web-host-kit.ts';

const EVENTS = 1000;
const dir = mkdtempSync(path.join(tmpdir(), 'lattice-bench-ws-'));
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

try {
  const auth = await loadOrCreateWebAuth(path.join(dir, 'config'));
  const headers = { Authorization: `Bearer ${auth.sessions.create().token}` };
  const backend = new FakeBackend();
  const server = await startWebServer({ backend, auth, staticDir: await makeStatic(dir) });
  const url = `ws://127.0.0.1:${server.port}/_gomuks/websocket`;
  // A sync_complete of about the size one new message in one room makes.
  const event = (i: number) => ({
    rooms: { '!room:bench': { events: [{ rowid: i, timeline_rowid: i, room_id: '!room:bench', event_id: `$event${i}`, sender: '@bob:bench',
      type: 'm.room.message', timestamp: 1_700_000_000_000 + i, content: { msgtype: 'm.text', body: `message number ${i} `.repeat(8) } }] } },
  });
  for (const compress of [false, true]) {
    const first = (await Client.open(url + (compress ? '?compress=1' : ''), headers)).client;
    if (!first) throw new Error('could not connect');
    const run = await first.next((e) => e.command === 'run_id');
    first.ws.terminate();
    await until(() => first.closed);
    const conn = backend.conns.at(-1);
    if (!conn) throw new Error('no backend connection');
    for (let i = 0; i < EVENTS; i++) conn.emit('sync_complete', event(i));
    let bytes = 0;
    const t0 = performance.now();
    const resumed = (await Client.open(`${url}?run_id=${server.runId}&last_received_event=${run.request_id}${compress ? '&compress=1' : ''}`, headers)).client;
    if (!resumed) throw new Error('could not resume');
    resumed.ws.on('message', (d: Buffer) => { bytes += d.length; });
    await resumed.next((e) => e.command === 'init_complete', 30_000);
    const ms = performance.now() - t0;
    const replayed = resumed.messages.filter((e) => e.command === 'sync_complete').length;
    console.log(`websocket resume${compress ? ' (compress=1)' : ''}: ${fmt(replayed)} buffered events replayed in ${fmt(ms, 1)} ms, `
      + `${fmt(bytes / 1024)} KiB on the wire in ${fmt(resumed.frames.length)} frames`);
    resumed.close(1001);
  }
  await server.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
