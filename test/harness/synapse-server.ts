/**
 * Starts a throwaway real Synapse homeserver for integration and browser tests: a fresh data folder and port, its
 * config written (synapse-config.ts), the process launched (synapse-process.ts), and a server object once it answers
 * and its background database updates are done, for registering users, adjusting their rate limits and stopping it.
 */

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { rateLimitOverride, registerUser, type TestUser } from './synapse-admin.ts';
import { waitForBackgroundUpdates } from './synapse-background-updates.ts';
import { writeSynapseConfig, type StartSynapseOptions } from './synapse-config.ts';
import { dataRoot, installedSynapsePython } from './synapse-paths.ts';
import { launchSynapse, type SynapseProcess } from './synapse-process.ts';
import { freeLoopbackPort, logTail, PortInUseError, waitUntilReady } from './synapse-startup.ts';
import { terminate, trackChild, untrackChild } from './synapse-stop.ts';

export interface SynapseServer {
  baseUrl: string;
  serverName: string;
  registrationSecret: string;
  dataDir: string;
  /** Synapse's own log (WARNING and up); the child's stdout/stderr go to stdio.log beside it. */
  logFile: string;
  registerUser(
    localpart: string,
    password: string,
    opts?: { admin?: boolean; displayname?: string },
  ): Promise<TestUser>;
  /**
   * Exempts one user from the message/request rate limiter (rc_message), so with
   * `rcLimits: true` a helper peer can set rooms up while the client under test
   * stays limited.
   */
  disableRateLimits(userId: string): Promise<void>;
  /**
   * Limits one user's messages and requests (rc_message) to `perSecond` (a whole number: Synapse's admin API takes
   * no fractions), with a burst of `burst`, while everyone else stays unlimited: a test can provoke HTTP 429 on the
   * shared server without a second Synapse.
   */
  limitMessages(userId: string, perSecond: number, burst: number): Promise<void>;
  stop(): Promise<void>;
}

const PORT_ATTEMPTS = 3;

export async function startSynapse(opts: StartSynapseOptions = {}): Promise<SynapseServer> {
  const python = installedSynapsePython();

  // The port is probed then released before Synapse binds it, so another process (often another test file's Synapse,
  // given the same free port) can take it in between; a fresh port covers that, whether this Synapse failed to bind
  // or the server answering on the port turned out to be someone else's.
  let lastError: unknown;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    try {
      return await startOnce(python, opts);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortInUseError)) throw err;
    }
  }
  throw lastError;
}

async function startOnce(python: string, opts: StartSynapseOptions): Promise<SynapseServer> {
  const port = await freeLoopbackPort();
  const dataDir = await mkdtemp(join(dataRoot(), 'lattice-synapse-'));
  const serverName = `localhost:${port}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const registrationSecret = randomBytes(24).toString('hex');
  const logFile = join(dataDir, 'homeserver.log');
  const stdioLog = join(dataDir, 'stdio.log');

  const { configPath, keyId } = await writeSynapseConfig({ port, serverName, baseUrl, dataDir, registrationSecret, logFile, opts });

  let child: SynapseProcess;
  try {
    child = await launchSynapse(python, configPath, dataDir, stdioLog);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  trackChild(child, dataDir);
  const { exited } = child;

  const killAndClean = async (): Promise<void> => {
    await terminate(child);
    untrackChild(child);
    if (!process.env.LATTICE_KEEP_SYNAPSE_DATA) {
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  try {
    await waitUntilReady(baseUrl, keyId, exited, () => logTail(logFile, stdioLog));
    let gone: Error | undefined;
    void exited.then(({ code, signal }) => {
      gone ??= new Error(`Synapse exited during its background updates (code ${code}, signal ${signal}).\n${logTail(logFile, stdioLog)}`);
    });
    await waitForBackgroundUpdates(join(dataDir, 'homeserver.db'), () => gone);
  } catch (err) {
    const tail = logTail(logFile, stdioLog);
    await killAndClean();
    if (err instanceof PortInUseError) throw err;
    if (/Address already in use|Couldn't listen|CannotListenError/i.test(tail)) {
      throw new PortInUseError(`Synapse could not bind ${baseUrl}`);
    }
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const overrideRateLimit = rateLimitOverride(baseUrl, registrationSecret);

  const server: SynapseServer = {
    baseUrl,
    serverName,
    registrationSecret,
    dataDir,
    logFile,
    registerUser: (localpart, password, ropts = {}) =>
      registerUser(baseUrl, registrationSecret, localpart, password, ropts),
    disableRateLimits(userId) {
      // Zero means no limit at all (Synapse's override_ratelimit).
      return overrideRateLimit(userId, 0, 0);
    },
    limitMessages(userId, perSecond, burst) {
      return overrideRateLimit(userId, perSecond, burst);
    },
    stop() {
      stopping ??= killAndClean();
      return stopping;
    },
  };
  return server;
}
