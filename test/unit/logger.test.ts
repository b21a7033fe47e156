/**
 * The structured logger: levels, child context, JSON lines in a private, size-rotated file.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger, type LogRecord } from '../../src/main/backend/log/logger.ts';
import { Dispatcher, type Handlers } from '../../src/main/backend/rpc/dispatcher.ts';
import type { Envelope } from '../../src/shared/rpc/index.ts';
import { debugRequested, openAppLog } from '../../src/main/backend/log/open-log.ts';
import { LOG_FILE, RotatingFileSink } from '../../src/main/backend/log/rotating-file.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lattice-log-'));
  dirs.push(d);
  return d;
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function readLines(file: string): LogRecord[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogRecord);
}

describe('logger', () => {
  it('writes records at or above its level, with the context of its children', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: 'info', sinks: [{ write: (r) => records.push(r) }] });
    log.debug('hidden');
    log.info('shown', { room_id: '!a:x' });
    const child = log.child({ request_id: 5, command: 'paginate' });
    child.warn('slow', { room_id: '!b:x' });
    child.child({ room_id: '!c:x' }).error('failed');
    assert.deepEqual(records.map((r) => [r.level, r.msg]), [['info', 'shown'], ['warn', 'slow'], ['error', 'failed']]);
    assert.equal(records[0].room_id, '!a:x');
    assert.deepEqual({ ...records[1], time: '' }, { time: '', level: 'warn', msg: 'slow', request_id: 5, command: 'paginate', room_id: '!b:x' });
    assert.equal(records[2].room_id, '!c:x');
    assert.match(records[0].time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(log.enabled('debug'), false);
    assert.equal(createLogger({ level: 'debug', sinks: [] }).enabled('debug'), true);
  });

  it('keeps its own fields when a context uses the same names, and survives a failing sink', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: 'debug', sinks: [{ write: () => { throw new Error('disk full'); } }, { write: (r) => records.push(r) }] });
    log.info('real', { msg: 'fake', level: 'error', note: undefined });
    assert.equal(records.length, 1);
    assert.equal(records[0].msg, 'real');
    assert.equal(records[0].level, 'info');
    assert.equal('note' in records[0], false);
  });

  it('passes on records from elsewhere only at an enabled level', () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: 'warn', sinks: [{ write: (r) => records.push(r) }] });
    log.write({ time: 't', level: 'info', msg: 'quiet' });
    log.write({ time: 't', level: 'error', msg: 'loud', command: 'sync' });
    assert.deepEqual(records, [{ time: 't', level: 'error', msg: 'loud', command: 'sync' }]);
  });

  it('--debug and LATTICE_DEBUG=1 ask for debug logging', () => {
    assert.equal(debugRequested(['--debug'], {}), true);
    assert.equal(debugRequested([], { LATTICE_DEBUG: '1' }), true);
    assert.equal(debugRequested(['--port', '1'], { LATTICE_DEBUG: '0' }), false);
  });
});

describe('log files', () => {
  it('writes JSON lines to a 0600 file in a 0700 directory', () => {
    const dir = path.join(tempDir(), 'logs');
    const log = openAppLog({ dir, level: 'debug' });
    log.logger.child({ request_id: 1 }).debug('hello');
    log.close();
    assert.equal(log.file, path.join(dir, LOG_FILE));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(log.file).mode & 0o777, 0o600);
    const [line] = readLines(log.file);
    assert.equal(line.msg, 'hello');
    assert.equal(line.request_id, 1);
  });

  it('narrows an existing log file and directory that others could read', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, LOG_FILE), '', { mode: 0o644 });
    chmodSync(path.join(dir, LOG_FILE), 0o644);
    const sink = new RotatingFileSink({ dir });
    sink.close();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(dir, LOG_FILE)).mode & 0o777, 0o600);
  });

  it('rotates by size and keeps the given number of files', () => {
    const dir = tempDir();
    const sink = new RotatingFileSink({ dir, maxBytes: 200, files: 3 });
    const log = createLogger({ level: 'info', sinks: [sink] });
    for (let i = 0; i < 40; i++) log.info(`line ${i}`);
    sink.close();
    assert.deepEqual(readdirSync(dir).sort(), [LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`]);
    for (const f of readdirSync(dir)) {
      assert.ok(statSync(path.join(dir, f)).size <= 200, `${f} is over the limit`);
      assert.equal(statSync(path.join(dir, f)).mode & 0o777, 0o600);
    }
    // The newest lines are in the current file, older ones in .1, the oldest kept in .2.
    const current = readLines(path.join(dir, LOG_FILE)).map((r) => r.msg);
    assert.equal(current.at(-1), 'line 39');
    const older = readLines(path.join(dir, `${LOG_FILE}.1`)).map((r) => r.msg);
    assert.equal(Number(older.at(-1)!.split(' ')[1]) + 1, Number(current[0].split(' ')[1]));
    assert.ok(!readLines(path.join(dir, `${LOG_FILE}.2`)).some((r) => r.msg === 'line 0'), 'the oldest lines are dropped');
  });

  it('appends to the file of an earlier run', () => {
    const dir = tempDir();
    const a = openAppLog({ dir, level: 'info' });
    a.logger.info('first run');
    a.close();
    const b = openAppLog({ dir, level: 'info' });
    b.logger.info('second run');
    b.close();
    assert.deepEqual(readLines(path.join(dir, LOG_FILE)).map((r) => r.msg), ['first run', 'second run']);
  });
});

describe('dispatcher logging', () => {
  it('logs each command at debug by name and request id, never its data', async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ level: 'debug', sinks: [{ write: (r) => records.push(r) }] });
    // Every handler answers true, except logout, which fails.
    const handlers = new Proxy({}, {
      get: (_t, name) => (name === 'logout' ? () => Promise.reject(new Error('homeserver unreachable')) : () => true),
    }) as Handlers;
    const replies: Envelope[] = [];
    const d = new Dispatcher(handlers, (env) => replies.push(env), logger);
    d.receive({ command: 'login', request_id: 3, data: { homeserver_url: 'https://hs.example', username: 'u', password: 'hunter2-secret' } });
    d.receive({ command: 'send_message', request_id: 4, data: { room_id: '!r:x', text: 'private words' } });
    d.receive({ command: 'logout', request_id: 5, data: {} });
    while (replies.length < 3) await new Promise((r) => setImmediate(r));
    assert.equal(replies.length, 3);
    assert.deepEqual(records.filter((r) => r.level === 'debug').map((r) => [r.msg, r.request_id, r.command]),
      [['command', 3, 'login'], ['command', 4, 'send_message'], ['command', 5, 'logout']]);
    assert.equal(records.find((r) => r.command === 'send_message')?.room_id, '!r:x');
    const failed = records.find((r) => r.level === 'warn');
    assert.equal(failed?.command, 'logout');
    assert.match(failed?.msg ?? '', /homeserver unreachable/);
    const all = JSON.stringify(records);
    assert.ok(!all.includes('hunter2') && !all.includes('private words'), all);
  });
});
