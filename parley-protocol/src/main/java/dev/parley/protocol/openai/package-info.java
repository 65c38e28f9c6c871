/**
 * The OpenAI-compatible chat-completions wire format (request bodies and streamed chunks), spoken
 * by the LLM bot to any compatible endpoint. JSON lives here because this module is the only one
 * that knows JSON.
 */
package dev.parley.protocol.openai;
