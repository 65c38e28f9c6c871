package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the core does with an {@link Authorizer} that refuses sends ({@link Authorizer#mayPublish})
 * or refuses a join with a reason, and a {@link PresencePolicy} that keeps no presence or keeps it
 * count only: the rules a namespace (or the server's own channels) make, seen from one session.
 */
@Timeout(30)
class ChannelRulesTest {
  InMemoryMessageStore store;
  Node node;
  RecordingConnection conn;
  Session session;

  /** Joins anything but {@code gone:…} (refused with a reason); sends only outside {@code ro:…}. */
  static final Authorizer RULES =
      new Authorizer() {
        @Override
        public CompletableFuture<Boolean> mayJoin(Principal p, String conv) {
          return conv.startsWith("gone:")
              ? CompletableFuture.failedFuture(
                  new ProtocolException(ErrorCode.UNKNOWN_NAMESPACE, "no namespace gone", "conv"))
              : CompletableFuture.completedFuture(true);
        }

        @Override
        public boolean mayPublish(Principal p, String conv) {
          return !conv.startsWith("ro:");
        }
      };

  @BeforeEach
  void setUp() throws Exception {
    store = new InMemoryMessageStore();
    node =
        Node.builder()
            .store(store)
            .broker(new InMemoryBroker())
            .authenticator(new AnonymousTokens(new byte[32]))
            .authorizer(RULES)
            .presencePolicy(
                new PresencePolicy() {
                  @Override
                  public boolean announces(String conv) {
                    return true;
                  }

                  @Override
                  public boolean tracks(String conv) {
                    return !conv.startsWith("ro:");
                  }

                  @Override
                  public boolean lists(String conv) {
                    return !conv.startsWith("count:");
                  }
                })
            .build();
    conn = new RecordingConnection();
    session = node.open(conn);
    command("{\"type\":\"hello\"}");
    conn.next(Push.Welcome.class);
  }

  @AfterEach
  void tearDown() {
    conn.close();
    node.close();
    store.close();
  }

  void command(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    conn.onLoop(() -> session.onFrame(b, 0, b.length));
  }

  @Test
  void aSendTheAuthorizerRefusesIsForbiddenNamedByItsCidAndRefAndNeverStoredNorAcked()
      throws Exception {
    command("{\"type\":\"join\",\"conv\":\"ro:news\"}");
    conn.next(Push.Joined.class);
    command(
        "{\"type\":\"send\",\"ref\":\"r1\",\"cid\":\"c1\",\"conv\":\"ro:news\",\"text\":\"hi\"}");
    Push.Error e = conn.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("forbidden");
    assertThat(e.cid()).isEqualTo("c1");
    assertThat(e.ref()).isEqualTo("r1");
    assertThat(e.retry()).isFalse();
    command("{\"type\":\"typing\",\"conv\":\"ro:news\",\"on\":true}");
    assertThat(conn.next(Push.Error.class).code()).isEqualTo("forbidden");
    conn.assertNothingMoreBefore(session); // no ack, no echo
    assertThat(store.lastSeq("ro:news")).isZero();

    command("{\"type\":\"join\",\"conv\":\"rw\"}");
    conn.next(Push.Joined.class);
    command("{\"type\":\"send\",\"cid\":\"c2\",\"conv\":\"rw\",\"text\":\"hi\"}");
    assertThat(conn.nextOf(Push.Ack.class).cid()).isEqualTo("c2");
  }

  @Test
  void aJoinRefusedWithAReasonCarriesItsCode() throws Exception {
    command("{\"type\":\"join\",\"ref\":\"j\",\"conv\":\"gone:x\"}");
    Push.Error e = conn.next(Push.Error.class);
    assertThat(e.code()).isEqualTo("unknown_namespace");
    assertThat(e.ref()).isEqualTo("j");
    assertThat(e.conv()).isEqualTo("gone:x");
    command("{\"type\":\"send\",\"cid\":\"c\",\"conv\":\"gone:x\",\"text\":\"hi\"}");
    assertThat(conn.next(Push.Error.class).code()).isEqualTo("not_joined");
  }

  @Test
  void aConversationThatKeepsNoPresenceListsNobody() throws Exception {
    command("{\"type\":\"join\",\"conv\":\"ro:news\"}");
    Push.Joined j = conn.next(Push.Joined.class);
    assertThat(j.presence()).isEmpty();
    assertThat(j.presenceCount()).isZero();
    command("{\"type\":\"join\",\"conv\":\"rw\"}");
    assertThat(conn.next(Push.Joined.class).presenceCount()).isEqualTo(1);
  }

  @Test
  void aConversationThatOnlyCountsPresenceNamesNobodyAnywhere() throws Exception {
    try (RecordingConnection other = new RecordingConnection()) {
      Session s = node.open(other);
      byte[] hello = "{\"type\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
      other.onLoop(() -> s.onFrame(hello, 0, hello.length));
      other.next(Push.Welcome.class);
      byte[] join = "{\"type\":\"join\",\"conv\":\"count:ops\"}".getBytes(StandardCharsets.UTF_8);
      other.onLoop(() -> s.onFrame(join, 0, join.length));
      assertThat(other.next(Push.Joined.class).presence()).isEmpty();

      command("{\"type\":\"join\",\"conv\":\"count:ops\"}");
      Push.Joined j = conn.next(Push.Joined.class);
      assertThat(j.presence()).as("count only: no user ids").isEmpty();
      assertThat(j.presenceCount()).isEqualTo(2);
      command("{\"type\":\"presence_list\",\"ref\":\"p\",\"conv\":\"count:ops\"}");
      Push.PresenceList page = conn.next(Push.PresenceList.class);
      assertThat(page.ref()).isEqualTo("p");
      assertThat(page.users()).isEmpty();
      assertThat(page.count()).isEqualTo(2);
      assertThat(page.next()).isNull();
      Push.PresenceList asked = new ChannelPresence(node).of("count:ops", 10).get();
      assertThat(asked.users()).isEmpty();
      assertThat(asked.count()).isEqualTo(2);
      other.assertNothingMoreBefore(s); // no presence event either: it would name a user
    }
  }
}
