/**
 * The Java SDK: {@link dev.parley.client.ParleyClient} keeps the client half of the delivery
 * contract (cid and retry until acked, reconnect with backoff and full jitter, resume from the last
 * contiguous seq, duplicates dropped). The behaviour every SDK follows is written down in {@code
 * docs/CLIENTS.md}.
 */
package dev.parley.client;
