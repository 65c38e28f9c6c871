package dev.parley.core;

class InMemoryBrokerTest extends BrokerContract {
  private final InMemoryBroker shared = new InMemoryBroker();

  @Override
  protected Broker openBroker() {
    return shared;
  }
}
