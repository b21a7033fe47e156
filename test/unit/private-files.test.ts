/**
 * Private files without a homeserver: an existing database left 0644 (and its -wal/-shm) is tightened when opened,
 * a folder left 0755 is tightened, and a path that is not a folder is refused in words. Under umask 022, as after a
 * default install. (test/integration/file-modes.test.ts walks a whole data tree after login and sync.)
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensurePrivateDir } from '../../src/main/backend/private-files.ts';
import { Store } from '../../src/main/backend/store/store.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('private files', { skip: process.platform === 'win32' }, () => {
  let dir: string;
  let umask: number;
  before(() => { umask = process.umask(0o022); dir = mkdtempSync(path.join(tmpdir(), 'lattice-private-')); });
  after(() => { process.umask(umask); rmSync(dir, { recursive: true, force: true }); });

  it('creates a new database and its -wal/-shm 0600', () => {
    const file = path.join(dir, 'new.db');
    const store = Store.open(file);
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f), 0o600, f);
    } finally {
      store.close();
    }
  });

  it('tightens an existing database, and -wal/-shm files, left readable by others', () => {
    const file = path.join(dir, 'old.db');
    Store.open(file).close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(f, '', { flag: 'a' });
      chmodSync(f, 0o644);
    }
    const store = Store.open(file);
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f), 0o600, f);
    } finally {
      store.close();
    }
  });

  it('tightens a folder that existed as 0755 and says what it was', () => {
    const d = path.join(dir, 'data');
    mkdirSync(d);
    chmodSync(d, 0o755);
    assert.equal(ensurePrivateDir(d), 0o755);
    assert.equal(mode(d), 0o700);
    assert.equal(ensurePrivateDir(d), null, 'nothing to say the second time');
    const fresh = path.join(dir, 'a', 'b');
    assert.equal(ensurePrivateDir(fresh), null);
    assert.equal(mode(fresh), 0o700);
    assert.equal(mode(path.join(dir, 'a')), 0o700);
  });

  it('refuses a file where a folder should be, and a symlink where the database should be', () => {
    const f = path.join(dir, 'not-a-folder');
    writeFileSync(f, '');
    assert.throws(() => ensurePrivateDir(f), /not a folder|EEXIST|ENOTDIR/);
    const link = path.join(dir, 'link.db');
    writeFileSync(path.join(dir, 'target.db'), '');
    symlinkSync(path.join(dir, 'target.db'), link);
    assert.throws(() => Store.open(link), /not a regular file/);
  });
});
