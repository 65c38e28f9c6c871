package dev.parley.core;

class InMemorySharedStateTest extends SharedStateContract {
  private final InMemorySharedState shared = new InMemorySharedState();

  @Override
  protected SharedState open() {
    return shared;
  }
}
