/**
 * Slash commands typed into send_message, against Synapse: one test per family, each checking what the server has
 * afterwards (read by Bob or by Alice's other device through the API); unknown commands and bad arguments are
 * errors in words, and nothing is sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Event } from '../../src/shared/rpc/index.ts';
import { startSharedRoomSession, type CommandSession, type SharedRoomSession } from '../harness/command-session.ts';
import type { MatrixPeer, MatrixEvent } from '../harness/matrix-peer.ts';
import type { SynapseServer, TestUser } from '../harness/synapse.ts';

const enc = encodeURIComponent;
/** The text of a local notice (or any message) a command answered with. */
const bodyOf = (e: Event): string => (typeof e.content.body === 'string' ? e.content.body : '');

describe('slash commands against Synapse', () => {
  let hs: SynapseServer;
  let alice: TestUser;
  let aliceApi: MatrixPeer;
  let bob: MatrixPeer;
  let s: CommandSession;
  let room: string;

  const slash = (text: string, extra: { room_id?: string; relates_to?: Record<string, any> } = {}): Promise<Event> =>
    s.call('send_message', { room_id: extra.room_id ?? room, text, ...(extra.relates_to ? { relates_to: extra.relates_to } : {}) });
  const state = (roomId: string, type: string, key = ''): Promise<any> =>
    aliceApi.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(key)}`);
  const latest = async (roomId: string): Promise<MatrixEvent> => (await aliceApi.messages(roomId, { limit: 1 })).chunk[0];

  let fixture: SharedRoomSession | undefined;
  before(async () => {
    fixture = await startSharedRoomSession('Commands');
    ({ hs, alice, aliceApi, bob, room, s } = fixture);
  });
  after(() => fixture?.stop());

  it('message prefixes: /me, /notice, /plain, /html, /rainbow, and // for a leading slash', async () => {
    const cases: [string, (e: MatrixEvent) => boolean][] = [
      ['/me waves', (e) => e.content.msgtype === 'm.emote' && e.content.body === 'waves'],
      ['/notice beep', (e) => e.content.msgtype === 'm.notice' && e.content.body === 'beep'],
      ['/plain **not bold**', (e) => e.content.body === '**not bold**' && e.content.formatted_body === undefined],
      ['/html <b>bold</b>', (e) => e.content.formatted_body === '<b>bold</b>' && e.content.body === 'bold'],
      ['/rainbow hi', (e) => e.content.body === 'hi' && /<font color="#[0-9a-f]{6}">h<\/font>/.test(String(e.content.formatted_body))],
      ['//shrug', (e) => e.content.body === '/shrug' && e.content.msgtype === 'm.text'],
    ];
    for (const [text, ok] of cases) {
      const echo = await slash(text);
      assert.match(echo.event_id, /^~/, `${text} answers with its local echo`);
      await bob.waitForMessage(room, (e) => e.sender === alice.userId && ok(e));
    }
  });

  it('unknown commands and bad arguments are errors in words, and nothing is sent', async () => {
    const before = (await latest(room)).event_id;
    await assert.rejects(slash('/frobnicate now'), /Unknown command \/frobnicate\. Type \/help/);
    await assert.rejects(slash('/invite bob'), /\/invite: .*bob.*\nUsage: \/invite/s);
    await assert.rejects(slash('/me '), /The message text is missing/);
    await assert.rejects(slash('/powerlevel @bob:x lots'), /\/powerlevel: /);
    await assert.rejects(slash('/react 👍'), /reply to it first/);
    await assert.rejects(slash('/send #nowhere:localhost m.room.message {"body":"x"}'), /Could not send the m.room.message event/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await latest(room)).event_id, before);
  });

  it('/help and /id answer with a local notice that is never sent', async () => {
    const help = await slash('/help');
    assert.equal(help.sender, '@gomuks');
    assert.ok(help.rowid < 0 && help.timeline_rowid === 0);
    assert.match(bodyOf(help), /\/join/);
    assert.match(help.local_content?.sanitized_html ?? '', /<br>/);
    assert.equal((await slash('/id')).content.body, room);
    assert.match(bodyOf(await slash('/help kick')), /Usage: \/kick/);
  });

  it('/invite, /kick, /ban, /unban change membership on the server', async () => {
    const r = await aliceApi.createRoom({ name: 'Moderation' });
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[r]?.meta?.name === 'Moderation');
    await slash(`/invite ${bob.userId}`, { room_id: r });
    assert.equal((await state(r, 'm.room.member', bob.userId)).membership, 'invite');
    await bob.join(r);
    const kick = await slash(`/kick ${bob.userId} too loud`, { room_id: r });
    assert.match(bodyOf(kick), /Done: kick @bob/);
    assert.deepEqual(await state(r, 'm.room.member', bob.userId), { membership: 'leave', reason: 'too loud' });
    await slash(`/ban ${bob.userId}`, { room_id: r });
    assert.equal((await state(r, 'm.room.member', bob.userId)).membership, 'ban');
    await slash(`/unban ${bob.userId}`, { room_id: r });
    assert.equal((await state(r, 'm.room.member', bob.userId)).membership, 'leave');
  });

  it('/join joins by alias and /leave leaves', async () => {
    const target = (await bob.request('POST', '/_matrix/client/v3/createRoom', { name: 'Open', preset: 'public_chat', room_alias_name: 'open' })).room_id;
    const joined = await slash(`/join #open:${hs.serverName}`);
    assert.match(bodyOf(joined), new RegExp(`\\(${target.replace(/[$]/g, '\\$&')}\\)`));
    assert.equal((await bob.request('GET', `/_matrix/client/v3/rooms/${enc(target)}/state/m.room.member/${enc(alice.userId)}`)).membership, 'join');
    await s.client.waitForEvent('sync_complete', (d) => d.rooms?.[target]?.meta?.name === 'Open');
    await slash('/leave bye', { room_id: target });
    assert.equal((await bob.request('GET', `/_matrix/client/v3/rooms/${enc(target)}/state/m.room.member/${enc(alice.userId)}`)).membership, 'leave');
  });

  it('/roomnick and /globalnick set display names', async () => {
    await slash('/roomnick Alice Here');
    assert.equal((await state(room, 'm.room.member', alice.userId)).displayname, 'Alice Here');
    await slash('/globalnick Alice Everywhere');
    assert.equal((await bob.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`)).displayname, 'Alice Everywhere');
  });

  it('/tag and /untag change the room tags', async () => {
    const tags = () => aliceApi.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/rooms/${enc(room)}/tags`);
    await slash('/tag u.work 0.5');
    assert.deepEqual((await tags()).tags, { 'u.work': { order: 0.5 } });
    await s.client.waitForEvent('sync_complete', (d) => !!(d.rooms?.[room]?.account_data?.['m.tag']?.content.tags as any)?.['u.work']);
    assert.match(bodyOf(await slash('/tags')), /u\.work \(order 0\.5\)/);
    await slash('/untag u.work');
    assert.deepEqual((await tags()).tags, {});
    await assert.rejects(slash('/tag u.x 2'), /\/tag: /);
  });

  it('/alias adds, resolves and deletes an alias', async () => {
    await slash('/alias add commands');
    const alias = `#commands:${hs.serverName}`;
    assert.equal((await bob.request('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`)).room_id, room);
    assert.match(bodyOf(await slash(`/alias resolve ${alias}`)), new RegExp(`is ${room.replace(/[$]/g, '\\$&')}`));
    await slash('/alias del commands');
    await assert.rejects(bob.request('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`), /M_NOT_FOUND/);
  });

  it('/powerlevel sets and shows power levels', async () => {
    await slash(`/powerlevel ${bob.userId} 50`);
    assert.equal((await state(room, 'm.room.power_levels')).users[bob.userId], 50);
    await s.client.waitForEvent('sync_complete', (d) => !!d.rooms?.[room]?.events?.some((e) =>
      e.type === 'm.room.power_levels' && (e.content.users as Record<string, number>)[bob.userId] === 50));
    assert.match(bodyOf(await slash(`/pl ${bob.userId}`)), new RegExp(`${bob.userId}: 50`));
    await slash('/powerlevel m.room.topic 75');
    assert.equal((await state(room, 'm.room.power_levels')).events['m.room.topic'], 75);
  });

  it('/setstate, /msetstate, /send, /msend and /raw send what they are given', async () => {
    await slash(`/setstate ${room} org.lattice.a key1 {"a":1}`);
    assert.deepEqual(await state(room, 'org.lattice.a', 'key1'), { a: 1 });
    await slash('/msetstate org.lattice.b - {"b":2}');
    assert.deepEqual(await state(room, 'org.lattice.b'), { b: 2 });
    await slash(`/send ${room} org.lattice.ev {"n":1}`);
    await bob.waitForMessage(room, (e) => e.type === 'org.lattice.ev' && e.content.n === 1);
    await slash('/msend org.lattice.ev {"n":2}');
    await bob.waitForMessage(room, (e) => e.type === 'org.lattice.ev' && e.content.n === 2);
    await slash('/raw org.lattice.ev');
    await bob.waitForMessage(room, (e) => e.type === 'org.lattice.ev' && Object.keys(e.content).length === 0);
    await assert.rejects(slash('/msend org.lattice.ev {broken'), /\/msend: /);
  });

  it('/react reacts to the replied-to message and /redact redacts one', async () => {
    const target = await bob.sendText(room, 'react to me');
    await slash('/react 👍', { relates_to: { 'm.in_reply_to': { event_id: target } } });
    await bob.waitForMessage(room, (e) => e.type === 'm.reaction' && e.content['m.relates_to']?.event_id === target && e.content['m.relates_to'].key === '👍');
    const gone = await bob.sendText(room, 'delete me');
    await slash(`/redact ${gone} spam`);
    const ev = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(room)}/event/${enc(gone)}`);
    assert.deepEqual(ev.content, {});
    assert.equal(ev.unsigned.redacted_because.content.reason, 'spam');
  });

  it('/create makes a room and /pm starts a direct chat marked in m.direct', async () => {
    const created = await slash('/create Brand new');
    const newRoom = /\((![^)]+)\)/.exec(bodyOf(created))![1];
    assert.equal((await state(newRoom, 'm.room.name')).name, 'Brand new');
    const pm = await slash(`/pm ${bob.userId}`);
    const dm = /\((![^)]+)\)/.exec(bodyOf(pm))![1];
    assert.equal((await state(dm, 'm.room.member', bob.userId)).membership, 'invite');
    const direct = await aliceApi.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/m.direct`);
    assert.deepEqual(direct[bob.userId], [dm]);
    await assert.rejects(slash(`/pm ${alice.userId}`), /cannot start a direct chat with yourself/);
  });

  it('/accept and /reject answer invites, typed in the invited room', async () => {
    const yes = await bob.createRoom({ name: 'Come in', invite: [alice.userId] });
    const no = await bob.createRoom({ name: 'Stay out', invite: [alice.userId] });
    for (const r of [yes, no]) await s.client.waitForEvent('sync_complete', (d) => !!d.invited_rooms?.some((i) => i.room_id === r));
    await slash('/accept', { room_id: yes });
    assert.equal((await state(yes, 'm.room.member', alice.userId)).membership, 'join');
    await slash('/reject not interested', { room_id: no });
    const rejected = await bob.request('GET', `/_matrix/client/v3/rooms/${enc(no)}/state/m.room.member/${enc(alice.userId)}`);
    assert.deepEqual(rejected, { membership: 'leave', reason: 'not interested' });
    await assert.rejects(slash('hello', { room_id: no }), /Unknown room/);
  });

  it('/roomname, /rawstate, /converttodm and /converttoroom', async () => {
    await slash('/roomname Renamed');
    assert.equal((await state(room, 'm.room.name')).name, 'Renamed');
    await slash('/rawstate org.lattice.raw k');
    assert.deepEqual(await state(room, 'org.lattice.raw', 'k'), {});
    const direct = () => aliceApi.request('GET', `/_matrix/client/v3/user/${enc(alice.userId)}/account_data/m.direct`).catch(() => ({}));
    assert.match(bodyOf(await slash(`/converttodm ${bob.userId}`)), /Marked the room as a direct chat/);
    assert.ok((await direct())[bob.userId]?.includes(room));
    await s.client.waitForEvent('sync_complete', (d) => !!(d.account_data?.['m.direct']?.content[bob.userId] as string[] | undefined)?.includes(room));
    assert.match(bodyOf(await slash('/converttoroom')), /no longer marked/);
    assert.ok(!(await direct())[bob.userId]?.includes(room));
  });

  it('/roomavatar, /myroomavatar and /globalavatar take the attached image', async () => {
    const image = { msgtype: 'm.image', body: 'cat.png', url: `mxc://${hs.serverName}/cat` };
    const withImage = (text: string) => s.call('send_message', { room_id: room, text, base_content: image });
    await withImage('/roomavatar');
    assert.equal((await state(room, 'm.room.avatar')).url, image.url);
    await withImage('/myroomavatar');
    assert.equal((await state(room, 'm.room.member', alice.userId)).avatar_url, image.url);
    await withImage('/globalavatar');
    assert.equal((await bob.request('GET', `/_matrix/client/v3/profile/${enc(alice.userId)}`)).avatar_url, image.url);
    await assert.rejects(slash('/roomavatar'), /Attach an image/);
  });
});
