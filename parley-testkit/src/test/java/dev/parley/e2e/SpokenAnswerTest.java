package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.bots.FakeLlmServer;
import dev.parley.bots.FakeSpeechServer;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.io.IOException;
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
 * The bot's answer read aloud by a real server (issue 17 part 5): a site whose sites-file entry
 * says {@code spokenAnswers: server} with a speech endpoint (the JSON-reading, MP3-answering
 * stand-in), the deployment's LLM bot (the streaming stand-in). The visitor fetches its answer's
 * speech with its token ({@code audio/mpeg}, private, cached: a replay does not synthesise again);
 * its own message's speech is refused, and so is another visitor's request; a site that reads in
 * the browser answers {@code speech_off}; a failing speech service {@code speech_failed}.
 */
@Timeout(90)
class SpokenAnswerTest {
  @TempDir Path dir;
  FakeSpeechServer tts;
  FakeLlmServer llm;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    tts = new FakeSpeechServer();
    llm = new FakeLlmServer();
    String sites =
        """
            {"sites": [{"id": "shop", "greeting": "Hi from the shop",
                        "voice": {"spokenAnswers": "server", "speech":
                          {"baseUrl": "%s", "model": "tts-1", "voice": "alloy", "apiKey": "sk-tts"}}},
                       {"id": "quiet", "greeting": "Hi", "voice": {"spokenAnswers": "browser"}}]}
            """
            .formatted(tts.baseUrl());
    server = SitesServer.withLlm(dir, sites, llm.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
    llm.close();
    tts.close();
    http.close();
  }

  /** A visitor's session: its token and conversation, and the frames not yet asked for. */
  final class Visitor implements AutoCloseable {
    final RawWebSocket ws;
    final String token;
    final String conv;
    final List<JsonNode> backlog = new ArrayList<>();

    Visitor(String site) throws Exception {
      ws = RawWebSocket.connect(server.port());
      ws.sendText("{\"type\":\"hello\",\"site\":\"" + site + "\"}");
      token = next(f -> f.get("type").asText().equals("welcome")).get("token").asText();
      conv = next(f -> f.get("type").asText().equals("conversation")).get("conv").asText();
    }

    JsonNode next(Predicate<JsonNode> wanted) throws Exception {
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

    /** The text of the bot's last answer {@link #ask} saw. */
    String answered;

    /** Sends {@code text}; the seq of the message and of the bot's answer to it. */
    long[] ask(String cid, String text) throws Exception {
      ws.sendText(
          "{\"type\":\"send\",\"cid\":\""
              + cid
              + "\",\"conv\":\""
              + conv
              + "\",\"text\":\""
              + text
              + "\"}");
      long mine = next(f -> f.get("type").asText().equals("ack")).get("seq").asLong();
      JsonNode answer =
          next(
              f ->
                  f.get("type").asText().equals("message")
                      && f.get("kind").asText().equals("bot")
                      && f.get("seq").asLong() > mine);
      answered = answer.get("text").asText();
      return new long[] {mine, answer.get("seq").asLong()};
    }

    @Override
    public void close() throws IOException {
      ws.close();
    }
  }

  HttpResponse<byte[]> speech(String token, String conv, long seq) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:"
                    + server.port()
                    + "/api/conversations/"
                    + conv
                    + "/messages/"
                    + seq
                    + "/speech?lang=en"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  String error(HttpResponse<byte[]> r) throws Exception {
    return json.readTree(r.body()).get("error").asText();
  }

  @Test
  void theVisitorHearsTheBotsAnswerAndNobodyElseDoes() throws Exception {
    try (Visitor v = new Visitor("shop");
        Visitor other = new Visitor("shop")) {
      long[] asked = v.ask("c1", "hi");

      HttpResponse<byte[]> audio = speech(v.token, v.conv, asked[1]);
      assertThat(audio.statusCode())
          .as(new String(audio.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      assertThat(audio.headers().firstValue("content-type")).hasValue("audio/mpeg");
      assertThat(audio.headers().firstValue("cache-control").orElseThrow()).startsWith("private");
      assertThat(audio.body()).startsWith(0xff, 0xfb);
      FakeSpeechServer.Received sent = tts.received.get(0);
      assertThat(sent.input())
          .as("the answer as stored, with no marks to strip")
          .isEqualTo(v.answered);
      assertThat(sent.model()).isEqualTo("tts-1");
      assertThat(sent.voice()).isEqualTo("alloy");
      assertThat(sent.format()).isEqualTo("mp3");
      assertThat(sent.authorization()).isEqualTo("Bearer sk-tts");

      HttpResponse<byte[]> again = speech(v.token, v.conv, asked[1]);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(audio.body());
      assertThat(tts.received).as("a replay comes from the cache").hasSize(1);

      HttpResponse<byte[]> own = speech(v.token, v.conv, asked[0]);
      assertThat(own.statusCode()).isEqualTo(404);
      assertThat(error(own)).isEqualTo("not_found");

      HttpResponse<byte[]> stranger = speech(other.token, v.conv, asked[1]);
      assertThat(stranger.statusCode()).isEqualTo(403);
      assertThat(error(stranger)).isEqualTo("forbidden");

      HttpResponse<byte[]> anonymous = speech(null, v.conv, asked[1]);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(tts.received).hasSize(1);
    }
  }

  @Test
  void aSiteThatReadsInTheBrowserAndAFailingServiceAreClearErrors() throws Exception {
    try (Visitor quiet = new Visitor("quiet")) {
      HttpResponse<byte[]> off = speech(quiet.token, quiet.conv, quiet.ask("c1", "hi")[1]);
      assertThat(off.statusCode()).isEqualTo(409);
      assertThat(error(off)).isEqualTo("speech_off");
    }
    try (Visitor v = new Visitor("shop")) {
      long[] asked = v.ask("c1", "hi");
      tts.mode(FakeSpeechServer.Mode.HTTP_500);
      HttpResponse<byte[]> failed = speech(v.token, v.conv, asked[1]);
      assertThat(failed.statusCode()).isEqualTo(502);
      JsonNode body = json.readTree(failed.body());
      assertThat(body.get("error").asText()).isEqualTo("speech_failed");
      assertThat(body.get("reason").asText()).isEqualTo("unavailable");

      tts.mode(FakeSpeechServer.Mode.NORMAL);
      assertThat(speech(v.token, v.conv, asked[1]).statusCode())
          .as("a failure is not kept: the next ask tries again")
          .isEqualTo(200);
    }
  }
}
