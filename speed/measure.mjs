// Timing shared by speed/node.mjs (Node) and speed/browser.mjs (Chromium).
// The two implementations of an operation are timed in alternating batches,
// so that a shared machine that slows down or speeds up during the run moves
// both of them; each figure is the median of its batches. performance.now()
// is the clock in both places (Chromium coarsens it to 0.1 ms, which batches
// of tens of milliseconds make irrelevant).

/**
 * Median nanoseconds per call of `a` and of `b`, each `{ fn, async }`
 * (`async`: `fn` returns a promise, awaited before the next call).
 */
export async function measurePair(a, b, options) {
  return (await alternate(a, b, options)).map(median);
}

/**
 * Nanoseconds per call of `a` and of `b` in each of `rounds` alternating
 * batches, each list sorted, fastest first.
 */
export async function alternate(a, b, { batchMs = 100, rounds = 7 } = {}) {
  const sizes = [await calibrate(a, batchMs), await calibrate(b, batchMs)];
  const times = [[], []];
  for (let round = 0; round < rounds; round++) {
    times[0].push(await batch(a, sizes[0]));
    times[1].push(await batch(b, sizes[1]));
  }
  return times.map((values) => values.sort((x, y) => x - y));
}

/** Calls per batch: doubled until a batch takes `batchMs`. */
async function calibrate(impl, batchMs) {
  let n = 1;
  while ((await batch(impl, n)) * n < batchMs * 1e6) n *= 2;
  return n;
}

/** Nanoseconds per call over `n` calls. */
async function batch({ fn, async }, n) {
  const start = performance.now();
  if (async) {
    for (let i = 0; i < n; i++) await fn();
  } else {
    for (let i = 0; i < n; i++) fn();
  }
  return ((performance.now() - start) * 1e6) / n;
}

/** The median of sorted values (as `alternate` returns them). */
export function median(sorted) {
  return sorted[sorted.length >> 1];
}
