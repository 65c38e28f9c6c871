package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The guarantees of {@link FileRecords}, run against every implementation. */
@Timeout(60)
public abstract class FileRecordsContract {
  protected FileRecords records;

  protected abstract FileRecords openRecords() throws Exception;

  @BeforeEach
  void open() throws Exception {
    records = openRecords();
  }

  @AfterEach
  void close() {
    records.close();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static StoredFile image(String id, String conv, String uploader, String key, long at) {
    return new StoredFile(
        id,
        "acme",
        conv,
        uploader,
        key,
        "shot.png",
        "image/png",
        1234,
        "ab".repeat(32),
        640,
        480,
        id + "_t",
        at);
  }

  static StoredFile pdf(String id, String conv, String uploader, String key, long at) {
    return new StoredFile(
        id,
        "acme",
        conv,
        uploader,
        key,
        "Invoice ü.pdf",
        "application/pdf",
        99,
        "cd".repeat(32),
        null,
        null,
        null,
        at);
  }

  @Test
  void aRecordIsFoundByIdAndByKeyWithEveryField() throws Exception {
    StoredFile f = image("f_1", "chat_a", "v_1", "k1", 10);
    StoredFile p = pdf("f_2", "chat_a", "v_1", "k2", 11);
    assertThat(get(records.insert(f))).isEqualTo(f);
    assertThat(get(records.insert(p))).isEqualTo(p);

    assertThat(get(records.find("f_1"))).contains(f);
    assertThat(get(records.find("f_2"))).contains(p);
    assertThat(get(records.byKey("chat_a", "v_1", "k2"))).contains(p);
    assertThat(get(records.find("f_none"))).isEmpty();
    assertThat(get(records.byKey("chat_a", "v_2", "k2"))).isEmpty();
  }

  @Test
  void aSecondRecordWithTheSameKeyIsNotStoredAndTheFirstIsReturned() throws Exception {
    StoredFile first = image("f_1", "chat_a", "v_1", "k", 10);
    get(records.insert(first));

    StoredFile again = get(records.insert(image("f_2", "chat_a", "v_1", "k", 20)));

    assertThat(again).isEqualTo(first);
    assertThat(get(records.find("f_2"))).isEmpty();
    assertThat(get(records.ofConversation("chat_a"))).containsExactly(first);
  }

  @Test
  void theSameKeyOfAnotherUploaderOrConversationIsAnotherFile() throws Exception {
    get(records.insert(image("f_1", "chat_a", "v_1", "k", 10)));
    get(records.insert(image("f_2", "chat_a", "maya", "k", 11)));
    get(records.insert(image("f_3", "chat_b", "v_1", "k", 12)));

    assertThat(get(records.ofConversation("chat_a")))
        .extracting(StoredFile::id)
        .containsExactly("f_1", "f_2");
    assertThat(get(records.ofConversation("chat_b")))
        .extracting(StoredFile::id)
        .containsExactly("f_3");
  }

  @Test
  void countOfCountsTheFilesOfOneConversationAndFollowsInsertAndDelete() throws Exception {
    assertThat(get(records.countOf("chat_a"))).isZero();
    get(records.insert(image("f_1", "chat_a", "v_1", "k1", 10)));
    get(records.insert(pdf("f_2", "chat_a", "maya", "k1", 11)));
    get(records.insert(image("f_3", "chat_b", "v_1", "k1", 12)));
    get(records.insert(image("f_4", "chat_a", "v_1", "k1", 13))); // the same key: not stored

    assertThat(get(records.countOf("chat_a"))).isEqualTo(2);
    assertThat(get(records.countOf("chat_b"))).isEqualTo(1);
    assertThat(get(records.countOf("chat_none"))).isZero();

    get(records.delete("f_1"));
    assertThat(get(records.countOf("chat_a"))).isEqualTo(1);
  }

  @Test
  void deleteRemovesOneRecord() throws Exception {
    get(records.insert(image("f_1", "chat_a", "v_1", "k1", 10)));
    get(records.insert(pdf("f_2", "chat_a", "v_1", "k2", 11)));

    assertThat(get(records.delete("f_1"))).isTrue();
    assertThat(get(records.delete("f_1"))).isFalse();

    assertThat(get(records.ofConversation("chat_a")))
        .extracting(StoredFile::id)
        .containsExactly("f_2");
    // The key is free again once its file is gone.
    assertThat(get(records.insert(image("f_3", "chat_a", "v_1", "k1", 12))).id()).isEqualTo("f_3");
  }

  @Test
  void anAudioFileKeepsItsDurationAndTheOutcomeOfItsTranscription() throws Exception {
    StoredFile voice =
        new StoredFile(
            "f_v",
            "acme",
            "chat_a",
            "v_1",
            "kv",
            "note.wav",
            "audio/wav",
            32044,
            "ef".repeat(32),
            null,
            null,
            null,
            20,
            2.5,
            null,
            null);
    assertThat(get(records.insert(voice))).isEqualTo(voice);

    assertThat(get(records.transcribed("f_v", "Où est ma commande ?", null)))
        .contains(voice.transcribed("Où est ma commande ?", null));
    assertThat(get(records.find("f_v")).orElseThrow().transcript())
        .isEqualTo("Où est ma commande ?");
    assertThat(get(records.transcribed("f_v", null, "timeout")).orElseThrow().transcriptError())
        .isEqualTo("timeout");
    assertThat(get(records.find("f_v")).orElseThrow().duration()).isEqualTo(2.5);
    assertThat(get(records.transcribed("f_none", "x", null))).isEmpty();
  }
}
