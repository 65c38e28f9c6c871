package dev.parley.chat;

import static dev.parley.chat.NotesTest.joined;
import static dev.parley.chat.NotesTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.ChannelProxy.Action;
import dev.parley.chat.ChannelProxy.Verdict;
import dev.parley.chat.Namespace.Audience;
import dev.parley.core.Principal;
import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import dev.parley.protocol.Push;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A namespace's proxy as the chat layer asks it ({@link ProxyAuthorization}) on a real node with
 * in-memory ports, the backend a {@link ScriptedBackend} whose answers each test gives when it
 * chooses: a join and a send wait for the answer, go ahead on allow, and are refused {@code
 * forbidden} on deny and {@code proxy_unavailable} (retryable) on no answer — nothing joined or
 * stored; the namespace's own rule comes first, and without a port the namespace is closed. At the
 * level of {@link ProxyAuthorization} itself: the node's bound on questions in flight, and what
 * each question counts in {@link ChatMetrics}.
 */
@Timeout(30)
class ProxyAuthorizationTest {
  static final NamespaceProxy PROXY =
      new NamespaceProxy(
          URI.create("http://backend.example/subscribe"),
          URI.create("http://backend.example/publish"),
          Duration.ofSeconds(2),
          "sixteen-or-more-characters");

  /** Anyone joins and sends, once the backend agrees. */
  static final Namespace GATED =
      new Namespace("gated", Audience.ANONYMOUS, Audience.ANONYMOUS, true, false, null, PROXY);

  /** Only signed-in users, and then the backend. */
  static final Namespace MEMBERS =
      new Namespace(
          "members", Audience.AUTHENTICATED, Audience.AUTHENTICATED, true, false, null, PROXY);

  /** A backend that records each question and answers when the test completes its future. */
  static final class ScriptedBackend implements ChannelProxy {
    record Asked(NamespaceProxy proxy, Call call, CompletableFuture<Verdict> answer) {}

    final BlockingQueue<Asked> asked = new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<Verdict> ask(NamespaceProxy proxy, Call call) {
      CompletableFuture<Verdict> answer = new CompletableFuture<>();
      asked.add(new Asked(proxy, call, answer));
      return answer;
    }

    Asked next() throws InterruptedException {
      Asked a = asked.poll(10, TimeUnit.SECONDS);
      assertThat(a).as("the backend was asked").isNotNull();
      return a;
    }
  }

  ChatHarness h;
  final ScriptedBackend backend = new ScriptedBackend();

  @BeforeEach
  void start() {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
    h.chat.channelProxy(backend);
    Map<String, Site> sites = new HashMap<>();
    h.directory.sites().forEach(s -> sites.put(s.id(), s));
    h.directory.replace(
        sites,
        h.directory.agents(),
        Map.of(GATED.name(), GATED, MEMBERS.name(), MEMBERS),
        h.directory.version() + 1);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  static String join(String ref, String conv) {
    return "{\"type\":\"join\",\"ref\":\"" + ref + "\",\"conv\":\"" + conv + "\"}";
  }

  @Test
  void aJoinAsksTheBackendWhoAndWhereAndGoesAheadWhenItAllows() throws Exception {
    ChatHarness.Client v = h.visitor();
    v.send(join("j", "gated:lobby"));
    ScriptedBackend.Asked a = backend.next();
    assertThat(a.call())
        .isEqualTo(
            new ChannelProxy.Call(
                Action.SUBSCRIBE,
                v.session().principal().user(),
                "gated",
                "gated:lobby",
                null,
                null));
    assertThat(a.proxy()).isEqualTo(PROXY);
    a.answer().complete(Verdict.ALLOW);
    assertThat(joined(v, "gated:lobby").ref()).isEqualTo("j");
  }

  @Test
  void aJoinTheBackendDeniesIsForbiddenAndOneItDoesNotAnswerIsRetryable() throws Exception {
    ChatHarness.Client v = h.visitor();
    v.send(join("d", "gated:a"));
    backend.next().answer().complete(Verdict.DENY);
    Push.Error denied = v.nextOf(Push.Error.class);
    assertThat(denied.code()).isEqualTo("forbidden");
    assertThat(denied.ref()).isEqualTo("d");
    assertThat(denied.conv()).isEqualTo("gated:a");

    v.send(join("u", "gated:b"));
    backend.next().answer().complete(Verdict.UNAVAILABLE);
    Push.Error unavailable = v.nextOf(Push.Error.class);
    assertThat(unavailable.code()).isEqualTo("proxy_unavailable");
    assertThat(unavailable.retry()).isTrue();
    assertThat(unavailable.retryAfterMs()).isEqualTo(ProxyAuthorization.RETRY_AFTER_MS);
    assertThat(unavailable.ref()).isEqualTo("u");
    assertThat(unavailable.conv()).isEqualTo("gated:b");

    v.send(send("gated:b", "c1", "not joined"));
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("not_joined");
  }

  @Test
  void aSendIsStoredOnlyWhenTheBackendAllowsIt() throws Exception {
    ChatHarness.Client v = h.visitor();
    v.send(join("j", "gated:room"));
    backend.next().answer().complete(Verdict.ALLOW);
    joined(v, "gated:room");

    v.send(send("gated:room", "no", "denied words"));
    ScriptedBackend.Asked denied = backend.next();
    assertThat(denied.call().action()).isEqualTo(Action.PUBLISH);
    assertThat(denied.call().cid()).isEqualTo("no");
    assertThat(denied.call().text()).isEqualTo("denied words");
    denied.answer().complete(Verdict.DENY);
    Push.Error refused = v.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.cid()).isEqualTo("no");

    v.send(send("gated:room", "later", "no answer"));
    backend.next().answer().complete(Verdict.UNAVAILABLE);
    Push.Error unavailable = v.nextOf(Push.Error.class);
    assertThat(unavailable.code()).isEqualTo("proxy_unavailable");
    assertThat(unavailable.retry()).isTrue();
    assertThat(unavailable.retryAfterMs()).isEqualTo(1000L);
    assertThat(unavailable.cid()).isEqualTo("later");

    v.send(send("gated:room", "yes", "allowed words"));
    backend.next().answer().complete(Verdict.ALLOW);
    Push.Ack ack = v.nextOf(Push.Ack.class);
    assertThat(ack.cid()).isEqualTo("yes");
    assertThat(ack.seq()).as("the refused sends stored nothing").isEqualTo(1);
  }

  @Test
  void aResendOfAStoredCidIsAckedWhateverTheBackendNowAnswers() throws Exception {
    ChatHarness.Client v = h.visitor();
    v.send(join("j", "gated:room"));
    backend.next().answer().complete(Verdict.ALLOW);
    joined(v, "gated:room");
    v.send(send("gated:room", "c1", "120"));
    backend.next().answer().complete(Verdict.ALLOW);
    Push.Ack first = v.nextOf(Push.Ack.class);

    // The ack was lost on the way: the client sends c1 again, and the backend has changed its mind.
    for (Verdict now : List.of(Verdict.DENY, Verdict.UNAVAILABLE)) {
      v.send(send("gated:room", "c1", "120"));
      ScriptedBackend.Asked again = backend.next();
      assertThat(again.call().cid()).as("the backend is still asked first").isEqualTo("c1");
      again.answer().complete(now);
      Push.Ack ack = v.nextOf(Push.Ack.class);
      assertThat(ack.cid()).isEqualTo("c1");
      assertThat(ack.seq()).isEqualTo(first.seq()).isEqualTo(1);
      assertThat(ack.id()).isEqualTo(first.id());
    }

    v.send(send("gated:room", "c2", "130"));
    backend.next().answer().complete(Verdict.DENY);
    Push.Error refused = v.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.cid()).isEqualTo("c2");
    assertThat(h.store.lastSeq("gated:room")).isEqualTo(1);
  }

  @Test
  void theNamespacesOwnRuleComesFirst() throws Exception {
    ChatHarness.Client v = h.visitor(); // anonymous: not admitted by "authenticated"
    v.send(join("m", "members:x"));
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(backend.asked).as("the backend is not asked for whom the rule refuses").isEmpty();
  }

  @Test
  void withoutAWayToTheBackendANamespaceWithAProxyIsClosed() throws Exception {
    h.chat.channelProxy(ChannelProxy.NONE);
    ChatHarness.Client v = h.visitor();
    v.send(join("j", "gated:x"));
    Push.Error e = v.nextOf(Push.Error.class);
    assertThat(e.code()).isEqualTo("proxy_unavailable");
    assertThat(e.retryAfterMs()).isEqualTo(1000L);
  }

  static final Principal ANA = new Principal("shop:ana", Map.of(), null);

  /** The error a refused question's future failed with. */
  static ProtocolException refusal(CompletableFuture<?> f) {
    assertThat(f).as("refused at once").isCompletedExceptionally();
    Throwable t = f.handle((v, e) -> e).join();
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    assertThat(cause).isInstanceOf(ProtocolException.class);
    return (ProtocolException) cause;
  }

  @Test
  void beyondTheNodesBoundAJoinOrSendIsRefusedAtOnceWithoutAskingTheBackend() throws Exception {
    ProxyAuthorization auth = new ProxyAuthorization(h.directory, h.clock);
    auth.port(backend);
    List<CompletableFuture<Boolean>> held = new ArrayList<>();
    for (int i = 0; i < ProxyAuthorization.MAX_IN_FLIGHT; i++) {
      held.add(auth.maySubscribe(ANA, GATED, "gated:c" + i));
    }
    assertThat(held).allSatisfy(f -> assertThat(f).isNotDone());
    assertThat(backend.asked).hasSize(256);

    ProtocolException join = refusal(auth.maySubscribe(ANA, GATED, "gated:one-more"));
    assertThat(join.code()).isEqualTo(ErrorCode.PROXY_UNAVAILABLE);
    assertThat(join.retryAfterMs()).isEqualTo(1000L);
    ProtocolException send =
        refusal(auth.beforePublish(ANA, new Command.Send(null, "c1", "gated:room", "hi")));
    assertThat(send.code()).isEqualTo(ErrorCode.PROXY_UNAVAILABLE);
    assertThat(send.retryAfterMs()).isEqualTo(1000L);
    assertThat(backend.asked).as("the backend was not asked beyond the bound").hasSize(256);

    backend.next().answer().complete(Verdict.DENY); // an answer frees a place
    assertThat(held.getFirst()).isCompletedWithValue(false);
    CompletableFuture<Void> next =
        auth.beforePublish(ANA, new Command.Send(null, "c2", "gated:room", "hi"));
    assertThat(next).isNotDone();
    assertThat(backend.asked).hasSize(256);
    assertThat(backend.asked.stream().map(a -> a.call().cid())).contains("c2");
  }

  /** Records what the chat layer counts about proxies, one line each. */
  static final class RecordingMetrics implements ChatMetrics {
    final List<String> counted = new CopyOnWriteArrayList<>();

    @Override
    public void proxyAsked(String kind, String verdict, long nanos) {
      counted.add(kind + " " + verdict + " " + nanos);
    }

    @Override
    public void proxyOverloaded(String kind) {
      counted.add(kind + " overload");
    }
  }

  @Test
  void eachVerdictIsCountedWithTheTimeItTook() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    ProxyAuthorization auth = new ProxyAuthorization(h.directory, h.clock, 1);
    auth.port(backend);
    auth.metrics(metrics);

    CompletableFuture<Boolean> join = auth.maySubscribe(ANA, GATED, "gated:a");
    refusal(auth.beforePublish(ANA, new Command.Send(null, "c0", "gated:a", "x")));
    h.clock.advance(Duration.ofMillis(40));
    backend.next().answer().complete(Verdict.ALLOW);
    assertThat(join).isCompletedWithValue(true);
    auth.beforePublish(ANA, new Command.Send(null, "c1", "gated:a", "x"));
    backend.next().answer().complete(Verdict.DENY);
    auth.beforePublish(ANA, new Command.Send(null, "c2", "gated:a", "x"));
    backend.next().answer().complete(Verdict.UNAVAILABLE);

    assertThat(metrics.counted)
        .containsExactly(
            "publish overload",
            "subscribe allow " + Duration.ofMillis(40).toNanos(),
            "publish deny 0",
            "publish unavailable 0");
  }

  @Test
  void metricsThatFailAndABackendThatAnswersNullNeitherChangeAVerdictNorLeakAPlace()
      throws Exception {
    ProxyAuthorization auth = new ProxyAuthorization(h.directory, h.clock, 1);
    auth.port(backend);
    auth.metrics(
        new ChatMetrics() {
          @Override
          public void proxyAsked(String kind, String verdict, long nanos) {
            throw new IllegalStateException("a broken registry");
          }

          @Override
          public void proxyOverloaded(String kind) {
            throw new IllegalStateException("a broken registry");
          }
        });

    CompletableFuture<Boolean> join = auth.maySubscribe(ANA, GATED, "gated:a");
    assertThat(refusal(auth.maySubscribe(ANA, GATED, "gated:b")).code())
        .as("the overload refusal, not the registry's exception")
        .isEqualTo(ErrorCode.PROXY_UNAVAILABLE);
    backend.next().answer().complete(Verdict.ALLOW);
    assertThat(join).as("allowed, whatever the metrics did").isCompletedWithValue(true);

    CompletableFuture<Boolean> nulled = auth.maySubscribe(ANA, GATED, "gated:c");
    backend.next().answer().complete(null);
    assertThat(refusal(nulled).code()).isEqualTo(ErrorCode.PROXY_UNAVAILABLE);
    assertThat(auth.maySubscribe(ANA, GATED, "gated:d"))
        .as("the one place is free again: the backend is asked")
        .isNotDone();
    assertThat(backend.next().call().channel()).isEqualTo("gated:d");
  }
}
