package dev.parley.chat;

class InMemoryConfigStoreTest extends ConfigStoreContract {
  @Override
  protected ConfigStore openStore() {
    return new InMemoryConfigStore();
  }
}
