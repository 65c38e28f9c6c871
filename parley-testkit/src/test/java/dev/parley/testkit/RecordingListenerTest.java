package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyClient.State;
import dev.parley.protocol.Push;
import dev.parley.testkit.RecordingListener.StateChange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The recording listener's queue: callbacks taken in order, by type, and nothing left over. */
@Timeout(60)
class RecordingListenerTest {
  final RecordingListener rec = new RecordingListener();

  static Push.Message message(long seq) {
    return new Push.Message("c", seq, "m" + seq, "u", "text", "text " + seq, seq, null, null);
  }

  static final Push.Typing TYPING = new Push.Typing("c", "u", true, 6000);

  @Test
  void callbacksAreTakenInTheOrderTheyCame() {
    rec.onStateChange(State.IDLE, State.CONNECTING);
    rec.onEvent(TYPING);
    rec.onMessage(message(1));
    assertThat(rec.next(StateChange.class))
        .isEqualTo(new StateChange(State.IDLE, State.CONNECTING));
    assertThat(rec.next(Push.Typing.class)).isEqualTo(TYPING);
    assertThat(rec.nextMessage()).isEqualTo(message(1));
  }

  @Test
  void nextFailsWhenAnotherCallbackComesFirst() {
    rec.onEvent(TYPING);
    rec.onMessage(message(1));
    assertThatThrownBy(() -> rec.next(Push.Message.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected a Message, got Typing");
  }

  @Test
  void nextFailsWhenNothingComesInTime() {
    assertThatThrownBy(() -> rec.next(Push.Message.class, Duration.ofMillis(20)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no callback within 20 ms");
  }

  @Test
  void nextOfSkipsOtherCallbacksWhichTheListsStillHold() {
    rec.onEvent(TYPING);
    rec.onMessage(message(1));
    rec.onMessage(message(2));
    rec.onError(new Push.Error("forbidden", "no", null, null, false, null, null));
    assertThat(rec.nextOf(Push.Message.class, m -> m.seq() == 2)).isEqualTo(message(2));
    assertThat(rec.next(Push.Error.class).code()).isEqualTo("forbidden");
    assertThat(rec.messages()).containsExactly(message(1), message(2));
    assertThat(rec.events()).containsExactly(TYPING);
  }

  @Test
  void assertNoMoreEventsFencesWithAPingAndNamesWhatWasLeft(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir, b -> b.openChannels(true))) {
      ParleyClient client = ParleyClient.builder(server.wsUri()).listener(rec).build();
      try {
        client.connect().get(10, TimeUnit.SECONDS);
        assertThat(List.of(rec.next(StateChange.class).to(), rec.next(StateChange.class).to()))
            .containsExactly(State.CONNECTING, State.CONNECTED);
        client.join("room");
        assertThat(rec.next(Push.Joined.class).conv()).isEqualTo("room");
        rec.assertNoMoreEvents(client);

        // The message comes back to its sender before the ack, and so before the fence's pong.
        client.send("room", "left over").get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> rec.assertNoMoreEvents(client))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("left over");
        rec.assertNoMoreEvents(client); // what was left is reported once
      } finally {
        client.close();
      }
      assertThat(rec.next(StateChange.class).to()).isEqualTo(State.CLOSED);
      rec.assertNoMoreEvents(client); // a closed client is its own fence
    }
  }
}
