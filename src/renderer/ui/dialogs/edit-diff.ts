/**
 * What changed between two versions of a message, word by word, for the edit history: the words a version added
 * (shown as <ins>) and those it removed from the version before (shown as <del>, where they stood). Words are runs
 * of non-space characters, so a change of spacing alone is no change, and a link or an address is one word. The
 * comparison itself is jsdiff's (`diff`, Myers' algorithm over the word lists); this file only places its answer in
 * the text, or in the message's sanitized HTML without touching its markup.
 */
import { diffArrays } from 'diff';

/** For each word of the newer version: whether it is new, and the older words removed just before it. */
export interface WordMarks {
  marks: { added: boolean; removedBefore: string[] }[];
  /** Removed after the newer version's last word. */
  removedAtEnd: string[];
}

export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

export function wordMarks(before: readonly string[], after: readonly string[]): WordMarks {
  const marks: WordMarks['marks'] = [];
  let removed: string[] = [];
  for (const change of diffArrays(before as string[], after as string[])) {
    if (change.removed) {
      removed = removed.concat(change.value);
      continue;
    }
    for (let i = 0; i < change.value.length; i++) {
      marks.push({ added: change.added, removedBefore: i === 0 ? removed : [] });
    }
    if (change.value.length > 0) removed = [];
  }
  return { marks, removedAtEnd: removed };
}

export type Segment = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * A plain-text version as segments: its own text with its spacing, the new words marked, the removed words put
 * back where they were (each run followed by a space). Neighbouring segments of one kind are merged.
 */
export function textSegments(before: readonly string[], text: string): Segment[] {
  const { marks, removedAtEnd } = wordMarks(before, words(text));
  const out: Segment[] = [];
  const push = (kind: Segment['kind'], t: string) => {
    const last = out[out.length - 1];
    if (last?.kind === kind) last.text += t;
    else out.push({ kind, text: t });
  };
  let w = 0;
  for (const piece of text.split(/(\s+)/)) {
    if (piece === '') continue;
    if (/^\s/.test(piece)) {
      push('same', piece);
      continue;
    }
    const mark = marks[w++];
    if (mark.removedBefore.length) {
      push('removed', mark.removedBefore.join(' '));
      push('same', ' ');
    }
    push(mark.added ? 'added' : 'same', piece);
  }
  if (removedAtEnd.length) {
    if (out.length) push('same', ' ');
    push('removed', removedAtEnd.join(' '));
  }
  return out;
}

/** The words of sanitized HTML as it reads (text nodes in document order; markup and attributes are not words). */
export function htmlWords(html: string): string[] {
  return textNodes(parse(html)).flatMap((n) => words(n.data));
}

/**
 * The sanitized HTML of a version with its changes marked: new words wrapped in <ins class="edit-added">, removed
 * ones put back in <del class="edit-removed"> where they stood. Only text is added (as text nodes), and the HTML is
 * parsed in an inert <template>, so nothing in it loads or runs here.
 *
 * A removed word goes into the text of the word after it only when both neighbours are in that text; otherwise it
 * goes before the inline elements (bold, link, code…) that the next word starts, and a word removed at the end after
 * those the last word ends: else it would show in a formatting it never had (struck through in bold, or part of a
 * link). It stays inside a block (paragraph, list item) so it is not set apart on a line of its own.
 */
export function markHtml(before: readonly string[], html: string): string {
  const root = parse(html);
  const nodes = textNodes(root);
  const { marks, removedAtEnd } = wordMarks(before, nodes.flatMap((n) => words(n.data)));
  const doc = root.ownerDocument;
  const tag = (name: 'ins' | 'del', text: string) => {
    const el = doc.createElement(name);
    el.className = name === 'ins' ? 'edit-added' : 'edit-removed';
    el.textContent = text;
    return el;
  };
  let w = 0;
  let lastNode: Text | null = null;
  let lastPiece: Node | null = null;
  for (const node of nodes) {
    if (words(node.data).length === 0) continue;
    const frag = doc.createDocumentFragment();
    let first = true;
    for (const piece of node.data.split(/(\s+)/)) {
      if (piece === '') continue;
      if (/^\s/.test(piece)) {
        frag.append(piece);
        continue;
      }
      const mark = marks[w++];
      if (mark.removedBefore.length) {
        const del = tag('del', mark.removedBefore.join(' '));
        // Found before the node is replaced: the climb looks at its place in the tree.
        const outer = first ? outermostStartedBy(node, root) : node;
        if (outer === node) frag.append(del, ' ');
        else outer.parentNode?.insertBefore(del, outer).after(' ');
      }
      frag.append(mark.added ? tag('ins', piece) : piece);
      first = false;
    }
    lastNode = node;
    lastPiece = frag.lastChild;
    node.replaceWith(frag);
  }
  if (removedAtEnd.length) {
    const del = tag('del', removedAtEnd.join(' '));
    if (lastNode && lastPiece?.parentNode) {
      const outer = outermostEndedBy(lastPiece, root);
      outer.parentNode?.insertBefore(del, outer.nextSibling);
    } else {
      root.append(del);
    }
    del.before(' ');
  }
  const out = doc.createElement('div');
  out.append(root);
  return out.innerHTML;
}

/** Inline elements: a removed word beside one may stand outside it. Anything else (blocks, unknown) holds it in. */
const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'del', 'dfn', 'em', 'font', 'i', 'ins',
  'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'tt', 'u', 'var']);

/** `node`, or the outermost inline element around it that no words come before (in it) — the formatting it starts. */
function outermostStartedBy(node: Node, root: Node): Node {
  let at = node;
  for (let p = at.parentNode; p && p !== root && isInline(p) && !hasWords(at, 'previousSibling'); p = p.parentNode) at = p;
  return at;
}

/** `node`, or the outermost inline element around it that no words come after (in it) — the formatting it ends. */
function outermostEndedBy(node: Node, root: Node): Node {
  let at = node;
  for (let p = at.parentNode; p && p !== root && isInline(p) && !hasWords(at, 'nextSibling'); p = p.parentNode) at = p;
  return at;
}

function isInline(n: Node): boolean {
  return n.nodeType === Node.ELEMENT_NODE && INLINE.has((n as Element).localName);
}

/** Whether any sibling of `n` on that side has a word in it. */
function hasWords(n: Node, side: 'previousSibling' | 'nextSibling'): boolean {
  for (let s = n[side]; s; s = s[side]) if (/\S/.test(s.textContent ?? '')) return true;
  return false;
}

function parse(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

function textNodes(root: DocumentFragment): Text[] {
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const out: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) out.push(n as Text);
  return out;
}
