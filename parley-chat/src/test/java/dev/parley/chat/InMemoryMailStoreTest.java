package dev.parley.chat;

class InMemoryMailStoreTest extends MailStoreContract {
  @Override
  protected MailStore openStore() {
    return new InMemoryMailStore();
  }
}
