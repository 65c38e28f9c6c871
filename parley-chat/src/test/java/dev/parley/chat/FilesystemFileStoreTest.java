package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemFileStoreTest extends FileStoreContract {
  @TempDir Path dir;

  @Override
  protected FileStore openStore() {
    return new FilesystemFileStore(dir.resolve("files"));
  }

  @Override
  protected FileStore reopen() {
    store.close();
    return openStore();
  }

  @Test
  void aWriteLeavesNoTemporaryFileAndNothingOutsideItsDirectory() throws IOException {
    store.put("f_tidy", new byte[] {1, 2, 3});

    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).toList())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getFileName().toString()).isEqualTo("f_tidy");
                assertThat(p.startsWith(dir.resolve("files"))).isTrue();
              });
    }
  }
}
