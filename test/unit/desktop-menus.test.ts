/**
 * The application menu per platform, the right-click menu for each kind of target, and the debug info text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate, contextMenuTemplate, debugInfo, type ContextParams } from '../../src/main/desktop/menus.ts';
import { DEFAULT_SETTINGS } from '../../src/main/desktop/settings.ts';

const noActions = { copyDebugInfo() {}, setSetting() {}, showWindow() {}, quit() {} };
const labels = (t: MenuItemConstructorOptions[]) => t.map((i) => i.label ?? i.role ?? i.type);

describe('application menu', () => {
  it('on Linux and Windows: File (settings, Quit), Edit, View, Window, Help', () => {
    const t = appMenuTemplate({ platform: 'linux', settings: DEFAULT_SETTINGS, trayAvailable: true, loginItemSupported: true, isDev: false }, noActions);
    assert.deepEqual(labels(t), ['&File', '&Edit', '&View', '&Window', '&Help']);
    const file = t[0].submenu as MenuItemConstructorOptions[];
    assert.deepEqual(labels(file), [
      'Show Notifications', 'Hide Message Text in Notifications', 'Keep Running in the Tray When Closed', 'Start at Login', 'separator', '&Quit',
    ]);
    assert.deepEqual(file.slice(0, 4).map((i) => i.checked), [true, false, true, false]);
    assert.equal(t[4].role, undefined);
    const view = JSON.stringify(t[2].submenu);
    assert.doesNotMatch(view, /toggleDevTools/, 'no devtools in a release');
  });

  it('on macOS: the app menu first, with the help role and the standard window roles', () => {
    const t = appMenuTemplate({ platform: 'darwin', settings: DEFAULT_SETTINGS, trayAvailable: true, loginItemSupported: false, isDev: true }, noActions);
    assert.deepEqual(labels(t), ['Lattice', 'Edit', 'View', 'Window', 'Help']);
    assert.equal(t[4].role, 'help');
    assert.match(JSON.stringify(t[0].submenu), /"role":"hideOthers"/);
    assert.doesNotMatch(JSON.stringify(t[0].submenu), /Start at Login/);
    assert.match(JSON.stringify(t[2].submenu), /toggleDevTools/, 'devtools in development');
  });

  it('leaves out settings that mean nothing here', () => {
    const t = appMenuTemplate({ platform: 'linux', settings: DEFAULT_SETTINGS, trayAvailable: false, loginItemSupported: false, isDev: false }, noActions);
    assert.deepEqual(labels(t[0].submenu as MenuItemConstructorOptions[]), ['Show Notifications', 'Hide Message Text in Notifications', 'separator', '&Quit']);
  });
});

describe('context menu', () => {
  const flags = { canUndo: true, canRedo: true, canCut: true, canCopy: true, canPaste: true, canSelectAll: true, canDelete: true, canEditRichly: false };
  const base: ContextParams = { misspelledWord: '', dictionarySuggestions: [], isEditable: false, selectionText: '', linkURL: '', editFlags: flags, mediaType: 'none' };
  const actions = { replaceMisspelling() {}, addToDictionary() {}, copyLink() {} };
  const cases: Array<[string, Partial<ContextParams>, Array<string | undefined>]> = [
    ['nothing to offer', {}, []],
    ['selected text', { selectionText: 'hi' }, ['copy']],
    ['a text field', { isEditable: true }, ['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']],
    ['a misspelt word', { isEditable: true, misspelledWord: 'teh', dictionarySuggestions: ['the', 'ten', 'tea', 'tee', 'Te', 'tech'] },
      ['the', 'ten', 'tea', 'tee', 'Te', 'Add “teh” to Dictionary', 'separator', 'undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']],
    ['a misspelt word without suggestions', { isEditable: true, misspelledWord: 'qzx' },
      ['No spelling suggestions', 'Add “qzx” to Dictionary', 'separator', 'undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']],
    ['a web link', { linkURL: 'https://matrix.org/' }, ['Copy Link Address']],
    ['a javascript: link is not offered', { linkURL: 'javascript:alert(1)' }, []],
  ];
  for (const [name, params, expected] of cases) {
    it(name, () => {
      assert.deepEqual(contextMenuTemplate({ ...base, ...params }, actions).map((i) => i.label ?? i.role ?? i.type), expected);
    });
  }
});

describe('debug info', () => {
  it('has versions and switches, and nothing personal', () => {
    const text = debugInfo({
      appVersion: '0.1.0', versions: { electron: '45.4.1', chrome: '140', node: '24', v8: '14' }, platform: 'linux', arch: 'x64',
      osRelease: '6.1', packaged: true, profile: 'work', trayHost: 'absent', settings: DEFAULT_SETTINGS, locale: 'de-DE',
    });
    assert.equal(text.split('\n')[0], 'Lattice 0.1.0');
    assert.match(text, /Electron 45\.4\.1, Chromium 140, Node 24, V8 14/);
    assert.match(text, /Profile: work/);
    assert.match(text, /Tray: absent/);
    assert.doesNotMatch(text, /@|!|\/home|token/i);
  });
});
