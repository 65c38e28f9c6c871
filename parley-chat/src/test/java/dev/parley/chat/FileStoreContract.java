package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link FileStore}, run against every implementation. */
@Timeout(60)
public abstract class FileStoreContract {
  protected FileStore store;

  protected abstract FileStore openStore() throws Exception;

  /** The same store opened again (a restart); null when the implementation keeps nothing. */
  protected FileStore reopen() throws Exception {
    return null;
  }

  @BeforeEach
  void open() throws Exception {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void storedBytesReadBackWhole() {
    byte[] b = bytes(1000, 1);
    store.put("f_whole", b);

    assertThat(store.read("f_whole", 0, Integer.MAX_VALUE))
        .hasValueSatisfying(r -> assertThat(r).isEqualTo(b));
  }

  @Test
  void aRangeReadsOnlyItsBytesAcrossChunkBoundaries() {
    // 700 KiB: more than two of the PostgreSQL store's 256 KiB chunks.
    byte[] b = bytes(700 * 1024, 2);
    store.put("f_big", b);

    int from = 256 * 1024 - 10;
    assertThat(store.read("f_big", from, 300 * 1024))
        .hasValueSatisfying(
            r -> assertThat(r).isEqualTo(Arrays.copyOfRange(b, from, from + 300 * 1024)));
  }

  @Test
  void aReadPastTheEndIsShortenedAndBeyondItEmpty() {
    store.put("f_end", bytes(100, 3));

    assertThat(store.read("f_end", 90, 50)).hasValueSatisfying(r -> assertThat(r).hasSize(10));
    assertThat(store.read("f_end", 100, 50)).hasValueSatisfying(r -> assertThat(r).isEmpty());
    assertThat(store.read("f_end", 500, 50)).hasValueSatisfying(r -> assertThat(r).isEmpty());
  }

  @Test
  void anEmptyFileIsStoredAndReadAsEmpty() {
    store.put("f_empty", new byte[0]);

    assertThat(store.read("f_empty", 0, 10)).hasValueSatisfying(r -> assertThat(r).isEmpty());
  }

  @Test
  void anUnknownIdReadsEmpty() {
    assertThat(store.read("f_none", 0, 10)).isEmpty();
  }

  @Test
  void anIdIsWrittenOnlyOnce() {
    store.put("f_once", bytes(10, 4));

    assertThatThrownBy(() -> store.put("f_once", bytes(10, 5)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.read("f_once", 0, 10))
        .hasValueSatisfying(r -> assertThat(r).isEqualTo(bytes(10, 4)));
  }

  @Test
  void deleteRemovesTheBytesAndIsIdempotent() {
    store.put("f_gone", bytes(10, 6));

    assertThat(store.delete("f_gone")).isTrue();
    assertThat(store.read("f_gone", 0, 10)).isEmpty();
    assertThat(store.delete("f_gone")).isFalse();
  }

  @Test
  void idsThatCouldNameAPathAreRefused() {
    for (String bad : new String[] {"../etc/passwd", "a/b", "..", "", "a b", "x".repeat(65)}) {
      assertThatThrownBy(() -> store.put(bad, new byte[1]))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.read(bad, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void storedBytesSurviveAReopen() throws Exception {
    byte[] b = bytes(5000, 7);
    store.put("f_kept", b);
    FileStore again = reopen();
    if (again == null) {
      return;
    }
    store = again;

    assertThat(store.read("f_kept", 0, 5000)).hasValueSatisfying(r -> assertThat(r).isEqualTo(b));
  }
}
