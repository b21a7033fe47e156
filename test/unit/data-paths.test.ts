import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveDataPaths } from '../../src/main/backend/paths.ts';

describe('data paths (gomuks rules, lattice folder, LATTICE_* overrides)', () => {
  it('follows XDG on Linux, with the usual fallbacks', () => {
    assert.deepEqual(resolveDataPaths({}, 'linux', '/home/u'), {
      config: '/home/u/.config/lattice', data: '/home/u/.local/share/lattice',
      cache: '/home/u/.cache/lattice', logs: '/home/u/.local/state/lattice',
    });
    assert.deepEqual(resolveDataPaths({ XDG_CONFIG_HOME: '/c', XDG_DATA_HOME: '/d', XDG_CACHE_HOME: '/k', XDG_STATE_HOME: '/s' }, 'linux', '/home/u'), {
      config: '/c/lattice', data: '/d/lattice', cache: '/k/lattice', logs: '/s/lattice',
    });
  });

  it('uses Application Support, Caches and Logs on macOS', () => {
    const p = resolveDataPaths({}, 'darwin', '/Users/u');
    assert.equal(p.config, '/Users/u/Library/Application Support/lattice');
    assert.equal(p.data, p.config);
    assert.equal(p.cache, '/Users/u/Library/Caches/lattice');
    assert.equal(p.logs, '/Users/u/Library/Logs/lattice');
  });

  it('uses AppData on Windows', () => {
    const p = resolveDataPaths({ APPDATA: 'C:\\R', LOCALAPPDATA: 'C:\\L' }, 'win32', 'C:\\Users\\u');
    assert.match(p.config, /^C:\\R.lattice$/);
    assert.equal(p.data, p.config);
    assert.match(p.cache, /^C:\\L.lattice.cache$/);
  });

  it('LATTICE_ROOT puts everything under one folder; LATTICE_*_HOME override one kind each', () => {
    assert.deepEqual(resolveDataPaths({ LATTICE_ROOT: '/r' }, 'linux', '/home/u'), {
      config: '/r/config', data: '/r/data', cache: '/r/cache', logs: '/r/logs',
    });
    const p = resolveDataPaths({ LATTICE_ROOT: '/r', LATTICE_DATA_HOME: '/x', LATTICE_LOG_HOME: '/l' }, 'darwin', '/Users/u');
    assert.deepEqual(p, { config: '/r/config', data: '/x', cache: '/r/cache', logs: '/l' });
    assert.equal(resolveDataPaths({ LATTICE_CONFIG_HOME: '/cfg', LATTICE_CACHE_HOME: '/ca' }, 'linux', '/h').config, '/cfg');
    assert.equal(resolveDataPaths({ LATTICE_CONFIG_HOME: '/cfg', LATTICE_CACHE_HOME: '/ca' }, 'linux', '/h').cache, '/ca');
  });
});
