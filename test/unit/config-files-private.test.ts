/**
 * Config files that hold account data (the web host's auth secret and sessions, the desktop shell's window state and
 * settings) are written 0600 in a 0700 folder, and a config folder that already existed wider is tightened.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeJsonFile } from '../../src/main/desktop/json-file.ts';
import { loadOrCreateWebAuth } from '../../src/main/host/web/web-auth.ts';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

function wideConfigDir(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'lattice-config-'));
  roots.push(root);
  const dir = path.join(root, 'config');
  chmodSync(root, 0o755);
  // A folder made by something else first, readable by everyone.
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe('config files are private', { skip: process.platform === 'win32' }, () => {
  it('the web host tightens a 0755 config folder and writes its files 0600', async () => {
    const dir = wideConfigDir();
    const old = process.umask(0o022);
    try {
      await loadOrCreateWebAuth(dir);
    } finally {
      process.umask(old);
    }
    assert.equal(mode(dir), 0o700);
    const files = readdirSync(dir);
    assert.ok(files.length > 0, 'the web host wrote its config');
    for (const f of files) assert.equal(mode(path.join(dir, f)), 0o600, f);
  });

  it('the desktop shell tightens a 0755 config folder and writes its JSON 0600', async () => {
    const dir = wideConfigDir();
    const old = process.umask(0o022);
    try {
      writeJsonFile(path.join(dir, 'window-state.json'), { width: 800 });
    } finally {
      process.umask(old);
    }
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(path.join(dir, 'window-state.json')), 0o600);
  });
});
