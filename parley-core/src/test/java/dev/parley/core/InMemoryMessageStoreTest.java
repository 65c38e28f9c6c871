package dev.parley.core;

class InMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore openStore() {
    return new InMemoryMessageStore();
  }
}
