package dev.parley.chat;

class InMemoryFileStoreTest extends FileStoreContract {
  @Override
  protected FileStore openStore() {
    return new InMemoryFileStore();
  }
}
