package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Backoff;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Push;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testsupport.NginxProcess;
import dev.parley.testsupport.NodeProcess;
import dev.parley.testsupport.Ports;
import dev.parley.testsupport.RedisServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Parley nodes (separate JVMs) on PostgreSQL and a Redis of the test's own, behind nginx
 * configured with {@code ops/nginx/parley.conf}. 200 clients in 50 conversations exchange messages
 * while one node is SIGKILLed and restarted and Redis is restarted; afterwards every acknowledged
 * message is present exactly once and in order at every participant.
 */
@Timeout(420)
class ClusterTest {
  static final String PG_URL =
      System.getenv().getOrDefault("PARLEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getenv().getOrDefault("PARLEY_TEST_PG_USER", "postgres");
  static final int CLIENTS = 200;
  static final int CONVERSATIONS = 50;
  static final int PER_CLIENT = 15;

  @TempDir Path dir;
  final String schema = "parley_cluster_" + Long.toHexString(System.nanoTime());
  final List<NodeProcess> nodes = new ArrayList<>();
  final List<ParleyClient> clients = new ArrayList<>();
  RedisServerProcess redis;
  NginxProcess nginx;

  @AfterEach
  void tearDown() throws Exception {
    for (ParleyClient c : clients) {
      c.close();
    }
    for (NodeProcess n : nodes) {
      n.close();
    }
    if (nginx != null) {
      nginx.terminate(5);
    }
    if (redis != null) {
      redis.close();
    }
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /**
   * The nodes' settings. A sites file with the demo site and no agents: demo mode's agents are
   * refused on PostgreSQL and Redis (docs/SECURITY.md#demo-mode).
   */
  List<String> nodeArgs() throws IOException {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path sites =
        Files.writeString(
            dir.resolve("sites.json"),
            "{\"sites\": [{\"id\": \"demo\", \"name\": \"Parley demo\", \"greeting\": \"Hi!\"}]}");
    return List.of(
        "--sites=" + sites,
        "--store=postgres",
        "--pg-url=" + PG_URL,
        "--pg-user=" + PG_USER,
        "--pg-schema=" + schema,
        "--broker=redis",
        "--redis-url=" + redis.uri(),
        "--data-dir=" + dir.resolve("data"),
        "--token-secret=" + Base64.getEncoder().encodeToString(secret),
        "--ping-interval=2s",
        "--pong-timeout=1s",
        "--shutdown-grace=6s",
        "--admin-port=0",
        "--open-channels=true",
        "--channel-presence-events=true", // the channel below shows users come and go
        "--hello-burst=1000"); // 200 new clients at once, all from 127.0.0.1
  }

  ParleyClient client(URI uri, RecordingListener rec) {
    ParleyClient c =
        ParleyClient.builder(uri)
            .listener(rec)
            .backoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1)))
            .ackTimeout(Duration.ofSeconds(3))
            .build();
    clients.add(c);
    return c;
  }

  @Test
  void aClusterBehindNginxLosesAndDuplicatesNothingWhileANodeAndRedisAreKilled() throws Exception {
    redis = RedisServerProcess.start(dir);
    List<String> args = nodeArgs();
    for (int i = 0; i < 3; i++) {
      nodes.add(NodeProcess.start(dir, Ports.free(), args));
    }
    nginx =
        NginxProcess.start(
            Path.of("..", "ops", "nginx", "parley.conf").toAbsolutePath().normalize(),
            dir.resolve("nginx"),
            nodes.stream().map(NodeProcess::port).toList());

    aVisitorOnNodeAAndAnAgentOnNodeBSeeEachOther();
    aBotAnswersSourcesReachTheVisitorOnAnotherNode();
    fallbackSessionsThroughNginxStayOnTheirNode();
    manyClientsThroughNginxSurviveANodeKillAndARedisRestart();
    aNodeStoppedWithSigtermSays1012AndExitsInTime();
  }

  /**
   * A bot answer stored on node A reaches the same visitor's connection on node B through Redis
   * with the sources it cites (docs/PROTOCOL.md#message-meta), as the store has them.
   */
  private void aBotAnswersSourcesReachTheVisitorOnAnotherNode() throws Exception {
    RecordingListener recA = new RecordingListener();
    ParleyClient a =
        ParleyClient.builder(URI.create("ws://127.0.0.1:" + nodes.get(0).port() + "/ws"))
            .site("demo")
            .listener(recA)
            .build();
    clients.add(a);
    a.connect().get(20, TimeUnit.SECONDS);
    String conv = ChatFlowTest.conversationOf(recA);
    a.send(conv, "hello").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> recA.messages(conv).size() == 3);
    // The same visitor on node B: its token resumes its conversation there.
    RecordingListener recB = new RecordingListener();
    ParleyClient b =
        ParleyClient.builder(URI.create("ws://127.0.0.1:" + nodes.get(1).port() + "/ws"))
            .site("demo")
            .token(a.token())
            .listener(recB)
            .build();
    clients.add(b);
    b.connect().get(20, TimeUnit.SECONDS);
    assertThat(ChatFlowTest.conversationOf(recB)).isEqualTo(conv);
    await().atMost(Duration.ofSeconds(20)).until(() -> recB.messages(conv).size() == 3);

    a.send(conv, "What is the heartbeat?").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> recB.messages(conv).stream().anyMatch(m -> m.seq() == 5));
    Push.Message cited =
        recB.messages(conv).stream().filter(m -> m.seq() == 5).findFirst().orElseThrow();
    assertThat(cited.kind()).isEqualTo("bot");
    assertThat(cited.meta()).as("the answer on node A cites its section's document").isNotNull();
    assertThat(cited.meta().sources().get(0).title()).endsWith(".md");
    a.close();
    b.close();
  }

  /**
   * A fallback session lives on one node: nginx routes every request of it by its key, so a
   * long-polling visitor's open, send and polls all reach that node (round robin would 404).
   */
  private void fallbackSessionsThroughNginxStayOnTheirNode() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + nginx.port();
    for (int i = 0; i < 6; i++) {
      String key = "cluster-test-key-" + i + "-" + UUID.randomUUID().toString().replace("-", "");
      var open =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/rt/open?transport=longpoll&key=" + key))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
      Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
      assertThat(m.find()).isTrue();
      String sid = m.group(1);
      assertThat(sid).as("the server makes the id; the key only routes").startsWith(key + ".");
      var send =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/rt/" + sid + "/send?ack=0"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString("{\"type\":\"hello\",\"site\":\"demo\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(send.statusCode()).as("send %d", i).isEqualTo(204);
      var poll =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/rt/" + sid + "/poll?after=0")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(poll.statusCode()).as("poll %d", i).isEqualTo(200);
      assertThat(poll.body()).contains("\"type\":\"welcome\"");
      http.send(
          HttpRequest.newBuilder(URI.create(base + "/rt/" + sid + "/close"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
    http.close();
  }

  private void aVisitorOnNodeAAndAnAgentOnNodeBSeeEachOther() throws Exception {
    RecordingListener recA = new RecordingListener();
    RecordingListener recB = new RecordingListener();
    ParleyClient a = client(URI.create("ws://127.0.0.1:" + nodes.get(0).port() + "/ws"), recA);
    ParleyClient b = client(URI.create("ws://127.0.0.1:" + nodes.get(1).port() + "/ws"), recB);
    a.connect().get(20, TimeUnit.SECONDS);
    b.connect().get(20, TimeUnit.SECONDS);
    a.join("pair", 0);
    b.join("pair", 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.position("pair") == 0 && b.position("pair") == 0);

    a.send("pair", "hello from node A").get(10, TimeUnit.SECONDS);
    b.send("pair", "hello from node B").get(10, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recA.messages("pair").size() == 2 && recB.messages("pair").size() == 2);
    assertThat(recA.messages("pair"))
        .extracting(Push.Message::text)
        .containsExactlyElementsOf(recB.messages("pair").stream().map(Push.Message::text).toList());

    String userB = b.user();
    b.typing("pair", true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                recA.events().stream()
                    .anyMatch(e -> e instanceof Push.Typing t && t.user().equals(userB) && t.on()));
    b.receipt("pair", "read", 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                recA.events().stream()
                    .anyMatch(
                        e ->
                            e instanceof Push.Receipt r && r.user().equals(userB) && r.seq() == 2));
    String userA = a.user();
    a.typing("pair", true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                recB.events().stream()
                    .anyMatch(e -> e instanceof Push.Typing t && t.user().equals(userA) && t.on()));

    // Presence is shared: a third user on node C sees both, and they see C come and go.
    RecordingListener recC = new RecordingListener();
    ParleyClient c = client(URI.create("ws://127.0.0.1:" + nodes.get(2).port() + "/ws"), recC);
    c.connect().get(20, TimeUnit.SECONDS);
    c.join("pair", 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recC.events().stream().anyMatch(e -> e instanceof Push.Joined));
    Push.Joined joined =
        (Push.Joined)
            recC.events().stream().filter(e -> e instanceof Push.Joined).findFirst().get();
    assertThat(joined.presence()).contains(userA, userB, c.user());
    assertThat(joined.presenceCount()).isEqualTo(joined.presence().size());
    String userC = c.user();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recA.events().contains(new Push.Presence("pair", userC, true)));
    c.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recB.events().contains(new Push.Presence("pair", userC, false)));
  }

  private void manyClientsThroughNginxSurviveANodeKillAndARedisRestart() throws Exception {
    URI viaNginx = URI.create("ws://127.0.0.1:" + nginx.port() + "/ws");
    List<ParleyClient> cs = new ArrayList<>();
    List<RecordingListener> recs = new ArrayList<>();
    List<CompletableFuture<Void>> connected = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      RecordingListener rec = new RecordingListener();
      ParleyClient c = client(viaNginx, rec);
      cs.add(c);
      recs.add(rec);
      connected.add(c.connect());
    }
    CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    for (int i = 0; i < CLIENTS; i++) {
      cs.get(i).join(conv(i), 0);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cs.stream().allMatch(c -> c.position(conv(cs.indexOf(c))) >= 0));

    Map<String, Set<String>> ackedTexts = new HashMap<>();
    List<CompletableFuture<Push.Ack>> acks = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean faultsDone = new AtomicBoolean();
    ScheduledExecutorService sched = Executors.newScheduledThreadPool(2);
    try {
      // Open loop: one message every 4 ms, round-robin over the clients: 3,000 messages in ~12 s.
      sched.scheduleAtFixedRate(
          () -> {
            int k = next.getAndIncrement();
            if (k >= CLIENTS * PER_CLIENT) {
              return;
            }
            int i = k % CLIENTS;
            String text = "c" + i + "-m" + (k / CLIENTS);
            CompletableFuture<Push.Ack> f = cs.get(i).send(conv(i), text);
            synchronized (acks) {
              acks.add(f);
            }
            f.thenAccept(
                a -> {
                  synchronized (ackedTexts) {
                    ackedTexts.computeIfAbsent(a.conv(), x -> new HashSet<>()).add(text);
                  }
                });
          },
          0,
          4,
          TimeUnit.MILLISECONDS);
      // The faults, on a schedule of their own: SIGKILL node 2, restart it, then restart Redis.
      sched.schedule(
          () -> {
            try {
              nodes.get(1).kill();
              sched.schedule(
                  () -> {
                    try {
                      nodes.get(1).start();
                      sched.schedule(
                          () -> {
                            try {
                              redis.kill();
                              redis.start();
                              faultsDone.set(true);
                            } catch (Exception e) {
                              throw new IllegalStateException(e);
                            }
                          },
                          2,
                          TimeUnit.SECONDS);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  3,
                  TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          },
          3,
          TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> next.get() >= CLIENTS * PER_CLIENT && faultsDone.get());
    } finally {
      sched.shutdown();
      sched.awaitTermination(10, TimeUnit.SECONDS);
    }

    List<CompletableFuture<Push.Ack>> all;
    synchronized (acks) {
      all = List.copyOf(acks);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    Map<String, Long> stored = storedCounts();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (int i = 0; i < CLIENTS; i++) {
                if (recs.get(i).messages(conv(i)).size() < stored.getOrDefault(conv(i), 0L)) {
                  return false;
                }
              }
              return true;
            });

    long sent = CLIENTS * PER_CLIENT;
    long acked = all.stream().filter(f -> !f.isCompletedExceptionally()).count();
    long delivered = 0;
    long lost = 0;
    long duplicated = 0;
    for (int i = 0; i < CLIENTS; i++) {
      List<Push.Message> got = recs.get(i).messages(conv(i));
      delivered += got.size();
      List<Long> seqs = got.stream().map(Push.Message::seq).toList();
      assertThat(seqs)
          .as("client %d sees %s in seq order without gaps", i, conv(i))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
      Set<String> texts = new HashSet<>();
      for (Push.Message m : got) {
        if (!texts.add(m.text())) {
          duplicated++;
        }
      }
      for (String t : ackedTexts.getOrDefault(conv(i), Set.of())) {
        if (!texts.contains(t)) {
          lost++;
        }
      }
    }
    long storedTotal = stored.values().stream().mapToLong(Long::longValue).sum();
    long storeDuplicates = storedTotal - ackedTexts.values().stream().mapToLong(Set::size).sum();
    System.out.printf(
        "cluster: %d sent, %d acked, %d stored, %d delivered (to %d participants), "
            + "%d lost, %d duplicated, %d duplicates in the store%n",
        sent, acked, storedTotal, delivered, CLIENTS, lost, duplicated, storeDuplicates);
    assertThat(acked).isEqualTo(sent);
    assertThat(lost).isZero();
    assertThat(duplicated).isZero();
    assertThat(storeDuplicates).isZero();
    assertThat(storedTotal).isEqualTo(sent);
    assertThat(recs.stream().mapToLong(RecordingListener::connections).sum())
        .as("clients of the killed node reconnected")
        .isGreaterThan(CLIENTS);
    // A node says so once its subscriber connection is back and subscribed again, on Lettuce's
    // reconnect schedule: when the restart came after the last message was delivered (a node's
    // JVM slow to start again pushes the restart past the sends), nothing above waited for that.
    for (NodeProcess n : nodes) {
      await("node " + n.port() + " noticed the Redis restart and caught up")
          .atMost(Duration.ofSeconds(60))
          .until(() -> n.log().contains("Redis is back"));
    }
  }

  private void aNodeStoppedWithSigtermSays1012AndExitsInTime() throws Exception {
    NodeProcess third = nodes.get(2);
    try (RawWebSocket ws = RawWebSocket.connect(third.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      ws.readText();
      int exit =
          third.terminate(15); // SIGTERM; SIGKILL (exit 137) only if still running after 15 s
      assertThat(ws.awaitClose()).isEqualTo(1012);
      assertThat(exit).as("exited by itself after SIGTERM, not killed").isIn(0, 143);
      assertThat(third.log())
          .as("shut down through its own drain and close")
          .contains("Parley stopped");
    }
  }

  static String conv(int client) {
    return "room-" + (client % CONVERSATIONS);
  }

  private Map<String, Long> storedCounts() throws Exception {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT conversation, COUNT(*), MAX(seq) FROM "
                    + schema
                    + ".messages WHERE conversation LIKE 'room-%' GROUP BY conversation")) {
      while (rs.next()) {
        assertThat(rs.getLong(2)).as("gapless %s", rs.getString(1)).isEqualTo(rs.getLong(3));
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }
}
