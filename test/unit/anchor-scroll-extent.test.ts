/**
 * use-anchor-scroll.ts's extentOf: whether a scroll of the timeline under an open popover follows its end (keep the
 * popover) or is the user moving it (close it once its row is out of view). A relayout (the window made smaller, rows
 * wrapping anew) moves a timeline at its end before use-timeline-place.ts takes it back there; that must not count as
 * the user's scroll (popover-scroll-ui's menu closed at a resize once, on CI).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extentOf } from '../../src/renderer/ui/common/use-anchor-scroll.ts';

const el = (scrollTop: number, scrollHeight: number, clientHeight: number) => ({ scrollTop, scrollHeight, clientHeight });

describe('a scroller\'s extent under a popover', () => {
  it('is at its end within the slack, and not past it', () => {
    assert.equal(extentOf(el(1000, 1800, 800)).end, true);
    assert.equal(extentOf(el(960, 1800, 800)).end, true);
    assert.equal(extentOf(el(900, 1800, 800)).end, false);
  });

  it('stays at its end when the scroller shrank or its content grew, until it is laid out again', () => {
    const was = extentOf(el(1000, 1800, 800));
    // The window 200 px lower: the browser keeps scrollTop, 200 px from the end.
    const shrunk = extentOf(el(1000, 1800, 600), was);
    assert.equal(shrunk.end, true);
    // Rows wrapping at a narrower width: the content taller, the view not yet taken to its end.
    const rewrapped = extentOf(el(1010, 2300, 600), shrunk);
    assert.equal(rewrapped.end, true);
    // Taken back to the end.
    assert.equal(extentOf(el(1700, 2300, 600), rewrapped).end, true);
  });

  it('is the user moving it when the sizes stayed and the view left the end (PgUp)', () => {
    const was = extentOf(el(1000, 1800, 800));
    assert.equal(extentOf(el(300, 1800, 800), was).end, false);
  });

  it('does not carry an end it was not at: a relayout of a timeline read partway up is not at its end', () => {
    const was = extentOf(el(300, 1800, 800));
    assert.equal(extentOf(el(300, 1900, 600), was).end, false);
  });
});
