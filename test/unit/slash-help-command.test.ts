/**
 * `get_slash_commands` (Lattice's own command, gomuks has none) through the dispatcher of a real backend: answered
 * without a session, every entry exactly in the contract's `SlashCommandHelp` shape, and the same commands the
 * parser knows (the composer's autocomplete offers nothing send_message would refuse).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { Backend } from '../../src/main/backend/backend.ts';
import { findCommand } from '../../src/main/backend/send/slash/commands.ts';
import { RpcTestClient } from '../harness/rpc-test-client.ts';

/** The wire shape of one entry, strict: a key added or dropped on one side shows up here. */
const SlashCommandHelpWire = z.strictObject({
  name: z.string().regex(/^[a-z0-9_-]+$/),
  aliases: z.array(z.string()),
  usage: z.string().startsWith('/'),
  summary: z.string().min(1),
  args: z.array(z.strictObject({
    name: z.string(), kind: z.string(), optional: z.boolean(), repeated: z.boolean(), description: z.string(),
  })),
  messagePrefix: z.boolean(),
});

describe('get_slash_commands', () => {
  let root: string;
  let backend: Backend;
  let c: RpcTestClient;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'lattice-slashhelp-'));
    backend = await Backend.create({
      paths: { config: root, data: path.join(root, 'data'), cache: path.join(root, 'cache'), logs: root },
      fetch: () => Promise.reject(new Error('no network in this test')),
      secrets: { store: { kind: 'keychain', description: 'none', get: async () => null, set: async () => {}, delete: async () => {} } },
    });
    c = RpcTestClient.inProcess(backend);
  });
  after(async () => {
    c.close();
    await backend.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists every command with its usage and help, in the contract\'s shape, without a session', async () => {
    const list = await c.request('get_slash_commands', {});
    assert.ok(list.length > 10, `many commands, got ${list.length}`);
    for (const entry of list) {
      const parsed = SlashCommandHelpWire.safeParse(entry);
      assert.ok(parsed.success, `${JSON.stringify(entry)}: ${parsed.error?.message}`);
    }
    assert.equal(new Set(list.map((h) => h.name)).size, list.length, 'each name once');
    const me = list.find((h) => h.name === 'me');
    assert.equal(me?.messagePrefix, true);
    const commands = list.filter((h) => !h.messagePrefix);
    assert.ok(commands.length > 0);
    for (const h of commands) assert.equal(findCommand(h.name)?.name, h.name, `the parser knows /${h.name}`);
    for (const h of commands) for (const a of h.aliases) assert.equal(findCommand(a)?.name, h.name, `/${a} is /${h.name}`);
  });

  it('refuses parameters it does not take, in words', async () => {
    await assert.rejects(c.request('get_slash_commands', 42 as unknown as Record<string, never>), /invalid data for get_slash_commands: .*expected object/);
  });
});
