package dev.parley.chat;

import static dev.parley.chat.VisitorFlowTest.greeted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code rate}: who may rate, when, what is kept, and who hears of it. */
@Timeout(30)
class RatingsTest {
  ChatHarness h;

  @BeforeEach
  void start() {
    h = new ChatHarness(ChatConfig.defaults(), ChatHarness.agent("maya", 2));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** A visitor whose conversation maya accepted and resolved; returns its id. */
  String resolved(ChatHarness.Client v, ChatHarness.Client maya) throws Exception {
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    maya.send("{\"type\":\"accept\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "assigned");
    maya.send("{\"type\":\"resolve\",\"conv\":\"" + conv + "\"}");
    AgentRoutingTest.awaitStatus(v, conv, "resolved");
    AgentRoutingTest.awaitStatus(maya, conv, "resolved");
    return conv;
  }

  static ChatEvent.Conversation nextRated(ChatHarness.Client c) throws InterruptedException {
    while (true) {
      ChatEvent.Conversation e = c.nextOf(ChatEvent.Conversation.class);
      if (e.rating() != null) {
        return e;
      }
    }
  }

  @Test
  void theVisitorRatesAResolvedConversationTheAgentsHearItAndTheStoreCountsIt() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    maya.nextOf(Push.Joined.class);
    ChatHarness.Client v = h.visitor();
    String conv = resolved(v, maya);
    h.clock.advance(Duration.ofMinutes(1));
    long ratedAt = h.clock.millis();

    v.send("{\"type\":\"rate\",\"conv\":\"" + conv + "\",\"rating\":\"bad\",\"comment\":\"slow\"}");
    ChatEvent.Conversation toAgents = nextRated(maya);
    assertThat(toAgents.conv()).isEqualTo(conv);
    assertThat(toAgents.status()).isEqualTo("resolved");
    assertThat(toAgents.visitor()).isEqualTo(v.session().principal().user());
    assertThat(toAgents.rating()).isEqualTo("bad");
    assertThat(toAgents.ratingComment()).isEqualTo("slow");
    ChatEvent.Conversation toVisitor = nextRated(v);
    assertThat(toVisitor.rating()).isEqualTo("bad");
    assertThat(toVisitor.visitor()).as("a visitor's view stays the visitor's").isNull();

    v.send("{\"type\":\"rate\",\"ref\":\"again\",\"conv\":\"" + conv + "\",\"rating\":\"good\"}");
    Push.Error tooSoon = v.nextOf(Push.Error.class);
    assertThat(tooSoon.code()).as("a moment later").isEqualTo("rate_limited");
    assertThat(tooSoon.ref()).isEqualTo("again");
    h.clock.advance(Ratings.MIN_GAP);
    long ratedAgainAt = h.clock.millis();
    v.send("{\"type\":\"rate\",\"conv\":\"" + conv + "\",\"rating\":\"good\"}");
    assertThat(nextRated(maya).rating()).as("rating again replaces it").isEqualTo("good");
    assertThat(h.chatStore.ratingOf(conv).get().orElseThrow())
        .isEqualTo(new Rating(conv, "demo", true, null, ratedAgainAt));
    assertThat(h.chat.ratings().counts("demo", 0).get()).isEqualTo(new Rating.Counts(1, 0));
    List<IntegrationEvent> rated =
        h.events.stream()
            .filter(e -> e.type() == IntegrationEvent.Type.CONVERSATION_RATED)
            .toList();
    assertThat(rated).as("each rating is an integration event").hasSize(2);
    assertThat(rated.get(0).rating()).isEqualTo(new Rating(conv, "demo", false, "slow", ratedAt));
    assertThat(rated.get(1).rating().good()).isTrue();
    assertThat(rated.get(1).conversation().status()).isEqualTo(ConversationStatus.RESOLVED);
  }

  @Test
  void anOpenConversationCannotBeRated() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    v.send("{\"type\":\"rate\",\"ref\":\"r1\",\"conv\":\"" + conv + "\",\"rating\":\"good\"}");
    Push.Error refused = v.nextOf(Push.Error.class);
    assertThat(refused.ref()).isEqualTo("r1");
    assertThat(refused.code()).isEqualTo("invalid_field");
    assertThat(refused.field()).isEqualTo("conv");
    assertThat(refused.message()).contains("not resolved");
    assertThat(h.chatStore.ratingOf(conv).get()).isEmpty();
  }

  @Test
  void onlyTheConversationsVisitorRatesIt() throws Exception {
    ChatHarness.Client maya = h.agent("maya");
    maya.nextOf(Push.Joined.class);
    ChatHarness.Client v = h.visitor();
    String conv = resolved(v, maya);
    ChatHarness.Client other = h.visitor();
    greeted(other);
    other.send("{\"type\":\"rate\",\"ref\":\"r2\",\"conv\":\"" + conv + "\",\"rating\":\"bad\"}");
    Push.Error refused = other.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    maya.send("{\"type\":\"rate\",\"ref\":\"r3\",\"conv\":\"" + conv + "\",\"rating\":\"good\"}");
    assertThat(maya.nextOf(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(h.chatStore.ratingOf(conv).get()).isEmpty();
  }

  @Test
  void aRatingOtherThanGoodOrBadOrAnOverlongCommentIsRefusedNamingTheField() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = greeted(v);
    v.send("{\"type\":\"rate\",\"conv\":\"" + conv + "\",\"rating\":\"meh\"}");
    Push.Error bad = v.nextOf(Push.Error.class);
    assertThat(bad.code()).isEqualTo("invalid_field");
    assertThat(bad.field()).isEqualTo("rating");
    String comment = "😀".repeat(1001);
    v.send(
        "{\"type\":\"rate\",\"conv\":\""
            + conv
            + "\",\"rating\":\"good\",\"comment\":\""
            + comment
            + "\"}");
    assertThat(v.nextOf(Push.Error.class).field()).isEqualTo("comment");
  }
}
