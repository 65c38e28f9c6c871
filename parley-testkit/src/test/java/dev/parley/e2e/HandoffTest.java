package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.Agent;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationStatus;
import dev.parley.chat.Site;
import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.edge.Passwords;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerConfigBuilder;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Handoff from the bot to human agents, over the real server with the SDK on both sides. */
@Timeout(90)
class HandoffTest {
  @TempDir Path dir;
  TestServer server;
  final List<ParleyClient> clients = new ArrayList<>();

  void start(Consumer<ServerConfigBuilder> more) {
    server =
        TestServer.start(
            dir,
            b -> {
              b.botPacing(Duration.ZERO).agentOfflineGrace(Duration.ofMillis(500));
              more.accept(b);
            });
  }

  @AfterEach
  void stop() {
    clients.forEach(ParleyClient::close);
    server.close();
  }

  ParleyClient visitor(RecordingListener rec) throws Exception {
    ParleyClient c =
        ParleyClient.builder(server.wsUri())
            .site("demo")
            .listener(rec)
            .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
            .build();
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    return c;
  }

  /** An agent that joins every conversation it is assigned, as the console does. */
  ParleyClient agent(String user, String password, RecordingListener rec) throws Exception {
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
          public void onStateChange(ParleyClient.State from, ParleyClient.State to) {
            rec.onStateChange(from, to);
          }

          @Override
          public void onError(Push.Error e) {
            rec.onError(e);
          }
        };
    ParleyClient c =
        ParleyClient.builder(server.wsUri())
            .login(user, password)
            .listener(joining)
            .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
            .build();
    self[0] = c;
    clients.add(c);
    c.connect().get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.events().stream()
                    .anyMatch(e -> e instanceof Push.Joined j && j.conv().startsWith("agents:")));
    return c;
  }

  static String conversationOf(RecordingListener r) {
    return ChatFlowTest.conversationOf(r);
  }

  static void awaitStatus(RecordingListener r, String conv, String status) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                r.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof ChatEvent.Conversation c
                                && c.conv().equals(conv)
                                && c.status().equals(status)));
  }

  static List<String> transcript(RecordingListener r, String conv) {
    return r.messages(conv).stream().map(m -> m.kind() + ":" + m.text()).toList();
  }

  @Test
  void aWholeConversationFromGreetingThroughTheBotToAnAgentAndResolved() throws Exception {
    start(b -> {});
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya = agent("maya", ServerConfig.DEMO_AGENT_PASSWORD, mayaRec);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec);
    String conv = conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message

    visitor.send(conv, "What is the heartbeat?").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages(conv).size() == 3);
    visitor.handoff(conv);
    awaitStatus(rec, conv, "queued");
    awaitStatus(rec, conv, "assigned");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(transcript(mayaRec, conv)).hasSize(5));

    maya.send(conv, "Hi, I'm Maya. How can I help?").get(10, TimeUnit.SECONDS);
    visitor.send(conv, "My messages are slow and it's frustrating").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(transcript(mayaRec, conv)).hasSize(7));
    maya.resolve(conv);
    awaitStatus(rec, conv, "resolved");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rec.messages(conv).size() == 8 && mayaRec.messages(conv).size() == 8);

    List<String> expected =
        List.of(
            "bot:" + Site.demo().greeting(),
            "text:What is the heartbeat?",
            "bot:" + rec.messages(conv).get(2).text(),
            "system:You asked for a person. You're in the queue; an agent will join shortly.",
            "system:Maya joined the conversation.",
            "text:Hi, I'm Maya. How can I help?",
            "text:My messages are slow and it's frustrating",
            "system:Maya resolved the conversation.");
    assertThat(transcript(rec, conv)).containsExactlyElementsOf(expected);
    assertThat(transcript(mayaRec, conv)).containsExactlyElementsOf(expected);
    assertThat(rec.messages(conv).get(2).text()).contains("ping every 30 seconds");
    assertThat(rec.messages(conv))
        .extracting(Push.Message::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    // The bot stayed quiet while Maya was there; Maya saw the visitor's mood.
    assertThat(rec.messages(conv).stream().filter(m -> m.kind().equals("bot")).count())
        .isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                mayaRec.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof ChatEvent.Conversation c
                                && c.conv().equals(conv)
                                && c.sentiment() != null
                                && c.sentiment() < 0));
    // The visitor saw the agent's name.
    assertThat(rec.events())
        .anyMatch(e -> e instanceof ChatEvent.Conversation c && "Maya".equals(c.agent()));
  }

  @Test
  void anAgentTransfersToAnotherAndTheSecondHandsItBackToTheBot() throws Exception {
    start(b -> {});
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya = agent("maya", ServerConfig.DEMO_AGENT_PASSWORD, mayaRec);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec);
    String conv = conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.handoff(conv);
    awaitStatus(rec, conv, "assigned");
    RecordingListener samRec = new RecordingListener();
    ParleyClient sam = agent("sam", ServerConfig.DEMO_AGENT_PASSWORD, samRec);
    maya.transfer(conv, "sam");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.events().stream()
                    .anyMatch(
                        e -> e instanceof ChatEvent.Conversation c && "Sam".equals(c.agent())));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                samRec.messages(conv).stream()
                    .anyMatch(m -> m.text().equals("Maya transferred the conversation to Sam.")));
    sam.send(conv, "Sam here.").get(10, TimeUnit.SECONDS);
    sam.backToBot(conv);
    awaitStatus(rec, conv, "bot");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.messages(conv).stream()
                    .anyMatch(
                        m -> m.text().equals("Sam handed the conversation back to the bot.")));
    // With the bot again: the next question gets a bot answer.
    visitor.send(conv, "What is the heartbeat?").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.messages(conv).stream()
                    .anyMatch(
                        m -> m.kind().equals("bot") && m.text().contains("ping every 30 seconds")));
  }

  @Test
  void aQueuedVisitorCanGoBackToTheBot() throws Exception {
    start(b -> b.agents(List.of()));
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec);
    String conv = conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.send(conv, "I want to talk to a human please").get(10, TimeUnit.SECONDS);
    awaitStatus(rec, conv, "queued");
    visitor.backToBot(conv);
    awaitStatus(rec, conv, "bot");
    assertThat(rec.messages(conv).stream().filter(m -> m.kind().equals("bot")).count())
        .as("asking for a person in words queued it instead of a bot answer")
        .isEqualTo(1);
  }

  @Test
  void anAgentWhoTakesOverMidAnswerFreezesItAsInterrupted() throws Exception {
    // The answer would stream for about 4 s: the agent takes over well before its end even on a
    // loaded machine (at 60 ms a chunk it had 1.2 s). Interrupted at once, it costs no more time.
    start(b -> b.botPacing(Duration.ofMillis(200)));
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya = agent("maya", ServerConfig.DEMO_AGENT_PASSWORD, mayaRec);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec);
    String conv = conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.send(conv, "How does Parley scale to many servers?").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.events().stream()
                    .anyMatch(e -> e instanceof ChatEvent.Answer a && a.phase().equals("delta")));
    maya.accept(conv);
    awaitStatus(rec, conv, "assigned");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rec.messages(conv).stream()
                    .anyMatch(m -> m.kind().equals("bot") && "interrupted".equals(m.status())));
    Push.Message frozen =
        rec.messages(conv).stream().filter(m -> "interrupted".equals(m.status())).findFirst().get();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ChatFlowTest.answerEvents(rec, frozen.id()).stream()
                    .anyMatch(a -> a.phase().equals("end")));
    List<ChatEvent.Answer> events = ChatFlowTest.answerEvents(rec, frozen.id());
    assertThat(events.get(events.size() - 1).status()).isEqualTo("interrupted");
    assertThat(ChatFlowTest.assemble(events)).isEqualTo(frozen.text());
    assertThat(
            server.server().store().readAfter(conv, 0, 100).stream()
                .filter(m -> m.kind().equals("bot"))
                .count())
        .as("greeting and the frozen answer, nothing after")
        .isEqualTo(2);
  }

  @Test
  void autoAssignmentSpreadsFairlyRespectsCapacityAndShowsTheQueue() throws Exception {
    String hash = Passwords.hash("pw");
    start(
        b ->
            b.agents(
                List.of(
                    new Agent("a1", "Ann", Set.of("demo"), 2, hash),
                    new Agent("a2", "Bob", Set.of("demo"), 2, hash))));
    RecordingListener r1 = new RecordingListener();
    RecordingListener r2 = new RecordingListener();
    ParleyClient a1 = agent("a1", "pw", r1);
    agent("a2", "pw", r2);
    List<RecordingListener> recs = new ArrayList<>();
    List<String> convs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RecordingListener rec = new RecordingListener();
      ParleyClient v = visitor(rec);
      String conv = conversationOf(rec);
      ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
      v.handoff(conv);
      awaitStatus(rec, conv, i < 4 ? "assigned" : "queued");
      recs.add(rec);
      convs.add(conv);
    }
    Map<String, Long> load = assignedPerAgent();
    assertThat(load).containsEntry("a1", 2L).containsEntry("a2", 2L);
    RecordingListener fifth = recs.get(4);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                fifth.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof ChatEvent.Conversation c
                                && "queued".equals(c.status())
                                && Integer.valueOf(1).equals(c.position())
                                && c.waitSeconds() != null
                                && c.waitSeconds() > 0));

    // Ann resolves one of hers: the fifth visitor is hers now.
    String annsFirst =
        server.server().chat().desk().list("demo", ConversationStatus.ASSIGNED).join().stream()
            .filter(c -> c.agent().equals("a1"))
            .findFirst()
            .orElseThrow()
            .id();
    a1.resolve(annsFirst);
    awaitStatus(fifth, convs.get(4), "assigned");
    assertThat(server.server().chat().desk().find(convs.get(4)).join().orElseThrow().agent())
        .isEqualTo("a1");
  }

  @Test
  void anAgentWhoGoesOfflineHasItsConversationsQueuedAgainAndReassigned() throws Exception {
    String hash = Passwords.hash("pw");
    start(
        b ->
            b.agents(
                List.of(
                    new Agent("a1", "Ann", Set.of("demo"), 2, hash),
                    new Agent("a2", "Bob", Set.of("demo"), 2, hash))));
    ParleyClient a1 = agent("a1", "pw", new RecordingListener());
    List<String> convs = new ArrayList<>();
    List<RecordingListener> recs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      RecordingListener rec = new RecordingListener();
      ParleyClient v = visitor(rec);
      String conv = conversationOf(rec);
      ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
      v.handoff(conv);
      awaitStatus(rec, conv, "assigned");
      convs.add(conv);
      recs.add(rec);
    }
    assertThat(assignedPerAgent()).containsEntry("a1", 2L);
    agent("a2", "pw", new RecordingListener());
    a1.close();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> assignedPerAgent().getOrDefault("a2", 0L) == 2L);
    for (int i = 0; i < 2; i++) {
      String conv = convs.get(i);
      RecordingListener rec = recs.get(i);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  rec.messages(conv).stream()
                      .anyMatch(m -> m.text().startsWith("Ann is no longer available")));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  rec.messages(conv).stream()
                      .anyMatch(m -> m.text().equals("Bob joined the conversation.")));
    }
  }

  @Test
  void typingIndicatorsOfVisitorAndAgentVanishWhenTheirConnectionIsKilled() throws Exception {
    start(b -> {});
    RecordingListener mayaRec = new RecordingListener();
    ParleyClient maya = agent("maya", ServerConfig.DEMO_AGENT_PASSWORD, mayaRec);
    RecordingListener rec = new RecordingListener();
    ParleyClient visitor = visitor(rec);
    String conv = conversationOf(rec);
    ChatFlowTest.greetingShown(rec, conv); // the greeting is stored with the first message
    visitor.handoff(conv);
    awaitStatus(rec, conv, "assigned");
    await().atMost(Duration.ofSeconds(10)).until(() -> mayaRec.messages(conv).size() >= 3);
    String visitorUser = visitor.user();

    visitor.typing(conv, true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mayaRec.events().contains(new Push.Typing(conv, visitorUser, true, 6000)));
    visitor.dropConnection();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mayaRec.events().contains(new Push.Typing(conv, visitorUser, false, 0)));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> visitor.state() == ParleyClient.State.CONNECTED);
    maya.typing(conv, true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rec.events().contains(new Push.Typing(conv, "maya", true, 6000)));
    maya.dropConnection();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rec.events().contains(new Push.Typing(conv, "maya", false, 0)));
  }

  @Test
  void agentsLogInWithTheirPasswordAndNobodyElseDoes() throws Exception {
    start(b -> {});
    Codec codec = ChatProtocol.codec();
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\",\"user\":\"maya\",\"password\":\"wrong\"}");
      Push.Error e = (Push.Error) codec.decodePush(ws.readText());
      assertThat(e.code()).isEqualTo("unauthorized");
      assertThat(e.field()).isEqualTo("password");
      ws.sendText("{\"type\":\"hello\",\"user\":\"nobody\",\"password\":\"parley-demo\"}");
      assertThat(((Push.Error) codec.decodePush(ws.readText())).code()).isEqualTo("unauthorized");
      ws.sendText(
          "{\"type\":\"hello\",\"user\":\"maya\",\"password\":\""
              + ServerConfig.DEMO_AGENT_PASSWORD
              + "\"}");
      Push.Welcome w = (Push.Welcome) codec.decodePush(ws.readText());
      assertThat(w.claim("role")).as("the demo's maya is an admin too").isEqualTo("admin");
      assertThat(w.user()).isEqualTo("maya");
      assertThat(w.token()).startsWith("a2.");
    }
    // A visitor cannot listen to the agents' queue.
    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      codec.decodePush(ws.readText());
      ws.sendText("{\"type\":\"join\",\"conv\":\"agents:demo\"}");
      assertThat(((Push.Error) codec.decodePush(ws.readText())).code()).isEqualTo("forbidden");
    }
  }

  private Map<String, Long> assignedPerAgent() {
    return server.server().chat().desk().list("demo", ConversationStatus.ASSIGNED).join().stream()
        .collect(Collectors.groupingBy(ChatConversation::agent, Collectors.counting()));
  }
}
