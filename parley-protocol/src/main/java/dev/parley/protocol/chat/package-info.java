/**
 * The chat product's wire types: its commands ({@code stop}, {@code handoff}, {@code accept}, …),
 * its events ({@code conversation}, {@code answer}) and the {@code site} field of {@code hello}.
 * The core's protocol in {@code dev.parley.protocol} knows none of them; {@link
 * dev.parley.protocol.chat.ChatProtocol#register} adds them to a codec.
 */
package dev.parley.protocol.chat;
