/**
 * The listener set behind the renderer's small external stores (open panels and dialogs, preferences): every
 * listener is told of a change, an unsubscribed one no longer is, and one that unsubscribes another while being told
 * does not skip it for the change under way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listeners, uiValue } from '../../src/renderer/api/listeners.ts';

describe('renderer listeners', () => {
  it('tells each subscribed listener, and not one that unsubscribed', () => {
    const changed = listeners();
    const told: string[] = [];
    const offA = changed.subscribe(() => told.push('a'));
    changed.subscribe(() => told.push('b'));
    changed.notify();
    offA();
    changed.notify();
    assert.deepEqual(told, ['a', 'b', 'b']);
  });

  it('finishes telling the listeners of a change when one unsubscribes another meanwhile', () => {
    const changed = listeners();
    const told: string[] = [];
    let offB = (): void => {};
    changed.subscribe(() => { told.push('a'); offB(); });
    offB = changed.subscribe(() => told.push('b'));
    changed.notify();
    changed.notify();
    assert.deepEqual(told, ['a', 'b', 'a']);
  });

  it('keeps one UI value and tells its listeners when it changes, not when set to what it already is', () => {
    const open = uiValue<string | null>(null);
    let told = 0;
    open.subscribe(() => told++);
    open.set('$a');
    open.set('$a');
    assert.equal(open.get(), '$a');
    open.set(null);
    assert.equal(open.get(), null);
    assert.equal(told, 2);
  });
});
