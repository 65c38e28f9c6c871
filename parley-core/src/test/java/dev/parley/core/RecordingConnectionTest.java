package dev.parley.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The test connection itself: {@code next} reads in order, {@code nextOf} takes a type's first
 * frame and keeps those it passed over for a later {@code nextOf} of theirs.
 */
@Timeout(30)
class RecordingConnectionTest {
  final Codec codec = new Codec();

  void arrive(RecordingConnection c, Push... pushes) {
    for (Push p : pushes) {
      c.send(codec.encode(p));
    }
  }

  @Test
  void aFrameOfAnotherTypeThatCameFirstIsStillThereForItsOwnNextOf() throws Exception {
    try (RecordingConnection c = new RecordingConnection()) {
      Push.Presence online = new Push.Presence("c", "u", true);
      Push.Ack ack = new Push.Ack(null, "a", "c", 1, "m_1", 5);
      arrive(c, online, new Push.Pong("one"), ack);

      assertThat(c.nextOf(Push.Ack.class)).isEqualTo(ack);
      assertThat(c.nextOf(Push.Presence.class)).as("passed over, not dropped").isEqualTo(online);
      assertThat(c.nextOf(Push.Pong.class)).isEqualTo(new Push.Pong("one"));
    }
  }

  @Test
  void nextReadsOnFromTheLastFrameTakenFromTheStream() throws Exception {
    try (RecordingConnection c = new RecordingConnection()) {
      arrive(c, new Push.Pong("skipped"), new Push.Ack(null, "a", "c", 1, "m_1", 5));
      arrive(c, new Push.Pong("after"));

      c.nextOf(Push.Ack.class);
      assertThat(c.next()).isEqualTo(new Push.Pong("after"));
      assertThat(c.nextOf(Push.Pong.class)).isEqualTo(new Push.Pong("skipped"));
    }
  }
}
