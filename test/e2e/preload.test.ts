/**
 * The compiled preload, run in real Chromium. Electron cannot launch here, so the page plays Electron's part:
 * a stand-in `require('electron')` whose contextBridge puts the API on window (frozen, as the real bridge hands
 * the page an immutable copy) and whose ipcRenderer records sends and lets the test emit messages. The preload
 * is built with the same function `npm run build` uses and injected in a CommonJS wrapper, as Electron's sandboxed
 * preload loader does.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
// For its `window.lattice` declaration, which the page code below uses.
import type {} from '../../src/preload/bridge-types.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../harness/chromium.ts';


type BuildModule = { buildPreload: (outfile: string) => Promise<void> };

// Installed into the page before the preload runs. Plain JavaScript: it is serialized into the page.
function installFakeElectron(): void {
  type Handler = (event: unknown, ...args: unknown[]) => void;
  const handlers = new Map<string, Handler[]>();
  const sent: unknown[][] = [];
  const required: string[] = [];
  const deepFreeze = (o: object): object => {
    for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v);
    return Object.freeze(o);
  };
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: object) {
        (window as unknown as Record<string, unknown>)[key] = deepFreeze(api);
      },
    },
    ipcRenderer: {
      send(channel: string, ...args: unknown[]) { sent.push([channel, ...args]); },
      on(channel: string, h: Handler) { handlers.set(channel, [...(handlers.get(channel) ?? []), h]); },
      removeListener(channel: string, h: Handler) {
        const list = handlers.get(channel) ?? [];
        const i = list.indexOf(h);
        if (i >= 0) list.splice(i, 1);
      },
    },
  };
  const fake = {
    sent,
    required,
    handlerCount: (channel: string) => handlers.get(channel)?.length ?? 0,
    emit(channel: string, ...args: unknown[]) {
      // Like Electron: the first argument is an IpcRendererEvent that carries `sender` (raw IPC access).
      const event = { sender: electron.ipcRenderer, senderId: 0, ports: [] };
      for (const h of [...(handlers.get(channel) ?? [])]) h(event, ...args);
    },
    require(name: string) {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
  };
  (window as unknown as { __fake: typeof fake }).__fake = fake;
}

interface FakeHandle {
  sent: unknown[][];
  required: string[];
  handlerCount(channel: string): number;
  emit(channel: string, ...args: unknown[]): void;
}
declare global {
  interface Window { __fake: FakeHandle }
}

describe('preload in Chromium', () => {
  let dir: string;
  let preloadSource: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lattice-preload-'));
    const outfile = path.join(dir, 'preload.cjs');
    const buildScript = new URL('../../scripts/build.mjs', import.meta.url).href;
    const { buildPreload } = (await import(buildScript)) as BuildModule;
    await buildPreload(outfile);
    preloadSource = await readFile(outfile, 'utf8');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function freshPage(): Promise<Page> {
    await page?.close();
    page = await browser.newPage();
    await page.setContent('<!doctype html><title>preload test</title>');
    await page.evaluate(installFakeElectron);
    await page.addScriptTag({
      content: `(function (require, module, exports) {\n${preloadSource}\n})(window.__fake.require, { exports: {} }, {});`,
    });
    return page;
  }

  it('is one CommonJS file that requires only electron', async () => {
    assert.doesNotMatch(preloadSource, /^\s*(import|export)\s/m);
    const requires = [...preloadSource.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(requires)], ['electron']);
    const p = await freshPage();
    assert.deepEqual(await p.evaluate(() => window.__fake.required), ['electron']);
  });

  it('exposes exactly send, onMessage, onNavigate, setViewedRoom, onScreenPick, chooseScreen and onNotificationState', async () => {
    const p = await freshPage();
    const shape = await p.evaluate(() => ({
      keys: Object.keys(window.lattice!),
      names: Object.getOwnPropertyNames(window.lattice!),
      types: Object.values(window.lattice!).map((v) => typeof v),
      frozen: Object.isFrozen(window.lattice),
      ipcOnWindow: 'ipcRenderer' in window || 'require' in window,
    }));
    const api = ['send', 'onMessage', 'onNavigate', 'setViewedRoom', 'onScreenPick', 'chooseScreen', 'onNotificationState'];
    assert.deepEqual(shape.keys, api);
    assert.deepEqual(shape.names, api);
    assert.deepEqual(shape.types, api.map(() => 'function'));
    assert.equal(shape.frozen, true);
    assert.equal(shape.ipcOnWindow, false);
  });

  it('sends an envelope on lattice:rpc unchanged, after one lattice:open', async () => {
    const p = await freshPage();
    const env = { command: 'send_message', request_id: 42, data: { room_id: '!r:x', text: 'héllo 🌍', mentions: { user_ids: [] }, n: null } };
    const result = await p.evaluate((e) => {
      window.lattice!.send(e);
      window.lattice!.send({ command: 'ping', request_id: 43 });
      const rpc = window.__fake.sent.filter((s) => s[0] === 'lattice:rpc');
      return { sent: window.__fake.sent, sameObject: rpc[0][1] === e, argCount: rpc[0].length };
    }, env);
    assert.deepEqual(result.sent, [['lattice:open'], ['lattice:rpc', env], ['lattice:rpc', { command: 'ping', request_id: 43 }]]);
    assert.equal(result.sameObject, true);
    assert.equal(result.argCount, 2);
  });

  it('delivers a message to the listener unchanged and without the event object', async () => {
    const p = await freshPage();
    const env = { command: 'sync_complete', request_id: -5, data: { rooms: { '!r:x': { meta: { name: 'Room' } } } } };
    const got = await p.evaluate((e) => {
      const calls: unknown[][] = [];
      window.lattice!.onMessage((...args: unknown[]) => { calls.push(args); });
      window.__fake.emit('lattice:rpc', e);
      return { calls, same: calls[0]?.[0] === e, opened: window.__fake.sent };
    }, env);
    assert.equal(got.calls.length, 1);
    assert.equal(got.calls[0].length, 1, 'the listener gets the envelope only');
    assert.deepEqual(got.calls[0][0], env);
    assert.equal(got.same, true);
    assert.deepEqual(got.opened, [['lattice:open']], 'listening opens the connection once');
  });

  it('unsubscribing stops exactly that listener', async () => {
    const p = await freshPage();
    const r = await p.evaluate(() => {
      const a: unknown[] = [];
      const b: unknown[] = [];
      const offA = window.lattice!.onMessage((env) => { a.push(env); });
      window.lattice!.onMessage((env) => { b.push(env); });
      window.__fake.emit('lattice:rpc', { command: 'typing', request_id: -1 });
      offA();
      offA();
      const handlersAfter = window.__fake.handlerCount('lattice:rpc');
      window.__fake.emit('lattice:rpc', { command: 'typing', request_id: -2 });
      const opens = window.__fake.sent.filter((s) => s[0] === 'lattice:open').length;
      return { a: a.length, b: b.length, handlersAfter, opens };
    });
    assert.deepEqual(r, { a: 1, b: 2, handlersAfter: 1, opens: 1 });
  });

  it('drops sends that are not an object with a string command', async () => {
    const p = await freshPage();
    const sent = await p.evaluate(() => {
      const send = (v: unknown) => window.lattice!.send(v as never);
      for (const v of [null, undefined, 'ping', 42, true, [], ['ping'], {}, { command: 5 }, { command: null }, () => 1]) send(v);
      return window.__fake.sent;
    });
    assert.deepEqual(sent, []);
  });

  it('refuses a listener that is not a function', async () => {
    const p = await freshPage();
    const err = await p.evaluate(() => {
      try {
        (window.lattice!.onMessage as (v: unknown) => unknown)('nope');
        return null;
      } catch (e) {
        return e instanceof TypeError ? 'TypeError' : String(e);
      }
    });
    assert.equal(err, 'TypeError');
  });

  it('delivers navigation links to listeners, says once that the page listens, and drops malformed ones', async () => {
    const p = await freshPage();
    const r = await p.evaluate(() => {
      const a: unknown[] = [];
      const b: unknown[] = [];
      const offA = window.lattice!.onNavigate((link) => { a.push(link); });
      window.lattice!.onNavigate((link) => { b.push(link); });
      const link = { kind: 'room', room: '!r:x', event_id: '$e', via: [] };
      window.__fake.emit('lattice:navigate', { link });
      for (const bad of [null, 'x', {}, { link: null }, { link: { room: '!r:x' } }]) window.__fake.emit('lattice:navigate', bad);
      offA();
      window.__fake.emit('lattice:navigate', { link: { kind: 'user', user_id: '@u:x' } });
      return { a, b, sent: window.__fake.sent };
    });
    assert.deepEqual(r.a, [{ kind: 'room', room: '!r:x', event_id: '$e', via: [] }]);
    assert.deepEqual(r.b, [{ kind: 'room', room: '!r:x', event_id: '$e', via: [] }, { kind: 'user', user_id: '@u:x' }]);
    assert.deepEqual(r.sent, [['lattice:navigate-ready']], 'ready is said once, and no backend connection is opened');
  });

  it('reports the viewed room to the shell, dropping values that are not a room ID or null', async () => {
    const p = await freshPage();
    const sent = await p.evaluate(() => {
      const set = window.lattice!.setViewedRoom.bind(window.lattice) as (v: unknown) => void;
      set('!r:x');
      set(null);
      for (const bad of [5, {}, undefined]) set(bad);
      return window.__fake.sent;
    });
    assert.deepEqual(sent, [['lattice:view', { room_id: '!r:x' }], ['lattice:view', { room_id: null }]]);
  });

  it('refuses a navigation listener that is not a function', async () => {
    const p = await freshPage();
    const err = await p.evaluate(() => {
      try {
        (window.lattice!.onNavigate as (v: unknown) => unknown)(42);
        return null;
      } catch (e) {
        return e instanceof TypeError ? 'TypeError' : String(e);
      }
    });
    assert.equal(err, 'TypeError');
  });

  const PNG = 'data:image/png;base64,iVBORw0KGgo=';
  const screen = { id: 'screen:1:0', name: 'Screen 1', kind: 'screen', thumbnail: PNG };
  const window1 = { id: 'window:7:0', name: 'Notes', kind: 'window', thumbnail: '', icon: PNG };

  it('delivers the shell\'s screen picks to listeners, without the event object, leaving out malformed sources', async () => {
    const p = await freshPage();
    const r = await p.evaluate(([s, w]) => {
      const a: unknown[][] = [];
      const b: unknown[][] = [];
      const offA = window.lattice!.onScreenPick((...args: unknown[]) => { a.push(args); });
      window.lattice!.onScreenPick((...args: unknown[]) => { b.push(args); });
      window.__fake.emit('lattice:screen-pick', {
        pick_id: 3,
        sources: [s, w, { ...s, id: 'screen:2:0', thumbnail: 'https://evil.example/x.png' }, { ...s, kind: 'tab' }, { ...w, icon: 'javascript:1' }, null],
      });
      for (const bad of [null, 'x', { pick_id: 4 }, { pick_id: 0, sources: [s] }, { pick_id: 5, sources: [] }, { pick_id: 6, sources: [{ id: 7 }] }]) {
        window.__fake.emit('lattice:screen-pick', bad);
      }
      offA();
      offA();
      window.__fake.emit('lattice:screen-pick', { pick_id: 8, sources: [s] });
      return { a, b, sent: window.__fake.sent };
    }, [screen, window1]);
    assert.deepEqual(r.a, [[{ pick_id: 3, sources: [screen, window1] }]]);
    assert.deepEqual(r.b, [[{ pick_id: 3, sources: [screen, window1] }], [{ pick_id: 8, sources: [screen] }]]);
    assert.deepEqual(r.sent, [], 'nothing is answered for the page');
  });

  it('cancels a pick at once when nothing listens, so the call does not wait forever', async () => {
    const p = await freshPage();
    const sent = await p.evaluate((s) => {
      window.__fake.emit('lattice:screen-pick', { pick_id: 9, sources: [s] });
      const off = window.lattice!.onScreenPick(() => {});
      window.__fake.emit('lattice:screen-pick', { pick_id: 10, sources: [s] });
      off();
      window.__fake.emit('lattice:screen-pick', { pick_id: 11, sources: [s] });
      return window.__fake.sent;
    }, screen);
    assert.deepEqual(sent, [['lattice:screen-choice', { pick_id: 9, source_id: null }], ['lattice:screen-choice', { pick_id: 11, source_id: null }]]);
  });

  it('sends the page\'s choice or cancel to the shell, dropping malformed ones', async () => {
    const p = await freshPage();
    const r = await p.evaluate(() => {
      const choose = window.lattice!.chooseScreen.bind(window.lattice) as (id: unknown, source: unknown) => void;
      choose(3, 'window:7:0');
      choose(4, null);
      for (const [id, source] of [[0, null], ['3', null], [3, 5], [3, undefined], [3, ''], [1.5, null]]) choose(id, source);
      let err: string | null = null;
      try {
        (window.lattice!.onScreenPick as (v: unknown) => unknown)('nope');
      } catch (e) {
        err = e instanceof TypeError ? 'TypeError' : String(e);
      }
      return { sent: window.__fake.sent, err };
    });
    assert.deepEqual(r.sent, [['lattice:screen-choice', { pick_id: 3, source_id: 'window:7:0' }], ['lattice:screen-choice', { pick_id: 4, source_id: null }]]);
    assert.equal(r.err, 'TypeError');
  });

  it('asks the shell for its notification state on subscribing and passes on each well-formed one', async () => {
    const p = await freshPage();
    const r = await p.evaluate(() => {
      const got: unknown[] = [];
      const off = window.lattice!.onNotificationState((st) => got.push(st));
      const asked = window.__fake.sent.map((x) => x[0]);
      window.__fake.emit('lattice:notify-state', { enabled: true, supported: true, hide_text: false });
      for (const bad of [null, 'on', { enabled: 'yes', supported: true, hide_text: false }, { enabled: true }]) window.__fake.emit('lattice:notify-state', bad);
      window.__fake.emit('lattice:notify-state', { enabled: false, supported: true, hide_text: true });
      off();
      window.__fake.emit('lattice:notify-state', { enabled: true, supported: true, hide_text: true });
      return { got, asked, handlers: window.__fake.handlerCount('lattice:notify-state') };
    });
    assert.deepEqual(r.asked, ['lattice:notify-state-ask']);
    assert.deepEqual(r.got, [{ enabled: true, supported: true, hide_text: false }, { enabled: false, supported: true, hide_text: true }]);
    assert.equal(r.handlers, 0, 'unsubscribed');
  });
});
