import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionContext } from './api/hooks.ts';
import { IdlePresence } from './api/idle-presence.ts';
import { createTransport, Session } from './api/session.ts';
import { RequestIds } from './api/transport.ts';
import { App } from './ui/App.tsx';
import { AppFailed, RenderGuard } from './ui/common/RenderGuard.tsx';
import { startPrefs } from './ui/prefs.ts';
import './ui/theme.css';

startPrefs();
const ids = new RequestIds();
const session = new Session(createTransport(ids), ids);
session.start();

// Presence from the window's idle state: any input counts as activity (the listeners are passive and cheap).
const idle = new IdlePresence((presence) => session.setPresence(presence));
for (const type of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focus'] as const) {
  window.addEventListener(type, () => idle.activity(), { passive: true });
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <RenderGuard name="the window" fallback={(error) => <AppFailed error={error} />}>
      <SessionContext.Provider value={session}>
        <App />
      </SessionContext.Provider>
    </RenderGuard>
  </StrictMode>,
);
