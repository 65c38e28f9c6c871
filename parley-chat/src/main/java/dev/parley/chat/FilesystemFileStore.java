package dev.parley.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * The {@link FileStore} of one node: a file per id under a directory ({@code <data-dir>/files}),
 * spread over 256 subdirectories by a hash of the id so none grows huge.
 *
 * <p>A write goes to a temporary file in the same subdirectory, is forced to disk, then moved into
 * place atomically: a reader sees all of a file or nothing, and a crash leaves at most a temporary
 * file (named {@code .tmp-…}, never an id, so never served). Paths are made only from checked ids
 * ({@link FileStore#ID}), so none leaves the directory.
 *
 * <p>Thread-safe (the file system arbitrates); blocks.
 */
public final class FilesystemFileStore implements FileStore {
  private final Path root;

  /** Under {@code root}, made if missing. */
  public FilesystemFileStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path pathOf(String id) {
    FileStore.checkedId(id);
    String shard = String.format("%02x", id.hashCode() & 0xff);
    return root.resolve(shard).resolve(id);
  }

  @Override
  public void put(String id, byte[] bytes) {
    Path target = pathOf(id);
    try {
      Files.createDirectories(target.getParent());
      if (Files.exists(target)) {
        throw new IllegalStateException("file " + id + " already exists");
      }
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalStateException("file " + id + " already exists", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<byte[]> read(String id, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    try (FileChannel ch = FileChannel.open(pathOf(id), StandardOpenOption.READ)) {
      long size = ch.size();
      int n = (int) Math.max(0, Math.min(length, size - offset));
      ByteBuffer b = ByteBuffer.allocate(n);
      long at = offset;
      while (b.hasRemaining()) {
        int r = ch.read(b, at);
        if (r < 0) {
          break;
        }
        at += r;
      }
      return Optional.of(b.position() == n ? b.array() : Arrays.copyOf(b.array(), b.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean delete(String id) {
    try {
      return Files.deleteIfExists(pathOf(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
