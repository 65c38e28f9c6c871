package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Command;
import dev.parley.protocol.Fields;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a session does while a join's authorization is pending (an {@link Authorizer#mayJoin} that
 * answers later, as a namespace's channel proxy does): only the commands about that conversation
 * wait for the answer; {@code ping} and commands about other conversations go on; {@code auth}
 * waits for every pending check and holds what comes after it ({@link PendingChecks}).
 */
@Timeout(30)
class PendingJoinTest {
  /** {@code {"type":"mark"}}: a command of the extension, which the core cannot see into. */
  record Mark(String ref) implements Command {
    @Override
    public void validate() {
      Fields.optionalRef(ref);
    }
  }

  /** The {@code mark}s the extension carried out, by ref, in order (on the loop). */
  final Queue<String> marks = new ConcurrentLinkedQueue<>();

  final InMemoryMessageStore store = new InMemoryMessageStore();

  /** The authorizer's answer for each {@code gated:…} conversation, completed by the test. */
  final Map<String, CompletableFuture<Boolean>> gates = new ConcurrentHashMap<>();

  /** The conversations {@link Authorizer#mayPublish} was asked about, in order (on the loop). */
  final Queue<String> publishAsked = new ConcurrentLinkedQueue<>();

  /** The answer to an {@code auth}'s token, completed by the test; asked for once it is. */
  final CompletableFuture<Principal> authCheck = new CompletableFuture<>();

  final CompletableFuture<String> authAsked = new CompletableFuture<>();

  Node node;
  RecordingConnection conn;
  Session session;
  String token;

  @BeforeEach
  void setUp() throws Exception {
    AnonymousTokens anonymous = new AnonymousTokens(new byte[32]);
    node =
        Node.builder()
            .codec(Codec.builder().command("mark", Mark.class).build())
            .store(store)
            .broker(new InMemoryBroker())
            .authenticator(
                new Authenticator() {
                  @Override
                  public CompletableFuture<Principal> authenticate(Command.Hello hello) {
                    return anonymous.authenticate(hello);
                  }

                  @Override
                  public CompletableFuture<Principal> authenticateToken(String t) {
                    authAsked.complete(t);
                    return authCheck;
                  }
                })
            .authorizer(
                new Authorizer() {
                  @Override
                  public CompletableFuture<Boolean> mayJoin(Principal p, String conv) {
                    return conv.startsWith("gated:")
                        ? gates.computeIfAbsent(conv, c -> new CompletableFuture<>())
                        : CompletableFuture.completedFuture(true);
                  }

                  @Override
                  public boolean mayPublish(Principal p, String conv) {
                    publishAsked.add(conv);
                    return true;
                  }
                })
            .extension(
                new Extension() {
                  @Override
                  public boolean command(Session s, Command command) {
                    if (command instanceof Mark m) {
                      marks.add(m.ref());
                      return true;
                    }
                    return false;
                  }
                })
            .build();
    conn = new RecordingConnection();
    session = node.open(conn);
    conn.command(session, "{\"type\":\"hello\"}");
    Push.Welcome w = conn.next(Push.Welcome.class);
    token = w.token();
    conn.command(session, "{\"type\":\"join\",\"conv\":\"y\"}");
    conn.next(Push.Joined.class);
  }

  @AfterEach
  void tearDown() {
    conn.close();
    node.close();
    store.close();
  }

  void send(String cid, String conv) {
    conn.command(
        session,
        "{\"type\":\"send\",\"cid\":\"" + cid + "\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
  }

  /** The next frames until {@code joined} and {@code acks} acks came, in the order they came. */
  List<Push> untilJoinedAnd(int acks) throws InterruptedException {
    List<Push> got = new ArrayList<>();
    while (got.stream().noneMatch(Push.Joined.class::isInstance)
        || got.stream().filter(Push.Ack.class::isInstance).count() < acks) {
      got.add(conn.next());
    }
    return got;
  }

  @Test
  void aSendIntoAnotherConversationIsAckedWhileAJoinIsAskedAbout() throws Exception {
    conn.command(session, "{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"gated:x\"}");
    send("c1", "y");
    List<Push> acked = List.of(conn.next(), conn.next()); // the ack and the echo, in either order
    assertThat(acked).hasAtLeastOneElementOfType(Push.Message.class);
    assertThat(acked)
        .filteredOn(Push.Ack.class::isInstance)
        .singleElement()
        .extracting(p -> ((Push.Ack) p).cid())
        .isEqualTo("c1");
    assertThat(store.lastSeq("y")).isEqualTo(1);
    conn.command(session, "{\"type\":\"typing\",\"conv\":\"y\",\"on\":true}");
    assertThat(conn.next(Push.Typing.class).conv()).isEqualTo("y");
    conn.assertNothingMoreBefore(session); // a ping is answered at once too
    assertThat(gates.get("gated:x")).as("still asked about").isNotDone();

    gates.get("gated:x").complete(true);
    assertThat(conn.next(Push.Joined.class).conv()).isEqualTo("gated:x");
  }

  @Test
  void aSendIntoTheConversationBeingJoinedWaitsForAnAllowedJoinAndIsAckedInOrder()
      throws Exception {
    conn.command(session, "{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"gated:x\"}");
    send("c1", "gated:x");
    send("c2", "gated:x");
    conn.assertNothingMoreBefore(session);
    assertThat(publishAsked).as("both sends wait for the join").isEmpty();
    assertThat(store.lastSeq("gated:x")).isZero();

    gates.get("gated:x").complete(true);
    List<Push> got = untilJoinedAnd(2);
    assertThat(got).filteredOn(Push.Joined.class::isInstance).hasSize(1);
    assertThat(got.stream().filter(Push.Ack.class::isInstance).map(p -> ((Push.Ack) p).seq()))
        .as("acked in the order sent")
        .containsExactly(1L, 2L);
    assertThat(got.stream().filter(Push.Ack.class::isInstance).map(p -> ((Push.Ack) p).cid()))
        .containsExactly("c1", "c2");
    assertThat(publishAsked).containsExactly("gated:x", "gated:x");
    assertThat(store.lastSeq("gated:x")).isEqualTo(2);
  }

  @Test
  void aSendIntoTheConversationBeingJoinedIsNotJoinedAfterARefusedJoin() throws Exception {
    conn.command(session, "{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"gated:x\"}");
    send("c1", "gated:x");
    conn.command(session, "{\"type\":\"history\",\"ref\":\"h\",\"conv\":\"gated:x\"}");
    conn.assertNothingMoreBefore(session);

    gates.get("gated:x").complete(false);
    Push.Error refused = conn.next(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("j");
    assertThat(refused.conv()).isEqualTo("gated:x");
    Push.Error send = conn.next(Push.Error.class);
    assertThat(send.code()).isEqualTo("not_joined");
    assertThat(send.cid()).isEqualTo("c1");
    Push.Error history = conn.next(Push.Error.class);
    assertThat(history.code()).isEqualTo("not_joined");
    assertThat(history.ref()).isEqualTo("h");
    conn.assertNothingMoreBefore(session);
    assertThat(store.lastSeq("gated:x")).isZero();
  }

  @Test
  void authWaitsForThePendingJoinAndWhatComesAfterItWaitsForAuth() throws Exception {
    conn.command(session, "{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"gated:x\"}");
    conn.command(session, "{\"type\":\"auth\",\"ref\":\"a\",\"token\":\"" + token + "\"}");
    send("c1", "y"); // another conversation, but behind auth
    conn.drainLoop();
    assertThat(authAsked).as("auth waits for the join").isNotDone();
    assertThat(publishAsked).as("the send waits behind auth").isEmpty();

    gates.get("gated:x").complete(false);
    assertThat(conn.next(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(authAsked.get()).isEqualTo(token);
    conn.drainLoop();
    assertThat(publishAsked).as("the send still waits for auth's check").isEmpty();

    authCheck.complete(new AnonymousTokens(new byte[32]).principal(token));
    assertThat(conn.next(Push.Authed.class).ref()).isEqualTo("a");
    assertThat(conn.nextOf(Push.Ack.class).cid()).isEqualTo("c1");
    assertThat(publishAsked).containsExactly("y");
  }

  @Test
  void anExtensionsCommandWaitsForThePendingJoinAndAPingAfterItWaitsBehindIt() throws Exception {
    conn.command(session, "{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"gated:x\"}");
    conn.command(session, "{\"type\":\"mark\",\"ref\":\"m\"}");
    conn.command(session, "{\"type\":\"ping\",\"ref\":\"after\"}");
    conn.drainLoop();
    assertThat(marks).as("the core cannot tell what it touches: it waits").isEmpty();

    gates.get("gated:x").complete(true);
    assertThat(conn.next(Push.Pong.class).ref()).isEqualTo("after");
    assertThat(marks).containsExactly("m");
    assertThat(conn.next(Push.Joined.class).conv()).isEqualTo("gated:x");
  }

  @Test
  void aJoinPastTheJoinsAskedAtOnceIsAskedWhenOneIsAnsweredAndOnlyItsCommandsWait()
      throws Exception {
    for (int i = 0; i <= PendingChecks.MAX_JOINS_ASKED; i++) {
      conn.command(session, "{\"type\":\"join\",\"conv\":\"gated:j" + i + "\"}");
    }
    send("c8", "gated:j8"); // behind the join not asked yet
    send("c1", "y"); // another conversation: goes on
    assertThat(conn.nextOf(Push.Ack.class).cid()).isEqualTo("c1");
    assertThat(gates).as("only so many asked at once").hasSize(PendingChecks.MAX_JOINS_ASKED);
    assertThat(publishAsked).containsExactly("y");

    gates.get("gated:j0").complete(true);
    assertThat(conn.nextOf(Push.Joined.class).conv()).isEqualTo("gated:j0");
    conn.drainLoop();
    assertThat(gates).as("the ninth is asked now").containsKey("gated:j8");
    assertThat(publishAsked).as("its send still waits for it").containsExactly("y");
    gates.get("gated:j8").complete(true);
    assertThat(conn.nextOf(Push.Ack.class).cid()).isEqualTo("c8");
  }

  @Test
  void aHellosResumeAsksAboutNoMoreJoinsAtOnceThanJoinCommandsDo() throws Exception {
    StringBuilder resume = new StringBuilder();
    for (int i = 0; i <= PendingChecks.MAX_JOINS_ASKED; i++) {
      resume.append(i == 0 ? "" : ",").append("\"gated:r").append(i).append("\":0");
    }
    try (RecordingConnection again = new RecordingConnection()) {
      Session s = node.open(again);
      again.command(
          s, "{\"type\":\"hello\",\"token\":\"" + token + "\",\"resume\":{" + resume + "}}");
      again.next(Push.Welcome.class);
      again.drainLoop();
      assertThat(gates).hasSize(PendingChecks.MAX_JOINS_ASKED);
      gates.get("gated:r0").complete(true);
      again.nextOf(Push.Joined.class);
      again.drainLoop();
      assertThat(gates).hasSize(PendingChecks.MAX_JOINS_ASKED + 1);
    }
  }

  @Test
  void moreThanMaxHeldCommandsAcrossConversationsCloseWith1008() throws Exception {
    conn.command(session, "{\"type\":\"join\",\"conv\":\"gated:a\"}");
    conn.command(session, "{\"type\":\"join\",\"conv\":\"gated:b\"}");
    for (int i = 0; i < PendingChecks.MAX_HELD; i++) {
      send("c" + i, i % 2 == 0 ? "gated:a" : "gated:b");
    }
    conn.drainLoop();
    assertThat(conn.closedWith()).as("256 held is within the bound").isNull();
    conn.command(session, "{\"type\":\"typing\",\"conv\":\"gated:a\",\"on\":true}");
    conn.drainLoop();
    assertThat(conn.closedWith()).isEqualTo(CloseCode.POLICY_VIOLATION);
  }
}
