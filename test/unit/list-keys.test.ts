/** The arrow-key moves of the renderer's one-Tab-stop lists and grids (emoji grid and groups, member list). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexAfterKey } from '../../src/renderer/ui/common/list-keys.ts';

describe('list and grid arrow keys', () => {
  it('moves through a list with ↑/↓, stopping at the ends, and jumps with Home and End', () => {
    assert.equal(indexAfterKey('ArrowDown', 0, 3), 1);
    assert.equal(indexAfterKey('ArrowDown', 2, 3), 2);
    assert.equal(indexAfterKey('ArrowUp', 0, 3), 0);
    assert.equal(indexAfterKey('End', 0, 3), 2);
    assert.equal(indexAfterKey('Home', 2, 3), 0);
    assert.equal(indexAfterKey('ArrowRight', 0, 3), null, '←/→ are not a list\'s');
    assert.equal(indexAfterKey('Enter', 0, 3), null);
    assert.equal(indexAfterKey('ArrowDown', 0, 0), null, 'nothing to move to');
  });

  it('moves through a grid by cell with ←/→ and by row with ↑/↓, clamped to the last cell', () => {
    assert.equal(indexAfterKey('ArrowRight', 3, 20, 8), 4);
    assert.equal(indexAfterKey('ArrowDown', 3, 20, 8), 11);
    assert.equal(indexAfterKey('ArrowDown', 15, 20, 8), 19, 'a short last row: the last cell');
    assert.equal(indexAfterKey('ArrowUp', 3, 20, 8), 0);
    assert.equal(indexAfterKey('ArrowUp', 11, 20, 8), 3);
  });

  it('goes round the ends when wrapping, as tabs do', () => {
    assert.equal(indexAfterKey('ArrowRight', 8, 9, 9, true), 0);
    assert.equal(indexAfterKey('ArrowLeft', 0, 9, 9, true), 8);
  });
});
