package dev.parley.server;

import dev.parley.bots.OpenAiSpeaker;
import dev.parley.bots.OpenAiTranscriber;
import dev.parley.bots.Speakers;
import dev.parley.bots.Transcribers;
import dev.parley.chat.ChatLayer;
import dev.parley.chat.SpokenAnswers;
import dev.parley.core.Authenticator;
import dev.parley.core.MessageStore;
import dev.parley.core.NodeClock;
import dev.parley.edge.files.FileUploads;
import dev.parley.edge.files.SpeechApi;
import dev.parley.protocol.http.HttpApi;

/**
 * A node's parts that speak to the sites' voice services ({@code
 * docs/OPERATIONS.md#voice-messages}): the uploads, which transcribe voice notes ({@link
 * Transcribers}), and the spoken answers ({@link Speakers}, {@link SpokenAnswers} and its cache,
 * {@link SpeechApi}). Closing closes the clients of both. Thread-safe.
 */
final class VoiceParts implements AutoCloseable {
  private final FileUploads uploads;
  private final Speakers speakers = new Speakers(OpenAiSpeaker.TIMEOUT);
  private final NodeClock clock;

  VoiceParts(ChatLayer chat, NodeClock clock) {
    this.clock = clock;
    this.uploads =
        new FileUploads(chat.files(), clock, new Transcribers(OpenAiTranscriber.TIMEOUT));
  }

  /** The uploads (their close closes the transcribers). */
  FileUploads uploads() {
    return uploads;
  }

  /** The spoken answers' endpoint in front of {@code next}. */
  SpeechApi speech(HttpApi next, Authenticator auth, ChatLayer chat, MessageStore store) {
    return new SpeechApi(
        next,
        auth,
        chat.files(),
        new SpokenAnswers(store, chat.directory(), speakers, SpokenAnswers.CACHE_BYTES),
        clock);
  }

  @Override
  public void close() {
    uploads.close();
    speakers.close();
  }
}
