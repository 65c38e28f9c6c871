package dev.parley.server;

/** Where messages are stored: the {@code store} setting. */
public enum StoreKind implements Choice {
  /** An SQLite file in the data directory: one node. */
  SQLITE("sqlite"),
  /** PostgreSQL, shared by the nodes of a cluster. */
  POSTGRES("postgres");

  private final String key;

  StoreKind(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /**
   * The store kind named by {@code text}.
   *
   * @throws IllegalArgumentException {@code store must be sqlite or postgres, was '…'}
   */
  public static StoreKind parse(String text) {
    return Choice.parse(StoreKind.class, "store", text);
  }
}
