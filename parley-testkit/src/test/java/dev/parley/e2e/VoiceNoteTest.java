package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bots.FakeLlmServer;
import dev.parley.bots.FakeTranscriptionServer;
import dev.parley.protocol.openai.ChatCompletions;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import dev.parley.testsupport.Wav;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A visitor asks the bot by voice on a real server (issue 17 part 5): a site whose sites-file entry
 * names a transcription endpoint (the multipart-parsing stand-in), the deployment's LLM bot (the
 * streaming stand-in); the visitor uploads a WAV made here, the upload's answer carries the
 * transcript, the message with the file and no text carries it in {@code meta.attachments}, and the
 * bot answers the transcript.
 */
@Timeout(90)
class VoiceNoteTest {
  static final String SAID = "Does Parley lose messages?";

  @TempDir Path dir;
  FakeTranscriptionServer whisper;
  FakeLlmServer llm;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    whisper = new FakeTranscriptionServer();
    whisper.text(SAID);
    llm = new FakeLlmServer();
    String sites =
        """
            {"sites": [{"id": "shop", "greeting": "Hi from the shop",
                        "voice": {"maxSeconds": 30, "transcription":
                          {"baseUrl": "%s", "model": "whisper-1", "apiKey": "sk-voice", "language": "en"}}}]}
            """
            .formatted(whisper.baseUrl());
    server = SitesServer.withLlm(dir, sites, llm.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
    llm.close();
    whisper.close();
    http.close();
  }

  /** A mono 16-bit PCM WAV of one second at 8 kHz: a 440 Hz tone. */
  static byte[] wav() {
    return Wav.tone(1, 8000);
  }

  /** Frames read but not yet asked for, in order. */
  final List<JsonNode> backlog = new ArrayList<>();

  /** The first frame (read before or now) that {@code wanted} accepts. */
  JsonNode next(RawWebSocket ws, Predicate<JsonNode> wanted) throws Exception {
    for (Iterator<JsonNode> i = backlog.iterator(); i.hasNext(); ) {
      JsonNode f = i.next();
      if (wanted.test(f)) {
        i.remove();
        return f;
      }
    }
    while (true) {
      JsonNode f = json.readTree(ws.readText());
      if (wanted.test(f)) {
        return f;
      }
      backlog.add(f);
    }
  }

  JsonNode until(RawWebSocket ws, String type) throws Exception {
    return next(ws, f -> f.get("type").asText().equals(type));
  }

  /** The next stored message of kind {@code kind} after {@code seq}. */
  JsonNode message(RawWebSocket ws, String kind, long after) throws Exception {
    return next(
        ws,
        m ->
            m.get("type").asText().equals("message")
                && m.get("kind").asText().equals(kind)
                && m.get("seq").asLong() > after);
  }

  @Test
  void aVisitorAsksByVoiceAndTheBotAnswersTheTranscript() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"site\":\"shop\"}");
      String token = until(ws, "welcome").get("token").asText();
      String conv = until(ws, "conversation").get("conv").asText();
      ws.sendText("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
      long hi = until(ws, "ack").get("seq").asLong();
      long firstAnswer = message(ws, "bot", hi).get("seq").asLong();
      byte[] note = wav();

      HttpResponse<byte[]> up =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + server.port()
                              + "/api/conversations/"
                              + conv
                              + "/files?name=voice.wav"))
                  .header("Authorization", "Bearer " + token)
                  .header("Idempotency-Key", "voice-1")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(note))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(up.statusCode()).as(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(201);
      JsonNode file = json.readTree(up.body()).get("file");
      assertThat(file.get("type").asText()).isEqualTo("audio/wav");
      assertThat(file.get("duration").asDouble()).isEqualTo(1.0);
      assertThat(file.get("transcript").asText()).isEqualTo(SAID);
      FakeTranscriptionServer.Received sent = whisper.received.get(0);
      assertThat(sent.parts().get("file").bytes()).isEqualTo(note);
      assertThat(sent.parts().get("file").type()).isEqualTo("audio/wav");
      assertThat(sent.parts().get("model").text()).isEqualTo("whisper-1");
      assertThat(sent.parts().get("language").text()).isEqualTo("en");
      assertThat(sent.authorization()).isEqualTo("Bearer sk-voice");

      String id = file.get("id").asText();
      ws.sendText(
          "{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\""
              + conv
              + "\",\"text\":\"\",\"attachments\":[\""
              + id
              + "\"]}");
      long voice = until(ws, "ack").get("seq").asLong();
      assertThat(voice).isGreaterThan(firstAnswer);
      JsonNode own = message(ws, "text", firstAnswer);
      JsonNode attached = own.get("meta").get("attachments").get(0);
      assertThat(attached.get("id").asText()).isEqualTo(id);
      assertThat(attached.get("transcript").asText()).isEqualTo(SAID);
      assertThat(attached.get("duration").asDouble()).isEqualTo(1.0);

      JsonNode answer = message(ws, "bot", voice);
      assertThat(answer.get("text").asText()).endsWith("when it is stored.");
      List<ChatCompletions.Message> asked =
          ChatCompletions.messagesOf(llm.bodies.get(llm.bodies.size() - 1));
      assertThat(asked.get(asked.size() - 1))
          .as("the model is asked the transcript")
          .isEqualTo(new ChatCompletions.Message("user", SAID));
    }
  }
}
