// @ts-check

/**
 * A small event emitter: listeners per event type, each called in the order it subscribed; a
 * listener that throws is reported and does not stop the others. Single-threaded like everything
 * in the SDK: call it from the page's (or Node's) event loop.
 * @template {Record<string, any>} Events the event types and the value each carries
 */
export class Emitter {
  constructor() {
    /** @type {Map<keyof Events, Set<(event: any) => void>>} listeners by event type */
    this._listeners = new Map();
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes.
   * @template {keyof Events & string} K
   * @param {K} type
   * @param {(event: Events[K]) => void} fn
   * @returns {() => void}
   */
  on(type, fn) {
    let set = this._listeners.get(type);
    if (!set) {
      set = new Set();
      this._listeners.set(type, set);
    }
    set.add(fn);
    return () => {
      this._listeners.get(type)?.delete(fn);
    };
  }

  /**
   * Calls every listener of `type` with `event`.
   * @template {keyof Events & string} K
   * @param {K} type
   * @param {Events[K]} event
   */
  emit(type, event) {
    for (const fn of this._listeners.get(type) ?? []) {
      try {
        fn(event);
      } catch (e) {
        console.error('parley: a listener of', type, 'failed', e);
      }
    }
  }
}
