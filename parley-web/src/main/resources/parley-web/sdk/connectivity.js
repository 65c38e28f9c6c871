// @ts-check
// When the network is probably back: the browser's `online` event, and the page becoming visible
// again (a hidden tab's timers are throttled, so a reconnect waiting in one may be late).

/**
 * What the client listens to: a `window` (for `online`) and a `document` (for `visibilitychange`).
 * Tests pass an `EventTarget` for each.
 * @typedef {Pick<EventTarget, 'addEventListener'|'removeEventListener'>} EventSource
 * @typedef {EventSource & {visibilityState?: string}} VisibilitySource
 */

/**
 * Calls `callback('online')` on the window's `online` event and `callback('visible')` when the
 * document becomes visible; returns a function that stops. Either source may be absent (Node).
 * Call on the page's event loop.
 * @param {EventSource|undefined} win
 * @param {VisibilitySource|undefined} doc
 * @param {(why: 'online'|'visible') => void} callback
 * @returns {() => void}
 */
export function watchConnectivity(win, doc, callback) {
  const online = () => callback('online');
  const visibility = () => {
    if (!doc || doc.visibilityState === undefined || doc.visibilityState === 'visible') {
      callback('visible');
    }
  };
  win?.addEventListener('online', online);
  doc?.addEventListener('visibilitychange', visibility);
  return () => {
    win?.removeEventListener('online', online);
    doc?.removeEventListener('visibilitychange', visibility);
  };
}
