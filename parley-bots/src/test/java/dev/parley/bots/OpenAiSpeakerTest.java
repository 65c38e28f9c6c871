package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.chat.Speaker;
import dev.parley.chat.VoiceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link OpenAiSpeaker} against the JSON-reading, audio-answering {@link FakeSpeechServer}. */
@Timeout(30)
class OpenAiSpeakerTest {
  final FakeSpeechServer tts = newServer();
  OpenAiSpeaker speaker;

  static FakeSpeechServer newServer() {
    try {
      return new FakeSpeechServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  OpenAiSpeaker speaker(String base, String format, Duration timeout, int maxBytes) {
    speaker =
        new OpenAiSpeaker(
            new VoiceSettings.Speech(base, "tts-1", "alloy", "sk-speech", format),
            timeout,
            maxBytes);
    return speaker;
  }

  OpenAiSpeaker speaker(String format) {
    return speaker(tts.baseUrl(), format, Duration.ofSeconds(5), OpenAiSpeaker.MAX_AUDIO_BYTES);
  }

  @AfterEach
  void close() {
    if (speaker != null) {
      speaker.close();
    }
    tts.close();
  }

  static String failure(Speaker s, String text) {
    Throwable e = catchThrowable(() -> s.speak(text, "en").get(10, TimeUnit.SECONDS));
    assertThat(e).isInstanceOf(ExecutionException.class);
    assertThat(e.getCause()).isInstanceOf(Speaker.Failed.class);
    return ((Speaker.Failed) e.getCause()).code;
  }

  @Test
  void theTextGoesAsJsonWithModelVoiceFormatAndKeyAndMp3ComesBack() throws Exception {
    Speaker.Audio audio = speaker("mp3").speak("Hello there", "en").get(10, TimeUnit.SECONDS);

    assertThat(audio.type()).isEqualTo("audio/mpeg");
    assertThat(audio.bytes()).startsWith(0xff, 0xfb).hasSize(11 * TestAudio.MP3_FRAME_BYTES);
    FakeSpeechServer.Received r = tts.received.get(0);
    assertThat(r)
        .isEqualTo(
            new FakeSpeechServer.Received(
                "tts-1", "Hello there", "alloy", "mp3", "Bearer sk-speech"));
  }

  @Test
  void opusComesBackAsOgg() throws Exception {
    Speaker.Audio audio = speaker("opus").speak("Bonjour", "fr").get(10, TimeUnit.SECONDS);

    assertThat(audio.type()).isEqualTo("audio/ogg");
    assertThat(Arrays.copyOf(audio.bytes(), 4))
        .isEqualTo("OggS".getBytes(StandardCharsets.US_ASCII));
    assertThat(tts.received.get(0).format()).isEqualTo("opus");
  }

  @Test
  void theBaseMayEndInV1() {
    assertThat(OpenAiSpeaker.endpoint("http://tts:8000"))
        .isEqualTo("http://tts:8000/v1/audio/speech");
    assertThat(OpenAiSpeaker.endpoint("https://api.openai.com/v1/"))
        .isEqualTo("https://api.openai.com/v1/audio/speech");
  }

  @Test
  void aServerErrorIsUnavailableAndAWrongKeyIsRejected() {
    OpenAiSpeaker s = speaker("mp3");
    tts.mode(FakeSpeechServer.Mode.HTTP_500);
    assertThat(failure(s, "hi")).isEqualTo("unavailable");
    tts.mode(FakeSpeechServer.Mode.HTTP_401);
    assertThat(failure(s, "hi")).isEqualTo("rejected");
  }

  @Test
  void anAnswerThatIsNotAudioIsInvalidWhateverItsContentType() {
    tts.mode(FakeSpeechServer.Mode.NOT_AUDIO);
    assertThat(failure(speaker("mp3"), "hi")).isEqualTo("invalid_answer");
    assertThat(OpenAiSpeaker.typeOf(new byte[0])).isNull();
    assertThat(OpenAiSpeaker.typeOf("<html>".getBytes(StandardCharsets.US_ASCII))).isNull();
    assertThat(OpenAiSpeaker.typeOf(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0}))
        .as("reserved layer bits")
        .isNull();
    assertThat(OpenAiSpeaker.typeOf(TestAudio.oggOpus(1))).isEqualTo("audio/ogg");
    assertThat(OpenAiSpeaker.typeOf(TestAudio.mp3(1))).isEqualTo("audio/mpeg");
  }

  @Test
  void moreAudioThanTheBoundIsTooLarge() {
    tts.mode(FakeSpeechServer.Mode.HUGE);
    tts.hugeBytes(64 * 1024);
    assertThat(failure(speaker(tts.baseUrl(), "mp3", Duration.ofSeconds(5), 32 * 1024), "hi"))
        .isEqualTo("too_large");
  }

  @Test
  void noAnswerInTimeIsATimeout() {
    tts.mode(FakeSpeechServer.Mode.HANG);
    assertThat(failure(speaker(tts.baseUrl(), "mp3", Duration.ofMillis(300), 1024 * 1024), "hi"))
        .isEqualTo("timeout");
  }

  @Test
  void noServerIsUnavailable() throws IOException {
    // Bound but not listening while the speaker tries: refused, and no other server can take the
    // port meanwhile (as it could a port closed a moment ago).
    try (Socket refusing = new Socket()) {
      refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String url = "http://127.0.0.1:" + refusing.getLocalPort();
      assertThat(failure(speaker(url, "mp3", Duration.ofSeconds(2), 1024), "hi"))
          .isEqualTo("unavailable");
    }
  }

  @Test
  void aRequestWithoutTheRequiredFieldsIsRefusedByTheStandIn() {
    speaker =
        new OpenAiSpeaker(
            new VoiceSettings.Speech(tts.baseUrl(), "tts-1", null, null, "mp3"),
            Duration.ofSeconds(5));
    assertThat(failure(speaker, "hi")).isEqualTo("rejected");
    assertThatThrownBy(() -> new VoiceSettings(60, null, VoiceSettings.SpokenAnswers.SERVER, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
