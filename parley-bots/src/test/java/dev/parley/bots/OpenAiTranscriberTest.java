package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.Transcriber;
import dev.parley.chat.VoiceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link OpenAiTranscriber} against the multipart-parsing {@link FakeTranscriptionServer}. */
@Timeout(30)
class OpenAiTranscriberTest {
  static final byte[] AUDIO =
      "OggS-not-really-but-bytes\r\n--x\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);

  final FakeTranscriptionServer whisper = newServer();
  OpenAiTranscriber transcriber;

  static FakeTranscriptionServer newServer() {
    try {
      return new FakeTranscriptionServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  OpenAiTranscriber transcriber(String language, Duration timeout) {
    transcriber =
        new OpenAiTranscriber(
            new VoiceSettings.Transcription(whisper.baseUrl(), "whisper-1", "sk-voice", language),
            timeout);
    return transcriber;
  }

  @AfterEach
  void close() {
    if (transcriber != null) {
      transcriber.close();
    }
    whisper.close();
  }

  @Test
  void theAudioGoesAsMultipartWithTheModelLanguageAndKeyAndTheTextComesBack() throws Exception {
    whisper.text("Où est ma commande ?");

    String text =
        transcriber("fr", Duration.ofSeconds(5))
            .transcribe("note \"1\".ogg", "audio/ogg", AUDIO)
            .get(10, TimeUnit.SECONDS);

    assertThat(text).isEqualTo("Où est ma commande ?");
    FakeTranscriptionServer.Received r = whisper.received.get(0);
    assertThat(r.authorization()).isEqualTo("Bearer sk-voice");
    assertThat(r.parts()).containsOnlyKeys("model", "language", "response_format", "file");
    assertThat(r.parts().get("model").text()).isEqualTo("whisper-1");
    assertThat(r.parts().get("language").text()).isEqualTo("fr");
    assertThat(r.parts().get("response_format").text()).isEqualTo("json");
    FakeTranscriptionServer.Part file = r.parts().get("file");
    assertThat(file.bytes()).as("the bytes exactly, CRLF and all").isEqualTo(AUDIO);
    assertThat(file.type()).isEqualTo("audio/ogg");
    assertThat(file.filename()).isEqualTo("note__1_.ogg");
  }

  @Test
  void noLanguageIsSentWhenTheSiteSetsNone() throws Exception {
    transcriber(null, Duration.ofSeconds(5))
        .transcribe("a.wav", "audio/wav", AUDIO)
        .get(10, TimeUnit.SECONDS);

    assertThat(whisper.received.get(0).parts()).doesNotContainKey("language");
    assertThat(whisper.received.get(0).parts().get("file").filename()).isEqualTo("a.wav");
  }

  @Test
  void failuresHaveCodes() {
    whisper.mode(FakeTranscriptionServer.Mode.HTTP_500);
    assertThat(code(transcriber(null, Duration.ofSeconds(5)))).isEqualTo("unavailable");
    transcriber.close();

    whisper.mode(FakeTranscriptionServer.Mode.NOT_JSON);
    assertThat(code(transcriber(null, Duration.ofSeconds(5)))).isEqualTo("invalid_answer");
    transcriber.close();

    whisper.mode(FakeTranscriptionServer.Mode.HANG);
    assertThat(code(transcriber(null, Duration.ofMillis(300)))).isEqualTo("timeout");
  }

  @Test
  void anUnreachableServiceIsUnavailable() {
    transcriber =
        new OpenAiTranscriber(
            new VoiceSettings.Transcription("http://127.0.0.1:9", "whisper-1", null, null),
            Duration.ofSeconds(2));
    assertThat(code(transcriber)).isEqualTo("unavailable");
  }

  @Test
  void theEndpointIsUnderV1WhetherOrNotTheBaseNamesIt() {
    assertThat(OpenAiTranscriber.endpoint("http://w:8080"))
        .isEqualTo("http://w:8080/v1/audio/transcriptions");
    assertThat(OpenAiTranscriber.endpoint("https://api.openai.com/v1/"))
        .isEqualTo("https://api.openai.com/v1/audio/transcriptions");
  }

  @Test
  void anAnswerWithoutTextIsInvalid() {
    assertThatThrownBy(() -> OpenAiTranscriber.text("{\"txt\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(Transcriber.Failed.class);
  }

  private static String code(OpenAiTranscriber t) {
    try {
      t.transcribe("a.ogg", "audio/ogg", AUDIO).get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return ((Transcriber.Failed) e.getCause()).code;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
