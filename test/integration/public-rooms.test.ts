/**
 * The public room directory (`get_public_rooms`, Lattice's own command) against Synapse: rooms published with
 * visibility public are listed with what the server says of them, searched by a term, read a page at a time through
 * `next_batch`, and joined from there (the room then reaches the room list). A private room is never listed, and a
 * server our homeserver will not talk to is refused in words. In the same world, the user directory
 * (`search_user_directory`, also Lattice's own): Synapse's default finds the people in public rooms (and those sharing
 * a room with us), by name or user ID, `limited` when it had more than asked for, and never someone in neither.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JSONObject } from '../../src/shared/rpc/index.ts';
import { startCommandSession, type CommandSession } from '../harness/command-session.ts';
import { MatrixPeer } from '../harness/matrix-peer.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

describe('get_public_rooms against Synapse', () => {
  let hs: SynapseServer;
  let bob: MatrixPeer;
  let s: CommandSession;
  const gardening: string[] = [];
  let astronomy = '';
  let hidden = '';

  /** A room Bob creates; `visibility: public` publishes it to the directory. */
  async function create(body: JSONObject): Promise<string> {
    return (await bob.request('POST', '/_matrix/client/v3/createRoom', body) as { room_id: string }).room_id;
  }

  before(async () => {
    hs = await startSynapse();
    await hs.registerUser('alice', 'alice-password', { displayname: 'Alice' });
    bob = new MatrixPeer(hs.baseUrl, await hs.registerUser('bob', 'bob-password', { displayname: 'Bob' }));
    for (let i = 1; i <= 5; i++) {
      gardening.push(await create({ name: `Gardening club ${i}`, topic: 'Seeds and soil', visibility: 'public', preset: 'public_chat' }));
    }
    astronomy = await create({
      name: 'Astronomy', topic: 'Looking up', visibility: 'public', preset: 'public_chat', room_alias_name: 'astronomy',
    });
    hidden = await create({ name: 'Gardening secrets', visibility: 'private', preset: 'public_chat' });
    // Bob's namesake in a public room, and a Bobbie nobody can see (in no room at all).
    await new MatrixPeer(hs.baseUrl, await hs.registerUser('bobby', 'bobby-password', { displayname: 'Bobby Tables' })).join(gardening[0]);
    await hs.registerUser('bobbie', 'bobbie-password', { displayname: 'Bobbie Hidden' });
    s = await startCommandSession(hs, 'alice', 'alice-password');
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
  });

  it('lists the published rooms with their name, topic, address and members, and never a private one', async () => {
    const page = await s.call('get_public_rooms', {});
    const ids = page.chunk.map((r) => r.room_id);
    assert.deepEqual([...ids].sort(), [...gardening, astronomy].sort());
    assert.ok(!ids.includes(hidden));
    const astro = page.chunk.find((r) => r.room_id === astronomy);
    assert.equal(astro?.name, 'Astronomy');
    assert.equal(astro?.topic, 'Looking up');
    assert.equal(astro?.canonical_alias, `#astronomy:${hs.serverName}`);
    assert.equal(astro?.num_joined_members, 1);
    assert.equal(astro?.join_rule, 'public');
    assert.equal(page.next_batch, undefined, 'one page holds them all');
  });

  it('searches by a term, in names and topics', async () => {
    const byName = await s.call('get_public_rooms', { filter: { generic_search_term: 'garden' } });
    assert.deepEqual(byName.chunk.map((r) => r.room_id).sort(), [...gardening].sort());
    const byTopic = await s.call('get_public_rooms', { filter: { generic_search_term: 'looking' } });
    assert.deepEqual(byTopic.chunk.map((r) => r.room_id), [astronomy]);
    const none = await s.call('get_public_rooms', { filter: { generic_search_term: 'no such room anywhere' } });
    assert.deepEqual(none.chunk, []);
  });

  it('reads a search a page at a time through next_batch, each room once', async () => {
    const seen: string[] = [];
    let since: string | undefined;
    let pages = 0;
    do {
      const page = await s.call('get_public_rooms', { limit: 2, filter: { generic_search_term: 'garden' }, ...(since ? { since } : {}) });
      assert.ok(page.chunk.length <= 2);
      seen.push(...page.chunk.map((r) => r.room_id as string));
      since = page.next_batch;
      pages++;
    } while (since !== undefined && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), [...gardening].sort());
  });

  it('reads our own server by name as well', async () => {
    const page = await s.call('get_public_rooms', { server: hs.serverName, filter: { generic_search_term: 'astronomy' } });
    assert.deepEqual(page.chunk.map((r) => r.room_id), [astronomy]);
  });

  it('joins a room found there, which reaches the room list', async () => {
    const [found] = (await s.call('get_public_rooms', { filter: { generic_search_term: 'astronomy' } })).chunk;
    const arrived = s.client.waitForEvent('sync_complete', (d) => d.rooms?.[astronomy]?.meta !== undefined, 30_000);
    assert.deepEqual(await s.call('join_room', { room_id_or_alias: found.room_id as string, via: [hs.serverName] }), { room_id: astronomy });
    await arrived;
    const after = await s.call('get_public_rooms', { filter: { generic_search_term: 'astronomy' } });
    assert.equal(after.chunk[0]?.num_joined_members, 2);
  });

  it('refuses in words a server our homeserver does not talk to, and checks its input', async () => {
    await assert.rejects(s.client.request('get_public_rooms', { server: 'elsewhere.example' }),
      /Your homeserver does not talk to elsewhere\.example .*so its rooms cannot be listed from here\./);
    await assert.rejects(s.client.request('get_public_rooms', { server: 'not a server' }), /server/);
    await assert.rejects(s.client.request('get_public_rooms', { limit: 0 }), /limit/);
  });

  it('searches the user directory by name and user ID, each person with their name', async () => {
    // Synapse fills its directory in the background: wait until it has both Bobs.
    let found = await s.call('search_user_directory', { search_term: 'bob' });
    for (let i = 0; found.results.length < 2 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      found = await s.call('search_user_directory', { search_term: 'bob' });
    }
    const byId = new Map(found.results.map((r) => [r.user_id, r]));
    assert.deepEqual([...byId.keys()].sort(), [bob.userId, `@bobby:${hs.serverName}`].sort(), 'not Bobbie, who is in no room');
    assert.equal(byId.get(bob.userId)?.display_name, 'Bob');
    assert.equal(byId.get(`@bobby:${hs.serverName}`)?.display_name, 'Bobby Tables');
    assert.equal(found.limited, false);

    const tables = await s.call('search_user_directory', { search_term: 'tables' });
    assert.deepEqual(tables.results.map((r) => r.user_id), [`@bobby:${hs.serverName}`], 'by a word of the name');
    const one = await s.call('search_user_directory', { search_term: 'bob', limit: 1 });
    assert.equal(one.results.length, 1);
    assert.equal(one.limited, true, 'the server had more');
    assert.deepEqual((await s.call('search_user_directory', { search_term: 'nobody by this name' })).results, []);
  });

  it('checks the user directory search\'s input', async () => {
    await assert.rejects(s.client.request('search_user_directory', { search_term: '   ' }), /search_term/);
    await assert.rejects(s.client.request('search_user_directory', { search_term: 'bob', limit: 0 }), /limit/);
  });
});
