package dev.parley.chat;

import dev.parley.core.Authorizer;
import dev.parley.core.Principal;
import dev.parley.core.StreamWindow;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The server's own channels, in the reserved namespace {@code parley} ({@link Namespace#problem}):
 * today {@value #STATS}, where every node publishes its live figures once a second for the admin
 * dashboard and the operations board ({@code docs/PROTOCOL.md#server-channels}). Their rules are
 * fixed, not configured: admins may join them, and so may the holders of a token whose {@code
 * channels} claim grants them ({@link ChannelGrants}, e.g. {@code "subscribe": ["parley:stats"]});
 * no client may send or type into them, whatever its role or grants; they are ephemeral (a short
 * {@link #WINDOW}, never stored), their presence is count only (a node knows whether anyone
 * listens; {@code joined} and {@code presence_list} give the count and name nobody) and never
 * announced ({@link ChatLayer#presencePolicy}). Any other {@code parley:…} id is refused to
 * everyone.
 *
 * <p>Stateless; any thread.
 */
public final class ServerChannels {
  /** The prefix of every server channel. */
  public static final String PREFIX = "parley:";

  /** The channel of the live figures. */
  public static final String STATS = "parley:stats";

  /**
   * What a server channel's window keeps, for a resume: the last 10 s of figures. The bound is the
   * time; the count only caps memory, high enough for 10 s of a cluster of up to 20 nodes (one
   * message per node per second) — with more nodes a resume reaches back less than 10 s.
   */
  public static final StreamWindow.Limits WINDOW =
      new StreamWindow.Limits(200, Duration.ofSeconds(10));

  private ServerChannels() {}

  /** Whether {@code conv} is (or, as a grant's prefix, names) a server channel. */
  public static boolean isServerChannel(String conv) {
    return conv.startsWith(PREFIX);
  }

  /** Whether {@code p} may join the server channel {@code channel}. */
  static boolean mayJoin(Principal p, String channel) {
    return channel.equals(STATS)
        && (ChatIdentity.role(p) == ChatIdentity.Role.ADMIN
            || ChannelGrants.of(p).maySubscribe(channel));
  }

  /**
   * {@code chat}'s rules with the server channels' in front: joins as {@link #mayJoin}, and no
   * client ever sends into one.
   */
  static Authorizer guarding(Authorizer chat) {
    return new Authorizer() {
      @Override
      public CompletableFuture<Boolean> mayJoin(Principal principal, String conversation) {
        return isServerChannel(conversation)
            ? CompletableFuture.completedFuture(ServerChannels.mayJoin(principal, conversation))
            : chat.mayJoin(principal, conversation);
      }

      @Override
      public boolean mayPublish(Principal principal, String conversation) {
        return !isServerChannel(conversation) && chat.mayPublish(principal, conversation);
      }
    };
  }
}
