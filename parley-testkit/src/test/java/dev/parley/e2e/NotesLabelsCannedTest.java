package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.server.ServerConfig;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Internal notes, labels and canned responses over the real server: agents write notes the visitor
 * never receives (its stream, resumed from 0, has no note and no gap), label the conversation and
 * share canned responses through the REST API.
 */
@Timeout(120)
class NotesLabelsCannedTest {
  @TempDir Path dir;
  TestServer server;
  final List<ParleyClient> clients = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() {
    server = TestServer.start(dir, b -> b.botPacing(Duration.ZERO));
  }

  @AfterEach
  void stop() {
    clients.forEach(ParleyClient::close);
    server.close();
    http.close();
  }

  ParleyClient visitor(RecordingListener rec, String token) throws Exception {
    ParleyClient.Builder b =
        ParleyClient.builder(server.wsUri())
            .site("demo")
            .listener(rec)
            .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    if (token != null) {
      b.token(token);
    }
    ParleyClient c = b.build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c;
  }

  /** An agent that joins every conversation it is assigned, as the console does. */
  ParleyClient agent(String user, RecordingListener rec) throws Exception {
    ParleyClient[] self = new ParleyClient[1];
    ParleyListener joining =
        new ParleyListener() {
          @Override
          public void onEvent(Push event) {
            rec.onEvent(event);
            if (event instanceof ChatEvent.Conversation c
                && "assigned".equals(c.status())
                && user.equals(c.agentId())) {
              self[0].join(c.conv(), 0);
            }
          }

          @Override
          public void onMessage(Push.Message m) {
            rec.onMessage(m);
          }

          @Override
          public void onError(Push.Error e) {
            rec.onError(e);
          }
        };
    ParleyClient c =
        ParleyClient.builder(server.wsUri())
            .login(user, ServerConfig.DEMO_AGENT_PASSWORD)
            .listener(joining)
            .build();
    self[0] = c;
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c;
  }

  HttpResponse<String> call(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return r.body().isEmpty() ? null : json.readTree(r.body());
  }

  @Test
  void anAgentWritesANoteTheVisitorNeverReceivesAndASecondAgentSeesIt() throws Exception {
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya = agent("maya", mayaRec);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec, null);
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv);
    visitor.send(conv, "My order is late").get(10, TimeUnit.SECONDS);
    visitor.handoff(conv);
    HandoffTest.awaitStatus(rec, conv, "assigned");
    HandoffTest.awaitStatus(mayaRec, conv, "assigned");

    maya.joinNotes(conv, 0);
    Push.Ack note = maya.note(conv, "Order 1234, shipped Monday").get(10, TimeUnit.SECONDS);
    assertThat(note.conv()).isEqualTo(conv + ":notes");
    assertThat(note.seq()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !mayaRec.messages(conv).isEmpty());
    maya.send(conv, "It left our warehouse on Monday.").get(10, TimeUnit.SECONDS);

    RecordingListener samRec = new RecordingListener();
    ParleyClient sam = agent("sam", samRec);
    sam.joinNotes(conv, 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(samRec.messages(conv + ":notes"))
                    .extracting(Push.Message::text)
                    .containsExactly("Order 1234, shipped Monday"));
    assertThat(sam.note(conv, "Customer called twice").get(10, TimeUnit.SECONDS).seq())
        .isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mayaRec.messages(conv + ":notes").size() == 2);

    // The visitor, on a new connection with its token, resumes its conversation from 0.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.messages(conv).stream()
                    .anyMatch(m -> m.text().equals("It left our warehouse on Monday.")));
    RecordingListener again = new RecordingListener();
    ParleyClient resumed = visitor(again, visitor.token());
    resumed.join(conv, 0);
    resumed.join(conv + ":notes", 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                again.messages(conv).size() == rec.messages(conv).size()
                    && again.errors().stream().anyMatch(e -> "forbidden".equals(e.code())));
    List<Push.Message> seen = again.messages(conv);
    assertThat(seen)
        .extracting(Push.Message::seq)
        .as("no gap")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, seen.size()).boxed().toList());
    assertThat(seen)
        .extracting(Push.Message::text)
        .contains("It left our warehouse on Monday.")
        .doesNotContain("Order 1234, shipped Monday", "Customer called twice");
    assertThat(again.messages(conv + ":notes")).isEmpty();
    assertThat(rec.messages()).noneMatch(m -> m.conv().endsWith(":notes"));
    assertThat(
            again.errors().stream()
                .filter(e -> "forbidden".equals(e.code()))
                .findFirst()
                .orElseThrow()
                .conv())
        .isEqualTo(conv + ":notes");
  }

  @Test
  void agentsLabelAConversationAndShareCannedResponses() throws Exception {
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya = agent("maya", mayaRec);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec, null);
    String conv = ChatFlowTest.conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv);
    visitor.handoff(conv);
    HandoffTest.awaitStatus(mayaRec, conv, "assigned");
    String token = maya.token();

    maya.label(conv, List.of("vip", "billing"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mayaRec.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof ChatEvent.Conversation c
                                && List.of("billing", "vip").equals(c.labels())));
    JsonNode listed = ok(call("GET", "/api/conversations?status=assigned", token, null), 200);
    assertThat(listed.get(0).get("labels").toString()).isEqualTo("[\"billing\",\"vip\"]");
    ok(
        call("PUT", "/api/conversations/" + conv + "/labels", token, "{\"labels\":[\"late\"]}"),
        200);
    assertThat(ok(call("GET", "/api/conversations/" + conv, token, null), 200).get("labels"))
        .hasToString("[\"late\"]");
    JsonNode bad =
        ok(
            call("PUT", "/api/conversations/" + conv + "/labels", token, "{\"labels\":[\"No!\"]}"),
            400);
    assertThat(bad.get("message").asText()).contains("labels");
    assertThat(rec.events())
        .noneMatch(e -> e instanceof ChatEvent.Conversation c && c.labels() != null);

    String canned = "/api/sites/demo/canned";
    assertThat(ok(call("GET", canned, token, null), 200)).isEmpty();
    JsonNode created =
        ok(call("PUT", canned + "/hello", token, "{\"text\":\"Hello! How can I help?\"}"), 201);
    assertThat(created.get("updatedBy").asText()).isEqualTo("maya");
    ok(call("PUT", canned + "/hello", token, "{\"text\":\"Hi there!\"}"), 200);
    JsonNode all = ok(call("GET", canned, token, null), 200);
    assertThat(all).hasSize(1);
    assertThat(all.get(0).get("text").asText()).isEqualTo("Hi there!");
    assertThat(
            ok(call("PUT", canned + "/Hello", token, "{\"text\":\"x\"}"), 400)
                .get("field")
                .asText())
        .isEqualTo("shortcut");
    assertThat(
            ok(call("PUT", canned + "/long", token, "{\"text\":\"" + "x".repeat(2001) + "\"}"), 400)
                .get("field")
                .asText())
        .isEqualTo("text");
    assertThat(
            ok(call("PUT", canned + "/odd", token, "{\"text\":\"x\",\"extra\":1}"), 400)
                .get("field")
                .asText())
        .isEqualTo("extra");
    assertThat(call("GET", canned, null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/sites/other/canned", token, null).statusCode()).isEqualTo(404);
    for (int i = 1; i < 500; i++) {
      ok(call("PUT", canned + "/c" + i, token, "{\"text\":\"reply " + i + "\"}"), 201);
    }
    assertThat(ok(call("PUT", canned + "/one-more", token, "{\"text\":\"x\"}"), 409).get("error"))
        .hasToString("\"limit_reached\"");
    ok(call("PUT", canned + "/c1", token, "{\"text\":\"replaced\"}"), 200);
    ok(call("DELETE", canned + "/c1", token, null), 204);
    assertThat(call("DELETE", canned + "/c1", token, null).statusCode()).isEqualTo(404);
    ok(call("PUT", canned + "/one-more", token, "{\"text\":\"x\"}"), 201);
  }
}
