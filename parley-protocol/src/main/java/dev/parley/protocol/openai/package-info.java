/**
 * The OpenAI-compatible wire formats spoken to any compatible endpoint: chat completions (request
 * bodies and streamed chunks, the LLM bot) and embeddings (request and response, hybrid knowledge
 * retrieval). JSON lives here because this module is the only one that knows JSON.
 */
package dev.parley.protocol.openai;
