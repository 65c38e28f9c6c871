package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.NodeClock;
import dev.parley.protocol.chat.ChatEvent;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The widget's email offer follows the site's away-ness mid-session ({@link AwayWatch}) on the
 * manual clock: agents coming and going, business hours beginning and ending; a visitor is told
 * again only when the answer changed.
 */
@Timeout(30)
class AwayWatchTest {
  ChatHarness h;

  @AfterEach
  void stop() {
    h.close();
  }

  ChatHarness harness(BusinessHours hours) {
    h =
        new ChatHarness(
            ChatConfig.defaults(),
            List.of(new Site("demo", "Demo", List.of("*"), "Hi", "Bot", 0.5, hours)),
            ChatHarness.agent("maya", 2));
    h.mailPort.enabled = true;
    return h;
  }

  @Test
  void theOfferIsWithdrawnWhenAnAgentComesOnlineAndMadeAgainWhenTheAgentLeaves() throws Exception {
    harness(BusinessHours.always());
    ChatHarness.Client v = h.visitor();
    ChatEvent.Mail first = v.nextOf(ChatEvent.Mail.class);
    assertThat(first.away()).as("no agent online").isTrue();

    ChatHarness.Client maya = h.agent("maya");
    h.elapse(AwayWatch.RECHECK);
    ChatEvent.Mail back = v.nextOf(ChatEvent.Mail.class);
    assertThat(back.away()).as("an agent came online").isFalse();
    assertThat(back.conv()).isEqualTo(first.conv());
    assertThat(back.emailOnFile()).isFalse();

    h.elapse(AwayWatch.RECHECK.multipliedBy(2));
    v.send(
        "{\"type\":\"contact\",\"conv\":\"" + first.conv() + "\",\"email\":\"ana@example.com\"}");
    ChatEvent.Mail contact = v.nextOf(ChatEvent.Mail.class);
    assertThat(contact.emailOnFile())
        .as("nothing changed in between: the next mail event is the answer to contact")
        .isTrue();
    assertThat(contact.away()).isFalse();

    h.disconnect(maya);
    h.elapse(AwayWatch.RECHECK);
    ChatEvent.Mail gone = v.nextOf(ChatEvent.Mail.class);
    assertThat(gone.away()).as("the last agent went offline").isTrue();
    assertThat(gone.emailOnFile()).as("the address stays on file").isTrue();
  }

  @Test
  void theOfferFollowsBusinessHoursBeginningAndEnding() throws Exception {
    // The manual clock starts at 2026-01-01T00:00Z: closed until 00:01, open until 00:03.
    harness(
        new BusinessHours(
            EnumSet.allOf(DayOfWeek.class),
            LocalTime.of(0, 1),
            LocalTime.of(0, 3),
            ZoneOffset.UTC));
    h.agent("maya");
    ChatHarness.Client v = h.visitor();
    assertThat(v.nextOf(ChatEvent.Mail.class).away()).as("before opening time").isTrue();

    h.elapse(Duration.ofMinutes(1).plus(AwayWatch.RECHECK));
    assertThat(v.nextOf(ChatEvent.Mail.class).away()).as("business hours began").isFalse();

    h.elapse(Duration.ofMinutes(2).plus(AwayWatch.RECHECK));
    assertThat(v.nextOf(ChatEvent.Mail.class).away()).as("business hours ended").isTrue();
  }

  @Test
  void aSiteWhoseAwayNessCannotBeToldInTimeDoesNotStopTheChecks() throws Exception {
    harness(BusinessHours.always());
    ChatHarness.Client v = h.visitor();
    ChatEvent.Mail first = v.nextOf(ChatEvent.Mail.class);
    CompletableFuture<Boolean> never = new CompletableFuture<>();
    AtomicInteger asked = new AtomicInteger();
    try (AwayWatch w =
        new AwayWatch(
            h.clock,
            site -> asked.incrementAndGet() == 1 ? never : CompletableFuture.completedFuture(false),
            site ->
                conv ->
                    CompletableFuture.completedFuture(new ChatEvent.Mail(conv, false, false)))) {
      w.told(v.session(), "demo", first);
      CompletableFuture<Void> stuck = w.check();
      assertThat(stuck).isNotDone();

      h.advance(AwayWatch.RECHECK); // the stuck answer times out; the next check is scheduled
      stuck.join();
      h.advance(AwayWatch.RECHECK);
      w.lastCheck().join();
      assertThat(asked).hasValue(2);
      assertThat(v.nextOf(ChatEvent.Mail.class).away())
          .as("the next check told the change")
          .isFalse();
    }
  }

  /**
   * The harness's clock, keeping the timers scheduled through it that have neither run nor gone.
   */
  static final class TimerCount implements NodeClock {
    final NodeClock inner;
    final Set<Object> live = ConcurrentHashMap.newKeySet();

    TimerCount(NodeClock inner) {
      this.inner = inner;
    }

    @Override
    public long millis() {
      return inner.millis();
    }

    @Override
    public long nanoTime() {
      return inner.nanoTime();
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      Object mark = new Object();
      live.add(mark);
      Timer t =
          inner.schedule(
              delay,
              () -> {
                live.remove(mark);
                task.run();
              });
      return () -> {
        live.remove(mark);
        t.cancel();
      };
    }
  }

  @Test
  void aCheckOfManySitesHasOneTimeOutWhichGoesOnceEverySiteAnswered() throws Exception {
    harness(BusinessHours.always());
    List<String> sites = List.of("demo", "shop", "docs");
    Map<String, CompletableFuture<Boolean>> answers = new ConcurrentHashMap<>();
    TimerCount clock = new TimerCount(h.clock);
    try (AwayWatch w =
        new AwayWatch(
            clock,
            site -> answers.computeIfAbsent(site, s -> new CompletableFuture<>()),
            site ->
                conv ->
                    CompletableFuture.completedFuture(new ChatEvent.Mail(conv, false, false)))) {
      for (String site : sites) {
        ChatHarness.Client v = h.visitor();
        w.told(v.session(), site, v.nextOf(ChatEvent.Mail.class));
      }
      CompletableFuture<Void> check = w.check();
      assertThat(answers).containsOnlyKeys(sites);
      assertThat(clock.live).as("one time-out for three sites").hasSize(1);

      answers.values().forEach(a -> a.complete(true));
      check.join();
      assertThat(clock.live).as("the time-out went; the next check is scheduled").hasSize(1);
      h.advance(AwayWatch.RECHECK.minusSeconds(1));
      assertThat(w.lastCheck()).isSameAs(check);
      h.advance(Duration.ofSeconds(1));
      assertThat(w.lastCheck()).as("the next check ran").isNotSameAs(check);
      w.lastCheck().join();
      assertThat(clock.live).as("its time-out went too").hasSize(1);
    }
  }

  @Test
  void aFreshEventThatCouldNotBeMadeIsTriedAgainAtTheNextCheck() throws Exception {
    harness(BusinessHours.always());
    ChatHarness.Client v = h.visitor();
    ChatEvent.Mail first = v.nextOf(ChatEvent.Mail.class);
    AtomicInteger made = new AtomicInteger();
    try (AwayWatch w =
        new AwayWatch(
            h.clock,
            site -> CompletableFuture.completedFuture(false),
            site ->
                conv ->
                    made.incrementAndGet() == 1
                        ? CompletableFuture.failedFuture(new IllegalStateException("store down"))
                        : CompletableFuture.completedFuture(
                            new ChatEvent.Mail(conv, false, true)))) {
      w.told(v.session(), "demo", first);
      w.check().join();
      v.conn().drainLoop();
      w.check().join();

      ChatEvent.Mail retried = v.nextOf(ChatEvent.Mail.class);
      assertThat(retried.away()).isFalse();
      assertThat(made).hasValue(2);
    }
  }

  @Test
  void aVisitorWhoLeftIsForgotten() throws Exception {
    harness(BusinessHours.always());
    ChatHarness.Client v = h.visitor();
    v.nextOf(ChatEvent.Mail.class);
    h.disconnect(v);
    h.agent("maya");
    h.advance(AwayWatch.RECHECK);
    h.chat.mail().watch().lastCheck().join();
    assertThat(h.chat.mail().watch().watched()).isZero();
  }
}
