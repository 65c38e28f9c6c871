package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ParleyClient;
import dev.parley.client.Position;
import dev.parley.protocol.Push;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK past the connection's join rate (docs/PROTOCOL.md#join: 64 at once, then 5 a
 * second): a client that joined and left 64 channels, then joins 5 more, has those refused {@code
 * rate_limited}; it makes them again after the wait the server names, so every channel asked for is
 * joined, and the refusals never reach the listener. {@code leave} frees the conversation cap, and
 * the {@code joined} that answers a join the client left before it arrived is not taken up: the
 * position stays forgotten (a reconnect would join it again).
 */
@Timeout(60)
class JoinRateClientTest {
  @TempDir Path dir;

  @Test
  void joinsBeyondTheRateAreMadeAgainAndEveryChannelIsJoined() throws Exception {
    RecordingListener rec = new RecordingListener();
    try (TestServer server = SitesServer.start(dir, EphemeralChannelsTest.FILE);
        ParleyClient client =
            ParleyClient.builder(server.wsUri()).site("shop").listener(rec).build()) {
      client.connect().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 64; i++) { // the burst, back to back: join and leave
        client.join("ticks:burst-" + i);
        client.leave("ticks:burst-" + i);
      }
      Set<String> asked = new HashSet<>();
      for (int i = 0; i < 5; i++) { // beyond the burst: refused rate_limited, made again
        asked.add("ticks:later-" + i);
        client.join("ticks:later-" + i);
      }

      Set<String> joined = new HashSet<>();
      List<Push.Error> errors = new ArrayList<>();
      while (!joined.containsAll(asked)) {
        Push p;
        try {
          p = rec.nextOf(Push.class);
        } catch (AssertionError timeout) {
          throw new AssertionError("joined " + joined + "; errors " + errors, timeout);
        }
        if (p instanceof Push.Joined j) {
          joined.add(j.conv());
        } else if (p instanceof Push.Error e) {
          errors.add(e);
        }
      }
      assertThat(errors).as("refusals handled, not surfaced").isEmpty();
      assertThat(joined).containsAll(asked);
      // Every burst channel's joined and left came before the later joins' answers.
      for (int i = 0; i < 64; i++) {
        assertThat(client.positionOf("ticks:burst-" + i))
            .as("burst-" + i + " left: nothing held, not even its epoch")
            .isEqualTo(new Position(-1, null));
      }
    }
  }
}
