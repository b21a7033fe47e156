/**
 * `get_server_support` (a Lattice extension): another server's support contacts from its
 * `/.well-known/matrix/support`, asked by a backend signed in to Synapse of a small fake server on loopback (which,
 * being loopback, is asked over plain http; every other server only over https). What the file says is kept only
 * where it is well formed (Matrix IDs, e-mail addresses, an https support page), a server without the file has none
 * (null), redirects are followed only to https (or, from a loopback server, to loopback), and failures are said in
 * words.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCommandSession, type CommandSession } from '../harness/command-session.ts';
import { startSynapse, type SynapseServer } from '../harness/synapse.ts';

/**
 * get_server_support's bound on this test's backend: the app waits 10 s for a silent server, which the last test would
 * wait out whole; 2 s still leaves a loopback answer ample time on a busy machine.
 */
const ANSWER_WITHIN_MS = 2000;

type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const json = (status: number, body: unknown): Answer => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('get_server_support against a fake server on loopback', () => {
  let hs: SynapseServer;
  let s: CommandSession;
  let fake: http.Server;
  let serverName: string;
  let answer: Answer = json(404, { errcode: 'M_NOT_FOUND' });
  const asked: string[] = [];

  before(async () => {
    fake = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      answer(req, res);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    serverName = `localhost:${(fake.address() as AddressInfo).port}`;
    hs = await startSynapse();
    await hs.registerUser('alice', 'alice-password');
    s = await startCommandSession(hs, 'alice', 'alice-password', { serverSupportWithinMs: ANSWER_WITHIN_MS });
  });
  after(async () => {
    await s?.stop();
    await hs?.stop();
    fake?.closeAllConnections();
    await new Promise((resolve) => fake?.close(resolve));
  });

  it('answers the contacts and support page a server publishes, keeping only what is well formed', async () => {
    answer = json(200, {
      contacts: [
        { role: 'm.role.admin', matrix_id: `@admin:${serverName}`, email_address: 'admin@example.org' },
        { role: 'm.role.security', email_address: 'security@example.org' },
        { role: 'org.example.abuse', matrix_id: '@abuse:example.org' },
        // Neither way to reach them is well formed: left out.
        { role: 'm.role.admin', matrix_id: 'admin at example', email_address: '<script>@x' },
        // A bidi override in an address would make it read as another.
        { role: 'm.role.admin', email_address: 'evil\u202Egro.elpmaxe@example.org' },
        // No role, or one that is not a plain name.
        { matrix_id: '@norole:example.org' },
        { role: 'm.role.admin <b>', matrix_id: '@markup:example.org' },
        'not a contact',
      ],
      support_page: 'https://example.org/support?x=1',
      extra: 'ignored',
    });
    asked.length = 0;
    assert.deepEqual(await s.call('get_server_support', { server_name: serverName }), {
      contacts: [
        { role: 'm.role.admin', matrix_id: `@admin:${serverName}`, email_address: 'admin@example.org' },
        { role: 'm.role.security', email_address: 'security@example.org' },
        { role: 'org.example.abuse', matrix_id: '@abuse:example.org' },
      ],
      support_page: 'https://example.org/support?x=1',
    });
    assert.deepEqual(asked, ['/.well-known/matrix/support']);
  });

  it('answers null when the server publishes no support file, or nothing usable in one', async () => {
    answer = json(404, { errcode: 'M_NOT_FOUND', error: 'Not found' });
    assert.equal(await s.call('get_server_support', { server_name: serverName }), null);
    // A support page that is not https (plain http, a script) is no page; a contact without a way to reach it none.
    answer = json(200, { contacts: [{ role: 'm.role.admin' }], support_page: 'http://example.org/support' });
    assert.equal(await s.call('get_server_support', { server_name: serverName }), null);
    answer = json(200, { support_page: 'javascript:alert(1)' });
    assert.equal(await s.call('get_server_support', { server_name: serverName }), null);
  });

  it('follows a redirect on loopback, but none to plain http elsewhere', async () => {
    answer = (req, res) => {
      if (req.url === '/.well-known/matrix/support') {
        res.writeHead(302, { Location: '/moved/support.json' });
        res.end();
      } else {
        json(200, { support_page: 'https://example.org/help' })(req, res);
      }
    };
    assert.deepEqual(await s.call('get_server_support', { server_name: serverName }), { contacts: [], support_page: 'https://example.org/help' });
    answer = (_req, res) => {
      res.writeHead(301, { Location: 'http://example.org/.well-known/matrix/support' });
      res.end();
    };
    await assert.rejects(s.client.request('get_server_support', { server_name: serverName }),
      new RegExp(`Could not read the support contacts of ${serverName}: it redirected to http://example.org, which is not https$`));
  });

  it('says in words why the contacts could not be read, and checks its input', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>hello</html>');
    };
    await assert.rejects(s.client.request('get_server_support', { server_name: serverName }),
      /Could not read the support contacts of localhost:\d+: its support file is not JSON/);
    answer = json(500, {});
    await assert.rejects(s.client.request('get_server_support', { server_name: serverName }),
      /Could not read the support contacts of localhost:\d+: it answered 500 Internal Server Error/);
    await assert.rejects(s.client.request('get_server_support', { server_name: 'localhost:1' }),
      /Could not read the support contacts of localhost:1: connection refused/);
    await assert.rejects(s.client.request('get_server_support', { server_name: 'not a server/' }), /server_name/);
  });

  it('gives up on a server that does not answer, in bounded time', async () => {
    answer = () => { /* never answers */ };
    await assert.rejects(s.client.request('get_server_support', { server_name: serverName }),
      /Could not read the support contacts of localhost:\d+: it did not answer within 2 s$/);
  });
});
