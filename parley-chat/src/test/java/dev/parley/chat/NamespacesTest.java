package dev.parley.chat;

import static dev.parley.chat.NotesTest.joined;
import static dev.parley.chat.NotesTest.nextIn;
import static dev.parley.chat.NotesTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.Namespace.Audience;
import dev.parley.core.PresencePolicy;
import dev.parley.protocol.Push;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel namespaces ({@link Namespace}) enforced by the chat layer on a real node with in-memory
 * ports: who may join and send, unknown namespaces, presence and events per namespace, and a change
 * of the configuration applying at once.
 */
@Timeout(30)
class NamespacesTest {
  static final Namespace NEWS =
      new Namespace("news", Audience.ANONYMOUS, Audience.AGENTS, true, false);

  ChatHarness h;

  @BeforeEach
  void start() {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
    namespaces(NEWS);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** Puts these namespaces in force, as the configuration's next version. */
  void namespaces(Namespace... ns) {
    Map<String, Site> sites = new HashMap<>();
    h.directory.sites().forEach(s -> sites.put(s.id(), s));
    Map<String, Namespace> byName = new HashMap<>();
    for (Namespace n : ns) {
      byName.put(n.name(), n);
    }
    h.directory.replace(sites, h.directory.agents(), byName, h.directory.version() + 1);
  }

  ChatHarness.Client signedIn(String user) throws InterruptedException {
    ChatHarness.Client c = h.connect(Map.of());
    c.send("{\"type\":\"hello\",\"site\":\"demo\",\"token\":\"signed-in:demo:" + user + "\"}");
    c.next(Push.Welcome.class);
    return c;
  }

  static String join(String ref, String conv) {
    return "{\"type\":\"join\",\"ref\":\"" + ref + "\",\"conv\":\"" + conv + "\"}";
  }

  @Test
  void anAnonymousVisitorReadsWhatAnAgentPublishesButCannotSendItself() throws Exception {
    ChatHarness.Client v = h.visitor();
    ChatHarness.Client maya = h.agent("maya");
    v.send(join("j", "news:today"));
    assertThat(joined(v, "news:today").ref()).isEqualTo("j");
    maya.send(join("j", "news:today"));
    joined(maya, "news:today");

    v.send(send("news:today", "v1", "me too").replace("{", "{\"ref\":\"s1\","));
    Push.Error refused = v.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.cid()).isEqualTo("v1");
    assertThat(refused.ref()).isEqualTo("s1");
    assertThat(refused.field()).isEqualTo("conv");

    maya.send(send("news:today", "m1", "Rates are up"));
    Push.Ack ack = maya.nextOf(Push.Ack.class);
    assertThat(ack.seq()).as("the refused send stored nothing").isEqualTo(1);
    Push.Message m = nextIn(v, "news:today");
    assertThat(m.text()).isEqualTo("Rates are up");
    assertThat(m.from()).isEqualTo("maya");
    v.assertNothingMore(); // no ack for the refused send, ever
  }

  @Test
  void aChannelOfNoConfiguredNamespaceIsUnknownAndOtherIdsStayClosed() throws Exception {
    ChatHarness.Client v = h.visitor();
    v.send(join("n", "nope:x"));
    Push.Error unknown = v.nextOf(Push.Error.class);
    assertThat(unknown.code()).isEqualTo("unknown_namespace");
    assertThat(unknown.ref()).isEqualTo("n");
    assertThat(unknown.conv()).isEqualTo("nope:x");
    assertThat(unknown.retry()).isNotEqualTo(true);

    v.send(join("l", "lobby")); // no namespace: an open channel, and open channels are off
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
  }

  @Test
  void withOpenChannelsOnIdsOfNoNamespaceStayOpenAsBefore() throws Exception {
    h.close();
    h =
        new ChatHarness(
            new ChatConfig(true, Duration.ofSeconds(20), Duration.ofMinutes(3), false, false),
            ChatHarness.agent("maya", 2));
    namespaces(new Namespace("news", Audience.AGENTS, Audience.AGENTS, true, false));
    ChatHarness.Client v = h.visitor();
    v.send(join("a", "room:1"));
    assertThat(joined(v, "room:1").ref()).isEqualTo("a");
    v.send(send("room:1", "c1", "hi"));
    assertThat(v.nextOf(Push.Ack.class).cid()).isEqualTo("c1");
    v.send(join("b", "news:today")); // a namespace's rule wins over open channels
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
  }

  @Test
  void subscribeAndPublishAdmitOnlyTheirAudience() throws Exception {
    namespaces(
        new Namespace("members", Audience.AUTHENTICATED, Audience.AUTHENTICATED, true, false),
        new Namespace("feed", Audience.ANONYMOUS, Audience.SERVER, true, false));
    ChatHarness.Client anon = h.visitor();
    anon.send(join("m", "members:lounge"));
    Push.Error refused = anon.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("m");

    ChatHarness.Client known = signedIn("42");
    known.send(join("m", "members:lounge"));
    joined(known, "members:lounge");
    known.send(send("members:lounge", "k1", "hello"));
    assertThat(known.nextOf(Push.Ack.class).cid()).isEqualTo("k1");

    ChatHarness.Client maya = h.agent("maya");
    maya.send(join("f", "feed:prices"));
    joined(maya, "feed:prices");
    maya.send(send("feed:prices", "m1", "no clients here"));
    assertThat(maya.nextOf(Push.Error.class).code()).as("publish: server").isEqualTo("forbidden");
    maya.send("{\"type\":\"typing\",\"conv\":\"feed:prices\",\"on\":true}");
    assertThat(maya.nextOf(Push.Error.class).code()).as("nor typing").isEqualTo("forbidden");
    assertThat(h.store.lastSeq("feed:prices")).isZero();
  }

  @Test
  void aChangedNamespaceAppliesToTheNextSendAndJoin() throws Exception {
    ChatHarness.Client v = h.visitor();
    v.send(join("j", "news:today"));
    joined(v, "news:today");
    namespaces(new Namespace("news", Audience.ANONYMOUS, Audience.ANONYMOUS, true, false));
    v.send(send("news:today", "v1", "now I may"));
    assertThat(v.nextOf(Push.Ack.class).cid()).isEqualTo("v1");

    namespaces(); // deleted: its channels are unknown to new joins and closed to sends
    v.send(send("news:today", "v2", "gone"));
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    v.send(join("again", "news:other"));
    assertThat(v.nextOf(Push.Error.class).code()).isEqualTo("unknown_namespace");
  }

  @Test
  void aNamespaceWithoutPresenceListsNobodyAndAnnouncesNothing() throws Exception {
    namespaces(
        NEWS,
        new Namespace("ticks", Audience.ANONYMOUS, Audience.AGENTS, false, true),
        new Namespace("room", Audience.ANONYMOUS, Audience.ANONYMOUS, true, true));
    ChatHarness.Client v = h.visitor();
    v.send(join("t", "ticks:eur"));
    Push.Joined j = joined(v, "ticks:eur");
    assertThat(j.presence()).isEmpty();
    assertThat(j.presenceCount()).isZero();
    v.send("{\"type\":\"presence_list\",\"ref\":\"p\",\"conv\":\"ticks:eur\"}");
    Push.PresenceList page = v.nextOf(Push.PresenceList.class);
    assertThat(page.count()).isZero();
    assertThat(page.users()).isEmpty();

    v.send(join("r", "room:1"));
    assertThat(joined(v, "room:1").presenceCount()).isEqualTo(1);

    PresencePolicy p = h.chat.presencePolicy(false);
    assertThat(p.tracks("ticks:eur")).isFalse();
    assertThat(p.tracks("room:1")).isTrue();
    assertThat(p.announces("room:1")).as("joinLeaveEvents on").isTrue();
    assertThat(p.announces("news:today")).as("joinLeaveEvents off").isFalse();
    assertThat(p.announces("lobby")).as("open channels: --channel-presence-events").isFalse();
    assertThat(h.chat.presencePolicy(true).announces("lobby")).isTrue();
    assertThat(h.chat.presencePolicy(true).announces("news:today"))
        .as("the namespace decides, not the open channels' setting")
        .isFalse();
    assertThat(p.announces("agents:demo")).isTrue();
    assertThat(p.tracks("chat_x")).isTrue();
  }
}
