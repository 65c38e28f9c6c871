package dev.parley.chat;

class InMemoryFileRecordsTest extends FileRecordsContract {
  @Override
  protected FileRecords openRecords() {
    return new InMemoryFileRecords();
  }
}
