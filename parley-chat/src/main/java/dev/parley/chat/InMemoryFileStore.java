package dev.parley.chat;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link FileStore} in memory, for tests and a bare chat layer. Thread-safe; never blocks. */
public final class InMemoryFileStore implements FileStore {
  private final ConcurrentHashMap<String, byte[]> files = new ConcurrentHashMap<>();

  @Override
  public void put(String id, byte[] bytes) {
    if (files.putIfAbsent(FileStore.checkedId(id), bytes.clone()) != null) {
      throw new IllegalStateException("file " + id + " already exists");
    }
  }

  @Override
  public Optional<byte[]> read(String id, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    byte[] b = files.get(FileStore.checkedId(id));
    if (b == null) {
      return Optional.empty();
    }
    int from = (int) Math.min(offset, b.length);
    return Optional.of(Arrays.copyOfRange(b, from, (int) Math.min(b.length, from + (long) length)));
  }

  @Override
  public boolean delete(String id) {
    return files.remove(FileStore.checkedId(id)) != null;
  }
}
