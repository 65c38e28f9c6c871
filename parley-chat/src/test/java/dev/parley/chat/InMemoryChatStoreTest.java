package dev.parley.chat;

class InMemoryChatStoreTest extends ChatStoreContract {
  @Override
  protected ChatStore openStore() {
    return new InMemoryChatStore();
  }
}
