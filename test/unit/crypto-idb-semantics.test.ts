/**
 * Event-order semantics of the SQLite IndexedDB next to fake-indexeddb: several requests in flight at once,
 * request errors bubbling and aborting (or not, when cancelled), explicit abort and commit, requests after a
 * transaction went inactive, transactions queued behind each other, versionchange/blocked and deleteDatabase with
 * other connections open. Each scenario logs what it observes; both logs must be equal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDBFactory as FakeFactory, IDBKeyRange as FakeKeyRange } from 'fake-indexeddb';
import { openSqliteIndexedDb } from '../../src/main/backend/crypto/idb/sqlite-indexeddb.ts';
import { IDBKeyRange as OurKeyRange } from '../../src/main/backend/crypto/idb/key-range.ts';
import type { IdbImplementation } from '../harness/idb-differential.ts';

type Log = (...entry: unknown[]) => void;
type Scenario = (impl: IdbImplementation, log: Log) => Promise<void>;

function settle(request: IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('request failed without an error'));
  });
}

async function openWithStore(impl: IdbImplementation, name: string): Promise<IDBDatabase> {
  const request = impl.indexedDB.open(name, 1);
  request.onupgradeneeded = () => request.result.createObjectStore('s');
  return (await settle(request)) as IDBDatabase;
}

function ended(tx: IDBTransaction, log: Log, label: string): Promise<void> {
  return new Promise((resolve) => {
    tx.oncomplete = () => {
      log(label, 'complete');
      resolve();
    };
    tx.onabort = () => {
      log(label, 'abort', tx.error?.name ?? null);
      resolve();
    };
  });
}

function watch(request: IDBRequest, log: Log, label: string, prevent = false): void {
  request.onsuccess = () => log(label, 'success', request.result);
  request.onerror = (event) => {
    log(label, 'error', request.error?.name);
    if (prevent) event.preventDefault();
  };
}

const scenarios: Record<string, Scenario> = {
  async 'requests in flight together run in order, then complete'(impl, log) {
    const db = await openWithStore(impl, 'a');
    const tx = db.transaction('s', 'readwrite');
    const done = ended(tx, log, 'tx');
    const store = tx.objectStore('s');
    watch(store.put('one', 1), log, 'put1');
    watch(store.put('two', 2), log, 'put2');
    watch(store.get(1), log, 'get1');
    watch(store.count(), log, 'count');
    watch(store.getAll(impl.IDBKeyRange.lowerBound(2)), log, 'getAll');
    await done;
    db.close();
  },
  async 'an uncancelled request error bubbles, fails the rest and aborts'(impl, log) {
    const db = await openWithStore(impl, 'b');
    db.onerror = (event) => log('db onerror', (event.target as IDBRequest).error?.name);
    db.onabort = () => log('db onabort');
    const tx = db.transaction('s', 'readwrite');
    tx.onerror = () => log('tx onerror');
    const done = ended(tx, log, 'tx');
    const store = tx.objectStore('s');
    watch(store.add('x', 1), log, 'add1');
    watch(store.add('y', 1), log, 'add1 again');
    watch(store.put('z', 2), log, 'put2');
    await done;
    log('after abort', await settle(db.transaction('s').objectStore('s').count()));
    db.close();
  },
  async 'a cancelled request error lets the transaction commit'(impl, log) {
    const db = await openWithStore(impl, 'c');
    const tx = db.transaction('s', 'readwrite');
    const done = ended(tx, log, 'tx');
    const store = tx.objectStore('s');
    watch(store.add('x', 1), log, 'add1');
    watch(store.add('y', 1), log, 'add1 again', true);
    watch(store.put('z', 2), log, 'put2');
    await done;
    log('after', await settle(db.transaction('s').objectStore('s').getAll()));
    db.close();
  },
  async 'abort() fails pending requests and rolls back'(impl, log) {
    const db = await openWithStore(impl, 'd');
    await settle(db.transaction('s', 'readwrite').objectStore('s').put('kept', 0));
    const tx = db.transaction('s', 'readwrite');
    const done = ended(tx, log, 'tx');
    const store = tx.objectStore('s');
    const first = store.put('gone', 1);
    first.onsuccess = () => {
      log('put1 success');
      watch(store.put('never', 2), log, 'put2');
      tx.abort();
      try {
        store.put('late', 3);
      } catch (e) {
        log('put after abort throws', (e as DOMException).name);
      }
    };
    await done;
    log('after', await settle(db.transaction('s').objectStore('s').getAllKeys()));
    db.close();
  },
  async 'requests after the transaction went inactive throw; microtasks are still active'(impl, log) {
    const db = await openWithStore(impl, 'e');
    const tx = db.transaction('s', 'readwrite');
    const done = ended(tx, log, 'tx');
    const store = tx.objectStore('s');
    const request = store.put('a', 1);
    request.onsuccess = () => {
      void Promise.resolve().then(() => watch(store.put('b', 2), log, 'put in microtask'));
    };
    await done;
    try {
      store.put('c', 3);
    } catch (e) {
      log('after complete', (e as DOMException).name);
    }
    const later = db.transaction('s', 'readwrite');
    const laterDone = ended(later, log, 'later');
    await new Promise((resolve) => setTimeout(resolve, 5));
    try {
      later.objectStore('s').put('d', 4);
    } catch (e) {
      log('in a later task', (e as DOMException).name);
    }
    await laterDone;
    log('keys', await settle(db.transaction('s').objectStore('s').getAllKeys()));
    db.close();
  },
  async 'commit() ends the transaction after its requests'(impl, log) {
    const db = await openWithStore(impl, 'f');
    const tx = db.transaction('s', 'readwrite');
    const done = ended(tx, log, 'tx');
    // The store handle is taken before commit(): objectStore() while committing is allowed by the spec (only
    // "finished" throws) but fake-indexeddb throws InvalidStateError there.
    const store = tx.objectStore('s');
    watch(store.put('a', 1), log, 'put');
    tx.commit();
    try {
      store.put('b', 2);
    } catch (e) {
      log('after commit()', (e as DOMException).name);
    }
    await done;
    db.close();
  },
  async 'queued transactions see each other in order'(impl, log) {
    const db = await openWithStore(impl, 'g');
    const first = db.transaction('s', 'readwrite');
    const second = db.transaction('s', 'readwrite');
    const third = db.transaction('s', 'readonly');
    const all = [ended(first, log, 'first'), ended(second, log, 'second'), ended(third, log, 'third')];
    watch(third.objectStore('s').get(1), log, 'third get');
    watch(second.objectStore('s').put('second', 1), log, 'second put');
    watch(first.objectStore('s').put('first', 1), log, 'first put');
    await Promise.all(all);
    db.close();
  },
  async 'an upgrade asks other connections to close, and waits while blocked'(impl, log) {
    const a = await openWithStore(impl, 'h');
    const b = (await settle(impl.indexedDB.open('h'))) as IDBDatabase;
    a.onversionchange = (event) => {
      log('a versionchange', event.oldVersion, event.newVersion);
      a.close();
    };
    b.onversionchange = () => log('b versionchange (stays open)');
    const upgrade = impl.indexedDB.open('h', 2);
    upgrade.onblocked = (event) => {
      log('blocked', event.oldVersion, event.newVersion);
      setTimeout(() => b.close(), 5);
    };
    upgrade.onupgradeneeded = (event) => log('upgradeneeded', event.oldVersion, event.newVersion);
    const db = (await settle(upgrade)) as IDBDatabase;
    log('opened', db.version, [...db.objectStoreNames]);
    const deleting = impl.indexedDB.deleteDatabase('h');
    db.onversionchange = (event) => {
      log('delete versionchange', event.oldVersion, event.newVersion);
      db.close();
    };
    await settle(deleting);
    log('deleted; reopened at', ((await settle(impl.indexedDB.open('h'))) as IDBDatabase).version);
  },
  async 'an aborted upgrade leaves the old version and schema'(impl, log) {
    const db = await openWithStore(impl, 'i');
    db.close();
    const upgrade = impl.indexedDB.open('i', 2);
    upgrade.onupgradeneeded = () => {
      const connection = upgrade.result;
      connection.createObjectStore('t');
      connection.deleteObjectStore('s');
      log('during', [...connection.objectStoreNames]);
      connection.onabort = () => log('connection onabort', connection.version, [...connection.objectStoreNames]);
      (upgrade.transaction as IDBTransaction).abort();
    };
    await settle(upgrade).catch((e: DOMException) => log('open failed', e.name));
    const again = (await settle(impl.indexedDB.open('i'))) as IDBDatabase;
    log('reopened', again.version, [...again.objectStoreNames]);
    again.close();
  },
};

for (const [name, scenario] of Object.entries(scenarios)) {
  test(`same events as fake-indexeddb: ${name}`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-idb-sem-'));
    const ours = openSqliteIndexedDb(path.join(dir, 'crypto.db'));
    t.after(() => {
      ours.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const expected: unknown[] = [];
    await scenario({ indexedDB: new FakeFactory(), IDBKeyRange: FakeKeyRange }, (...e) => expected.push(e));
    const actual: unknown[] = [];
    await scenario({ indexedDB: ours.factory, IDBKeyRange: OurKeyRange } as unknown as IdbImplementation, (...e) => actual.push(e));
    assert.ok(expected.length > 2, 'the scenario observed something');
    assert.deepEqual(actual, expected);
  });
}

test('closing the SQLite file under pending work fails the requests in words instead of throwing', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lattice-idb-sem-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ours = openSqliteIndexedDb(path.join(dir, 'crypto.db'));
  const impl = { indexedDB: ours.factory, IDBKeyRange: OurKeyRange } as unknown as IdbImplementation;
  const db = await openWithStore(impl, 'closing');
  const write = db.transaction('s', 'readwrite');
  const read = db.transaction('s', 'readonly');
  const writeDone = new Promise<string>((resolve) => {
    write.oncomplete = () => resolve('complete');
    write.onabort = () => resolve(`abort ${write.error?.name}`);
  });
  const put = settle(write.objectStore('s').put('x', 1)).then(() => 'ok', (e: DOMException) => e.name);
  const get = settle(read.objectStore('s').get(1)).then(() => 'ok', (e: DOMException) => e.name);
  ours.close();
  const reopen = settle(impl.indexedDB.open('closing')).then(() => 'ok', (e: DOMException) => `${e.name}: ${e.message}`);
  assert.deepEqual(await Promise.all([put, writeDone, get]), ['UnknownError', 'abort UnknownError', 'UnknownError']);
  assert.match(await reopen, /^UnknownError: The database could not be opened: .*not open/);
});
