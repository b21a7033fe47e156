/**
 * Renderer benchmark (`npm run bench:ui`, also run by `npm run bench`): the real UI in headless Chromium at
 * 1280×800 over the preview host, on a big account (2,001 rooms, one with 10,000 messages; big-account.ts). Prints:
 * page load to a painted room list, the longest main-thread task while loading, a sync touching 50 rooms (longest
 * frame, how many list rows were re-rendered or moved in the DOM), switching to the big room, scrolling it back to
 * its first message (frames over 50 ms, worst frame), DOM size and JS heap. Figures only: nothing here asserts a time.
 * Needs a built renderer (`npm run build` first).
 */
import type { Page } from 'playwright-core';
import { BIG_ROOM_ID } from '../harness/preview/big-account.ts';
import { startPreview } from '../harness/preview/preview-server.ts';
import type { SyncRoom } from '../../src/shared/rpc/types.ts';

const ROOMS = Number(process.env.BENCH_UI_ROOMS ?? 2000);
const EVENTS = Number(process.env.BENCH_UI_EVENTS ?? 10_000);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Installed before the page's scripts: long tasks, and a frame recorder the benchmark starts and stops. */
const PROBE = `
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      // Added before the app's handler, so this is when the first sync_complete arrives, before it is handled.
      this.addEventListener('message', (e) => {
        if (window.__syncAt === undefined && typeof e.data === 'string' && e.data.includes('"clear_state":true')) window.__syncAt = performance.now();
      });
    }
  };
  // The frame that paints the room list: the first animation frame after a DOM change that put the rows in (timed
  // in the page, so the polling of the benchmark's own wait does not add a frame or two to the figure).
  const listObserver = new MutationObserver(() => {
    if (window.__listAt !== undefined || document.querySelectorAll('[data-testid="room-item"]').length <= 5) return;
    listObserver.disconnect();
    requestAnimationFrame(() => { window.__listAt = performance.now(); });
  });
  document.addEventListener('DOMContentLoaded', () => listObserver.observe(document.body, { childList: true, subtree: true }));
  window.__frames = null;
  window.__startFrames = () => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { if (!window.__frames) return; window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  };
  window.__stopFrames = () => { const f = window.__frames || []; window.__frames = null; return f; };
`;

interface Frames { count: number; over50: number; worst: number }
const frameStats = (f: number[]): Frames => ({ count: f.length, over50: f.filter((d) => d > 50).length, worst: Math.max(0, ...f) });

async function heapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1048576;
}

const domSize = (page: Page): Promise<number> => page.evaluate(() => document.getElementsByTagName('*').length);

async function main(): Promise<void> {
  const { chromium } = await import('playwright-core');
  const preview = await startPreview(0, { loggedIn: true, authFail: false, paginateDelayMs: 0, bigAccount: { rooms: ROOMS, events: EVENTS } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    console.log(`account: ${fmt(ROOMS + 9)} rooms (+ a space), one with ${fmt(EVENTS)} messages; Chromium 1280×800`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(PROBE);

    // 1. Load: navigation start → the room list painted with the synced rooms.
    await page.goto(preview.url);
    await page.waitForFunction(() => (window as unknown as { __listAt?: number }).__listAt !== undefined);
    const listAt = await page.evaluate(() => (window as unknown as { __listAt: number }).__listAt);
    const loadTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
    const syncAt = await page.evaluate(() => (window as unknown as { __syncAt?: number }).__syncAt ?? Number.NaN);
    const rows = await page.locator('[data-testid="room-item"]').count();
    console.log(`room list: painted ${fmt(listAt)} ms after navigation start, ${fmt(listAt - syncAt)} ms after the first sync_complete arrived (parse, store, render, paint); longest task while loading ${fmt(Math.max(0, ...loadTasks))} ms; ${rows} row elements in the DOM; ${fmt(await domSize(page))} elements in all`);

    // 2. A sync touching 50 rooms (new messages, so they move to the top).
    await page.evaluate(() => {
      const list = document.querySelector('[data-testid="room-list"]')!;
      const w = window as unknown as { __mut: { added: number; removed: number } };
      w.__mut = { added: 0, removed: 0 };
      new MutationObserver((ms) => { for (const m of ms) { w.__mut.added += m.addedNodes.length; w.__mut.removed += m.removedNodes.length; } })
        .observe(list, { childList: true });
      (window as unknown as { __startFrames: () => void }).__startFrames();
    });
    const rooms: Record<string, SyncRoom> = {};
    const now = Date.now();
    let n = 0;
    for (const [id, r] of preview.backend.rooms) {
      if (!id.startsWith('!bulk') || n >= 50) continue;
      const ev = { ...r.timeline[0], rowid: 10_000_000 + n, event_id: `$sync${n}`, timeline_rowid: r.nextTimelineRowid++, timestamp: now + n,
        content: { msgtype: 'm.text', body: `new message ${n}` } };
      r.meta = { ...r.meta, preview_event_rowid: ev.rowid, sorting_timestamp: ev.timestamp, unread_messages: r.meta.unread_messages + 1 };
      rooms[id] = { meta: r.meta, events: [ev], timeline: [{ timeline_rowid: ev.timeline_rowid, event_rowid: ev.rowid }] };
      n++;
    }
    const t0 = Date.now();
    preview.backend.broadcast('sync_complete', { rooms });
    await page.waitForFunction(() => document.querySelector('[data-testid="room-item"]')?.textContent?.includes('new message 49'));
    const syncMs = Date.now() - t0;
    await page.waitForTimeout(300);
    const syncFrames = frameStats(await page.evaluate(() => (window as unknown as { __stopFrames: () => number[] }).__stopFrames()));
    const mut = await page.evaluate(() => (window as unknown as { __mut: { added: number; removed: number } }).__mut);
    console.log(`sync touching 50 rooms: visible in ${syncMs} ms (incl. websocket); worst frame ${fmt(syncFrames.worst)} ms; row elements added/removed in the list: ${mut.added}/${mut.removed} (of ${fmt(ROOMS)} rooms)`);

    // 3. Switch to the big room: click → its messages painted.
    const switchMs = await page.evaluate(async (roomId) => {
      const start = performance.now();
      location.hash = `#/room/${encodeURIComponent(roomId)}`;
      while (!document.querySelector('[data-testid="message"]')) await new Promise((r) => { requestAnimationFrame(r); });
      await new Promise((r) => { requestAnimationFrame(r); });
      return performance.now() - start;
    }, BIG_ROOM_ID);
    console.log(`room switch to the big room: messages painted in ${fmt(switchMs, 1)} ms`);

    // 4. Scroll back to the first of 10,000 messages, a page of 50 at a time, recording every frame.
    await page.waitForTimeout(500);
    await page.evaluate(() => { (window as unknown as { __startFrames: () => void }).__startFrames(); });
    const scrollStart = Date.now();
    let pages = 0;
    for (;;) {
      const state = await page.getByTestId('timeline').evaluate((el) => {
        el.scrollTop = 0;
        return { start: !!document.querySelector('.timeline-start') };
      });
      if (state.start) break;
      await page.evaluate(() => new Promise((r) => { setTimeout(r, 16); }));
      pages++;
      if (pages > EVENTS) throw new Error('history never ended');
    }
    const scrollMs = Date.now() - scrollStart;
    const scrollFrames = frameStats(await page.evaluate(() => (window as unknown as { __stopFrames: () => number[] }).__stopFrames()));
    const loaded = await page.evaluate(() => document.querySelectorAll('[data-testid="message"]').length);
    console.log(`scroll back through ${fmt(EVENTS)} messages: ${fmt(scrollMs / 1000, 1)} s; ${fmt(scrollFrames.count)} frames, ${scrollFrames.over50} over 50 ms, worst ${fmt(scrollFrames.worst)} ms; ${loaded} message rows in the DOM; ${fmt(await domSize(page))} elements in all`);

    // 5. Scroll through the loaded timeline from top to bottom like a reader would (wheel-sized steps).
    await page.evaluate(() => { (window as unknown as { __startFrames: () => void }).__startFrames(); });
    await page.getByTestId('timeline').evaluate(async (el) => {
      for (let i = 0; i < 400; i++) {
        el.scrollTop += 600;
        await new Promise((r) => { requestAnimationFrame(r); });
      }
    });
    const readFrames = frameStats(await page.evaluate(() => (window as unknown as { __stopFrames: () => number[] }).__stopFrames()));
    console.log(`reading down 400 steps of 600 px: ${readFrames.over50} of ${readFrames.count} frames over 50 ms, worst ${fmt(readFrames.worst)} ms`);
    console.log(`JS heap after all of it: ${fmt(await heapMiB(page), 1)} MiB`);
  } finally {
    await browser.close();
    await preview.close();
  }
}

await main();
