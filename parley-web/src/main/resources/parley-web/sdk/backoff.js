// @ts-check

/**
 * Full-jitter exponential backoff: a delay drawn uniformly from [0, min(max, initial·2^attempt)]
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"). Pure.
 * @param {number} attempt 0 for the first retry
 * @param {number} initialMs
 * @param {number} maxMs
 * @param {() => number} [random] uniform in [0, 1)
 * @returns {number}
 */
export function backoffDelay(attempt, initialMs, maxMs, random = Math.random) {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
