package dev.parley.server;

/** How a node tells others about new messages, presence and claims: the {@code broker} setting. */
public enum BrokerKind implements Choice {
  /** In this process: one node. */
  MEMORY("memory"),
  /** Redis pub/sub and keys, shared by the nodes of a cluster. */
  REDIS("redis");

  private final String key;

  BrokerKind(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /**
   * The broker kind named by {@code text}.
   *
   * @throws IllegalArgumentException {@code broker must be memory or redis, was '…'}
   */
  public static BrokerKind parse(String text) {
    return Choice.parse(BrokerKind.class, "broker", text);
  }
}
