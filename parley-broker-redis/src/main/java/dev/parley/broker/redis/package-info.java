/**
 * The {@link dev.parley.core.Broker} port over Redis pub/sub ({@link
 * dev.parley.broker.redis.RedisBroker}), so nodes of a cluster fan out each other's events.
 */
package dev.parley.broker.redis;
