/**
 * Processes that tests start, own and end by themselves (never a process they did not start):
 * {@link dev.parley.testsupport.RedisServerProcess}, {@link dev.parley.testsupport.NginxProcess},
 * {@link dev.parley.testsupport.NodeProcess}; plus {@link dev.parley.testsupport.Ports}.
 */
package dev.parley.testsupport;
