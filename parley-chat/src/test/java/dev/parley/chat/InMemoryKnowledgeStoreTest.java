package dev.parley.chat;

class InMemoryKnowledgeStoreTest extends KnowledgeStoreContract {
  @Override
  protected KnowledgeStore openStore() {
    return new InMemoryKnowledgeStore();
  }
}
