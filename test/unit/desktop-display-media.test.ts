/**
 * The desktop shell's screen sharing (src/main/desktop/display-media.ts), driven through the fake `electron`: the
 * getDisplayMedia handler lists the screens and windows, sends them to the page that asked, and shares what the
 * page chooses; refusals (another origin, sound alone, a page that is not the app, an id never offered, an answer
 * from another page) and the ends of a pick (cancelled, the window closed or reloaded while picking).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCREEN_CHOICE_CHANNEL, SCREEN_PICK_CHANNEL } from '../../src/main/desktop/channels.ts';
import type { ScreenPick } from '../../src/shared/screen-pick.ts';
import { fakeSource, ipcFrom, startedApp, tick, type FakeWebContents, type Frame } from '../harness/fake-electron.ts';

type Answer = { video?: { id: string; name: string } } | null;

async function shell() {
  const s = await startedApp();
  const { displayMedia } = s.fe.perms;
  assert.ok(displayMedia, 'without a handler Electron refuses every getDisplayMedia');
  /** getDisplayMedia from `frame` (the window's page by default); resolves with what the handler answers. */
  const ask = (opts: { origin?: string; video?: boolean; frame?: Frame | null } = {}) => {
    let answered = false;
    const answer = new Promise<Answer>((resolve) => {
      displayMedia({
        securityOrigin: opts.origin ?? 'lattice://app', videoRequested: opts.video ?? true, audioRequested: false,
        frame: opts.frame === undefined ? s.wc.mainFrame : opts.frame,
      }, (streams) => { answered = true; resolve(streams); });
    });
    return { answer, answered: () => answered };
  };
  /** The picks sent to `wc`, in order. */
  const picks = (wc: FakeWebContents = s.wc) => wc.sent.filter(([c]) => c === SCREEN_PICK_CHANNEL).map(([, p]) => p as ScreenPick);
  const choose = (raw: unknown, wc: FakeWebContents = s.wc) => s.fe.ipcMain.emit(SCREEN_CHOICE_CHANNEL, ipcFrom(wc), raw);
  return { ...s, ask, picks, choose };
}

describe('desktop shell: sharing a screen (getDisplayMedia)', () => {
  it('sends the page the screens and windows, primary screen first, and shares the window it chooses', async () => {
    const { fe, ask, picks, choose } = await shell();
    // macOS 15+ shows its own picker of screens and windows instead.
    assert.deepEqual(fe.perms.displayMediaOpts, { useSystemPicker: true });
    const req = ask();
    await tick();
    assert.deepEqual(fe.captureQuestions, [{ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 }, fetchWindowIcons: true }]);
    const [pick] = picks();
    assert.ok(pick, 'the page is asked');
    assert.deepEqual(pick.sources.map((s) => [s.id, s.kind, s.name]), [
      ['screen:2:0', 'screen', 'Screen 2'], ['screen:1:0', 'screen', 'Screen 1'],
      ['window:11:0', 'window', 'Notes — draft.txt'], ['window:12:0', 'window', 'Terminal'],
    ]);
    assert.equal(pick.sources[0].thumbnail, fe.captureSources[1].thumbnail.toDataURL());
    assert.match(pick.sources[2].thumbnail, /^data:image\/png;base64,/);
    assert.equal(pick.sources[2].icon, fe.captureSources[2].appIcon.toDataURL());
    assert.equal(pick.sources[3].thumbnail, '', 'a minimized window has no picture');
    assert.equal('icon' in pick.sources[3], false);
    assert.equal(req.answered(), false, 'nothing is shared before the page answers');
    choose({ pick_id: pick.pick_id, source_id: 'window:11:0' });
    assert.deepEqual(await req.answer, { video: fe.captureSources[2] });
  });

  it('refuses other origins, sound alone, and frames that are not the app page, without listing anything', async () => {
    const { fe, wc, ask, picks } = await shell();
    assert.equal(await ask({ origin: 'https://evil.example' }).answer, null);
    assert.equal(await ask({ video: false }).answer, null, 'sound alone is never shared');
    assert.equal(await ask({ frame: { url: 'lattice://app/index.html', parent: wc.mainFrame } }).answer, null, 'an iframe');
    assert.equal(await ask({ frame: { url: 'https://evil.example/', parent: null } }).answer, null, 'a page elsewhere');
    assert.equal(await ask({ frame: null }).answer, null, 'a frame already gone');
    assert.equal(fe.captureQuestions.length, 0);
    assert.equal(picks().length, 0);
  });

  it('cancelling shares nothing, so getDisplayMedia rejects; the next request asks again', async () => {
    const { fe, ask, picks, choose } = await shell();
    const first = ask();
    await tick();
    choose({ pick_id: picks()[0].pick_id, source_id: null });
    assert.equal(await first.answer, null);
    const second = ask();
    await tick();
    assert.equal(picks().length, 2);
    assert.notEqual(picks()[1].pick_id, picks()[0].pick_id);
    choose({ pick_id: picks()[1].pick_id, source_id: 'screen:1:0' });
    assert.deepEqual(await second.answer, { video: fe.captureSources[0] });
  });

  it('refuses an id it did not offer, and ignores answers to another pick, from another page or malformed', async () => {
    const { fe, logs, ask, picks, choose } = await shell();
    const req = ask();
    await tick();
    const { pick_id } = picks()[0];
    const other = new fe.electron.BrowserWindow({}) as unknown as { webContents: FakeWebContents };
    choose({ pick_id, source_id: 'screen:2:0' }, other.webContents);
    choose({ pick_id: pick_id + 1, source_id: 'screen:2:0' });
    for (const bad of [null, 'screen:2:0', { pick_id }, { pick_id: String(pick_id), source_id: null }, { pick_id, source_id: 5 }]) choose(bad);
    assert.equal(req.answered(), false, 'still waiting for its own page');
    assert.ok(logs.some((l) => /answers no open picker/.test(l)));
    choose({ pick_id, source_id: 'window:99:0' });
    assert.equal(await req.answer, null, 'nothing the page names on its own is shared');
    assert.ok(logs.some((l) => /did not offer/.test(l)));
  });

  it('ignores a choice from a frame that is not the app', async () => {
    const { fe, wc, ask, picks } = await shell();
    const req = ask();
    await tick();
    fe.ipcMain.emit(SCREEN_CHOICE_CHANNEL, ipcFrom(wc, { url: 'https://evil.example/', parent: null }), { pick_id: picks()[0].pick_id, source_id: 'screen:2:0' });
    assert.equal(req.answered(), false);
  });

  it('shares nothing when the window closes, or its page loads again, while the picker is open', async () => {
    const { win, wc, ask } = await shell();
    const reload = ask();
    await tick();
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    assert.equal(await reload.answer, null);
    const closed = ask();
    await tick();
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    assert.equal(closed.answered(), false, 'a jump within the page is not a new page');
    win.destroyNow();
    assert.equal(await closed.answer, null);
    assert.equal(wc.count('destroyed'), 1, 'the picker let go of the window (only the shell\'s own listener is left)');
  });

  it('answers one request at a time: a second one while the picker is open is refused', async () => {
    const { fe, ask, picks, choose } = await shell();
    const first = ask();
    await tick();
    assert.equal(await ask().answer, null);
    assert.equal(picks().length, 1);
    choose({ pick_id: picks()[0].pick_id, source_id: 'screen:2:0' });
    assert.deepEqual(await first.answer, { video: fe.captureSources[1] });
  });

  it('shares the only source straight away (the Wayland portal\'s answer), and nothing when none is listed', async () => {
    const { fe, ask, picks } = await shell();
    fe.captureSources.splice(0, Infinity, fakeSource('window:7:0', 'Chosen in the portal', ''));
    assert.deepEqual(await ask().answer, { video: fe.captureSources[0] });
    fe.captureSources.splice(0, Infinity);
    assert.equal(await ask().answer, null, 'the portal cancelled');
    assert.equal(picks().length, 0);
  });
});
