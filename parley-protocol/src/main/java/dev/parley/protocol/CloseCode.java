package dev.parley.protocol;

import java.util.Optional;

/**
 * WebSocket close codes the server sends. 1000-1015 are RFC 6455 section 7.4.1; 4000-4999 are
 * private-use codes of Parley. {@link #reconnect()} tells a client whether to reconnect. See {@code
 * docs/PROTOCOL.md#close-codes}.
 */
public enum CloseCode {
  /** 1000, RFC 6455 7.4.1: normal closure; the purpose of the connection is fulfilled. */
  NORMAL(1000, "normal closure", false),
  /** 1001, RFC 6455 7.4.1: the endpoint is going away (the server is shutting down). */
  GOING_AWAY(1001, "server shutting down", true),
  /** 1002, RFC 6455 7.4.1: protocol error (bad framing, unmasked client frame, ...). */
  PROTOCOL_ERROR(1002, "protocol error", false),
  /** 1003, RFC 6455 7.4.1: data of a type the endpoint cannot accept (Parley speaks text only). */
  UNSUPPORTED_DATA(1003, "binary frames are not supported", false),
  /** 1007, RFC 6455 7.4.1: a text frame was not valid UTF-8. */
  INVALID_PAYLOAD(1007, "invalid UTF-8", false),
  /** 1008, RFC 6455 7.4.1: the message violates the server's policy. */
  POLICY_VIOLATION(1008, "policy violation", false),
  /** 1009, RFC 6455 7.4.1: a frame or message is too big to process. */
  MESSAGE_TOO_BIG(1009, "message too big", false),
  /** 1011, RFC 6455 7.4.1: the server met an unexpected condition. */
  INTERNAL_ERROR(1011, "internal error", true),
  /** 1012, IANA registry: the service is restarting; reconnect. */
  SERVICE_RESTART(1012, "service restart", true),
  /**
   * 4401: the connection's token expired and no {@code auth} refreshed it. Get a fresh token, then
   * reconnect.
   */
  TOKEN_EXPIRED(4401, "token expired", true),
  /**
   * 4403: an admin narrowed this user's access (removed a site or the admin role, disabled or
   * deleted the account). Reconnect: what the user may still see is checked afresh at {@code hello}
   * and at every join, and a disabled account is refused there.
   */
  ACCESS_CHANGED(4403, "access changed", true),
  /**
   * 4409: the application disconnected this user through the server API ({@code POST
   * /api/v1/users/{user}/disconnect}), on every node. The client may reconnect after its backoff:
   * whether it is let in again is up to its credentials (revoke its token first to keep it out).
   */
  DISCONNECTED(4409, "disconnected by the server", true),
  /** 4408: no pong or other traffic within the heartbeat window. */
  HEARTBEAT_TIMEOUT(4408, "heartbeat timeout", true),
  /** 4429: sustained sending over the rate limit; reconnect after a backoff and slow down. */
  TOO_MANY_REQUESTS(4429, "too many requests", true),
  /**
   * 4503: the client read too slowly; its outbound buffer stayed over its cap. Reconnect and
   * resume.
   */
  SLOW_CONSUMER(4503, "slow consumer", true);

  private final int code;
  private final String reason;
  private final boolean reconnect;

  CloseCode(int code, String reason, boolean reconnect) {
    this.code = code;
    this.reason = reason;
    this.reconnect = reconnect;
  }

  /** The close code numbered {@code code}, if the server sends it. */
  public static Optional<CloseCode> of(int code) {
    for (CloseCode c : values()) {
      if (c.code == code) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The numeric close code. */
  public int code() {
    return code;
  }

  /** The default reason text sent in the close frame. */
  public String reason() {
    return reason;
  }

  /** Whether a client should reconnect after this close. */
  public boolean reconnect() {
    return reconnect;
  }
}
