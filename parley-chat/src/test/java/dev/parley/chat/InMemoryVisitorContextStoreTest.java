package dev.parley.chat;

class InMemoryVisitorContextStoreTest extends VisitorContextStoreContract {
  @Override
  protected VisitorContextStore openStore() {
    return new InMemoryVisitorContextStore();
  }
}
