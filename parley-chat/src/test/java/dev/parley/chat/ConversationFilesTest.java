package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.Principal;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Conversations' files in the chat layer: who takes part, a visitor's first upload creating the
 * conversation it is about to open (only its own, within the address's limit), one file per key,
 * and files going with their conversation — erasing a visitor removes what it uploaded, deleting a
 * conversation (by hand or by the site's retention period) removes all its files.
 */
@Timeout(30)
class ConversationFilesTest {
  static final Duration KEEP = Duration.ofDays(30);

  ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          List.of(
              new Site("demo", "Demo", List.of("*"), "Hi", "Bot", 0.5, BusinessHours.always())
                  .withRetention(KEEP)),
          ChatHarness.agent("maya", 2),
          new Agent("olga", "Olga", Set.of("other"), 2, "-"));

  ConversationFiles files = h.chat.files();

  @AfterEach
  void close() {
    h.close();
  }

  static Principal visitor(String user) {
    return new Principal(user, ChatIdentity.claims(ChatIdentity.Role.VISITOR, null), null);
  }

  static Principal agent(String user) {
    return new Principal(user, ChatIdentity.claims(ChatIdentity.Role.AGENT, null), null);
  }

  String conversation(String id, String visitor) {
    h.chatStore.open("demo", visitor, id, h.clock.millis()).join();
    return id;
  }

  StoredFile upload(String conv, String uploader, String key, boolean image) {
    String id = "f_" + conv + "_" + uploader + "_" + key;
    StoredFile f =
        new StoredFile(
            id,
            "demo",
            conv,
            uploader,
            key,
            "a",
            image ? "image/png" : "text/plain",
            3,
            "00".repeat(32),
            image ? 1 : null,
            image ? 1 : null,
            image ? id + "_t" : null,
            h.clock.millis());
    return files.save(f, new byte[] {1, 2, 3}, image ? new byte[] {4} : null).join().file();
  }

  boolean bytesOf(StoredFile f) {
    return h.fileBytes.read(f.id(), 0, 10).isPresent();
  }

  @Test
  void theVisitorAndTheSitesAgentsTakePartNobodyElse() {
    String c = conversation("chat_p", "v_ann");

    assertThat(files.participation(visitor("v_ann"), c).join()).isPresent();
    assertThat(files.participation(agent("maya"), c).join()).isPresent();
    assertThat(files.participation(visitor("v_bob"), c).join()).isEmpty();
    assertThat(files.participation(agent("olga"), c).join()).as("another site's agent").isEmpty();
    assertThat(files.participation(visitor("v_ann"), "chat_none").join()).isEmpty();
    assertThat(files.participation(visitor("v_ann"), "agents:demo").join()).isEmpty();
  }

  static Principal visitorOn(String site, String user) {
    return new Principal(user, ChatIdentity.claims(ChatIdentity.Role.VISITOR, site), null);
  }

  @Test
  void aVisitorsFirstUploadCreatesTheConversationItIsAboutToOpenOnce() {
    Principal ann = visitor("v_first"); // an anonymous token: placed on the site its session names
    String next = ConversationOpener.nextId("demo", "v_first", "");
    assertThat(h.chatStore.find(next).join()).as("not stored before").isEmpty();
    assertThat(files.participation(ann, next).join()).as("no participant yet").isEmpty();

    ChatConversation made =
        files.uploadTarget(ann, next, "demo", "de", "203.0.113.7").join().orElseThrow();

    assertThat(made.id()).isEqualTo(next);
    assertThat(made.visitor()).isEqualTo("v_first");
    assertThat(made.site()).isEqualTo("demo");
    assertThat(h.chatStore.find(next).join()).as("stored now").isPresent();
    assertThat(files.uploadTarget(ann, next, "demo", null, "203.0.113.7").join()).contains(made);
    assertThat(files.participation(ann, next).join()).isPresent();
  }

  @Test
  void aPageOfAnOriginTheSiteDoesNotAllowCannotPlaceAVisitorThereByUploading() {
    Site demo =
        new Site(
            "demo",
            "Demo",
            List.of("https://www.acme.example"),
            ChatHarness.GREETING,
            "Bot",
            0.5,
            BusinessHours.always());
    h.directory.replace(Map.of("demo", demo), h.directory.agents(), h.directory.version() + 1);
    String next = ConversationOpener.nextId("demo", "v_first", "");

    Function<String, Optional<ChatConversation>> uploadFrom =
        origin ->
            files
                .uploadTarget(
                    visitor("v_first"), next, "demo", null, "a", origin, "chat.example.com")
                .join();
    assertThat(uploadFrom.apply("https://evil.example")).isEmpty();
    assertThat(h.chatStore.find(next).join()).as("nothing made").isEmpty();
    assertThat(uploadFrom.apply("https://www.acme.example"))
        .as("from a page the site lists")
        .isPresent();
  }

  @Test
  void aVisitorsTokenBoundToASiteKeepsItWhateverSiteIsNamed() {
    String next = ConversationOpener.nextId("demo", "v_jwt", "");

    assertThat(files.uploadTarget(visitorOn("demo", "v_jwt"), next, "elsewhere", null, "a").join())
        .isPresent();
  }

  @Test
  void nobodyElseCreatesAVisitorsNextConversationByUploading() {
    String next = ConversationOpener.nextId("demo", "v_first", "");

    assertThat(files.uploadTarget(visitor("v_other"), next, "demo", null, "a").join()).isEmpty();
    assertThat(files.uploadTarget(agent("maya"), next, "demo", null, "a").join()).isEmpty();
    assertThat(files.uploadTarget(visitor("v_first"), next, null, null, "a").join())
        .as("a visitor placed on no site")
        .isEmpty();
    assertThat(files.uploadTarget(visitor("v_first"), next, "nosuch", null, "a").join())
        .as("on a site that does not exist")
        .isEmpty();
    assertThat(files.uploadTarget(visitor("v_first"), "chat_guess", "demo", null, "a").join())
        .as("any other id")
        .isEmpty();
    assertThat(h.chatStore.find(next).join()).isEmpty();
    assertThat(h.chatStore.find("chat_guess").join()).isEmpty();
  }

  @Test
  void conversationsOpenedByUploadsCountAgainstTheAddresssLimit() {
    String address = "198.51.100.9";
    for (int i = 0; i < 10; i++) { // ChatConfig.defaults(): a burst of 10 per address
      String user = "v_burst" + i;
      String next = ConversationOpener.nextId("demo", user, "");
      assertThat(files.uploadTarget(visitor(user), next, "demo", null, address).join()).isPresent();
    }
    String next = ConversationOpener.nextId("demo", "v_burst10", "");
    assertThat(files.uploadTarget(visitor("v_burst10"), next, "demo", null, address))
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    assertThat(h.chatStore.find(next).join()).isEmpty();
  }

  @Test
  void aSecondSaveWithTheSameKeyKeepsTheFirstAndLeavesNoBytesBehind() {
    String c = conversation("chat_k", "v_ann");
    StoredFile first = upload(c, "v_ann", "k", true);
    StoredFile second =
        new StoredFile(
            "f_other",
            "demo",
            c,
            "v_ann",
            "k",
            "b",
            "image/png",
            3,
            "11".repeat(32),
            1,
            1,
            "f_other_t",
            h.clock.millis());

    ConversationFiles.Saved s = files.save(second, new byte[] {9}, new byte[] {9}).join();

    assertThat(s.created()).isFalse();
    assertThat(s.file()).isEqualTo(first);
    assertThat(h.fileBytes.read("f_other", 0, 1)).isEmpty();
    assertThat(h.fileBytes.read("f_other_t", 0, 1)).isEmpty();
  }

  @Test
  void erasingAVisitorRemovesTheFilesItUploadedAndKeepsTheAgentsAndOthers() {
    String c = conversation("chat_e", "v_ann");
    String other = conversation("chat_o", "v_bob");
    StoredFile annsImage = upload(c, "v_ann", "1", true);
    StoredFile annsText = upload(c, "v_ann", "2", false);
    StoredFile mayas = upload(c, "maya", "1", false);
    StoredFile bobs = upload(other, "v_bob", "1", false);

    h.chat.dataProtection().erase("demo", "v_ann").join();

    assertThat(files.find(annsImage.id()).join()).isEmpty();
    assertThat(files.find(annsText.id()).join()).isEmpty();
    assertThat(bytesOf(annsImage)).isFalse();
    assertThat(h.fileBytes.read(annsImage.thumbnailId(), 0, 1)).isEmpty();
    assertThat(bytesOf(annsText)).isFalse();
    assertThat(files.find(mayas.id()).join()).isPresent();
    assertThat(bytesOf(mayas)).isTrue();
    assertThat(files.find(bobs.id()).join()).isPresent();
  }

  @Test
  void deletingAConversationRemovesAllItsFiles() {
    String c = conversation("chat_d", "v_ann");
    StoredFile a = upload(c, "v_ann", "1", true);
    StoredFile m = upload(c, "maya", "1", false);
    h.chatStore.transition(c, ConversationStatus.BOT, ConversationStatus.RESOLVED, null, 1).join();

    assertThat(h.chat.dataProtection().deleteConversation(c).join().existed()).isTrue();

    assertThat(h.fileRecords.ofConversation(c).join()).isEmpty();
    assertThat(bytesOf(a)).isFalse();
    assertThat(bytesOf(m)).isFalse();
  }

  @Test
  void theSitesRetentionPeriodRemovesTheFilesOfTheConversationsItDeletes() {
    String old = conversation("chat_old", "v_ann");
    String open = conversation("chat_open", "v_bob");
    StoredFile gone = upload(old, "v_ann", "1", true);
    StoredFile kept = upload(open, "v_bob", "1", false);
    h.chatStore
        .transition(
            old, ConversationStatus.BOT, ConversationStatus.RESOLVED, null, h.clock.millis())
        .join();

    h.advance(KEEP.plus(RetentionSweep.EVERY.multipliedBy(2)));
    // The run that deleted it ends after the bytes are gone (the next one is scheduled only then,
    // past the clock's new time): waiting for the routing thread left a race with the file thread.
    h.chat.retention().lastRun().join();

    assertThat(files.find(gone.id()).join()).isEmpty();
    assertThat(bytesOf(gone)).isFalse();
    assertThat(files.find(kept.id()).join()).as("an open conversation keeps its files").isPresent();
    assertThat(bytesOf(kept)).isTrue();
  }
}
