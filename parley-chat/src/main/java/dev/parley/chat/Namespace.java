package dev.parley.chat;

import dev.parley.core.Principal;
import dev.parley.core.StreamWindow;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A configured family of channels: every channel id {@code name:rest} belongs to namespace {@code
 * name}, and the namespace says who may join it ({@code subscribe}) and send into it ({@code
 * publish}), whether its users are counted and listed ({@code presence}) and whether their coming
 * and going is announced ({@code joinLeaveEvents}), whether its messages are durable (stored, the
 * delivery contract) or ephemeral ({@code window} set: kept only in a bounded history window,
 * {@link ChatLayer#windowPolicy}), and whether the application's backend is asked too before a join
 * or a send ({@code proxy} set: {@link NamespaceProxy}, asked by {@link ProxyAuthorization}).
 * Namespaces come from the configuration ({@link ConfigSync}) and live in the {@link Directory};
 * {@link ChatAccess} enforces them.
 *
 * <p>Names the chat layer owns can never be namespaces: {@code agents} (the agents' topics {@code
 * agents:<site>}), {@code parley} (kept for the server's own channels) and any name beginning with
 * {@code chat_} (conversations and their notes, {@code chat_…:notes}).
 *
 * <p>Immutable.
 */
public record Namespace(
    String name,
    Audience subscribe,
    Audience publish,
    boolean presence,
    boolean joinLeaveEvents,
    StreamWindow.Limits window,
    NamespaceProxy proxy) {

  /** A namespace without a proxy. */
  public Namespace(
      String name,
      Audience subscribe,
      Audience publish,
      boolean presence,
      boolean joinLeaveEvents,
      StreamWindow.Limits window) {
    this(name, subscribe, publish, presence, joinLeaveEvents, window, null);
  }

  /** A durable namespace without a proxy. */
  public Namespace(
      String name,
      Audience subscribe,
      Audience publish,
      boolean presence,
      boolean joinLeaveEvents) {
    this(name, subscribe, publish, presence, joinLeaveEvents, null, null);
  }

  /** Whether its messages are kept only in a history window, never stored. */
  public boolean ephemeral() {
    return window != null;
  }

  /** What a namespace's name is made of. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

  /** Who a rule lets in. */
  public enum Audience {
    /** Anyone with a session, an anonymous visitor included. */
    ANONYMOUS,
    /** A principal that is not an anonymous visitor: an identified visitor, an agent, an admin. */
    AUTHENTICATED,
    /** The staff of any site: agents and admins. */
    AGENTS,
    /** Admins only. */
    ADMINS,
    /**
     * Only the holders of a token that grants the channel ({@link ChannelGrants}: the {@code
     * channels} claim of a JWT), whatever their role.
     */
    GRANTED,
    /** No client at all: only the server itself (its publish API). */
    SERVER;

    /** The name in documents. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The audience named {@code s}, or null for a name that is none. */
    public static Audience ofWire(String s) {
      for (Audience a : values()) {
        if (a.wire().equals(s)) {
          return a;
        }
      }
      return null;
    }

    /**
     * Whether {@code p} belongs to this audience for {@code channel}: to join it ({@code publish}
     * false) or to send into it. Only {@link #GRANTED} looks at the channel and the action.
     */
    public boolean admits(Principal p, String channel, boolean publish) {
      return switch (this) {
        case ANONYMOUS -> true;
        case AUTHENTICATED -> !ChatIdentity.isAnonymous(p);
        case AGENTS -> ChatIdentity.isStaff(p);
        case ADMINS -> ChatIdentity.role(p) == ChatIdentity.Role.ADMIN;
        case GRANTED ->
            publish
                ? ChannelGrants.of(p).mayPublish(channel)
                : ChannelGrants.of(p).maySubscribe(channel);
        case SERVER -> false;
      };
    }
  }

  public Namespace {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("namespace " + name + " " + problem);
    }
    if (subscribe == null || publish == null) {
      throw new IllegalArgumentException("namespace " + name + " needs subscribe and publish");
    }
  }

  /**
   * What is wrong with {@code name} as a namespace's name, or null when it may be one: the syntax,
   * or a name the chat layer owns.
   */
  public static String problem(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return "must be 1-32 characters of a-z 0-9 _ -";
    }
    if (name.equals("agents")
        || name.equals("parley")
        || name.startsWith(ChatConversation.ID_PREFIX)) {
      return "is reserved: agents, parley and chat_… belong to the chat layer";
    }
    return null;
  }

  /**
   * The namespace {@code channel} would belong to: the part before its first {@code :} when that
   * can be a namespace's name, else null (an id without a namespace: an open channel, when they are
   * on).
   */
  public static String nameOf(String channel) {
    int colon = channel.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String name = channel.substring(0, colon);
    return problem(name) == null ? name : null;
  }
}
