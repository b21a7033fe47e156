/**
 * Where Lattice keeps its files. Mirrors gomuks' rules ("Where does gomuks store data?") with a `lattice`
 * folder and LATTICE_* overrides: LATTICE_ROOT puts everything under one folder; LATTICE_{CONFIG,DATA,CACHE,LOG}_HOME
 * override one kind. Read on every start, never baked into a config file.
 */
import os from 'node:os';
import path from 'node:path';

export interface DataPaths {
  /** The config file lives here. */
  config: string;
  /** The database (message history, room state) and, later, encryption data. */
  data: string;
  /** Things that can be fetched again: media. */
  cache: string;
  logs: string;
}

type Env = Record<string, string | undefined>;

export function resolveDataPaths(env: Env = process.env, platform: NodeJS.Platform = process.platform,
  home: string = os.homedir()): DataPaths {
  const root = env.LATTICE_ROOT;
  const base = root
    ? { config: path.join(root, 'config'), data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: path.join(root, 'logs') }
    : platformDefaults(env, platform, home);
  return {
    config: env.LATTICE_CONFIG_HOME || base.config,
    data: env.LATTICE_DATA_HOME || base.data,
    cache: env.LATTICE_CACHE_HOME || base.cache,
    logs: env.LATTICE_LOG_HOME || base.logs,
  };
}

function platformDefaults(env: Env, platform: NodeJS.Platform, home: string): DataPaths {
  const app = 'lattice';
  if (platform === 'darwin') {
    const support = path.join(home, 'Library', 'Application Support', app);
    return { config: support, data: support, cache: path.join(home, 'Library', 'Caches', app), logs: path.join(home, 'Library', 'Logs', app) };
  }
  if (platform === 'win32') {
    const roaming = env.APPDATA || path.join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
    return { config: path.join(roaming, app), data: path.join(roaming, app), cache: path.join(local, app, 'cache'), logs: path.join(local, app, 'logs') };
  }
  return {
    config: path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), app),
    data: path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), app),
    cache: path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), app),
    logs: path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), app),
  };
}
