package dev.parley.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.FileLimits;
import dev.parley.chat.Site;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A site's limits on uploads: defaults, checks naming their field, and the way back. */
class FileLimitsDocTest {
  static SiteDoc site(FileLimitsDoc files) {
    return new SiteDoc(
        "acme", null, null, null, null, "hi", null, null, null, null, null, null, null, null, null,
        files, null);
  }

  @Test
  void aSiteThatSetsNothingGetsTheDefaults() {
    Site s = site(null).checked().toSite();

    assertThat(s.files()).isEqualTo(FileLimits.DEFAULTS);
    assertThat(s.files().maxBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(s.files().allows("image/png")).isTrue();
    assertThat(s.files().allows("text/html")).isFalse();
  }

  @Test
  void whatASiteSetsReplacesOnlyThoseDefaultsAndComesBack() {
    Site s =
        site(new FileLimitsDoc(1000L, List.of("application/pdf"), null, null)).checked().toSite();

    assertThat(s.files())
        .isEqualTo(
            new FileLimits(1000, List.of("application/pdf"), FileLimits.DEFAULTS.maxPerMessage()));
    assertThat(SiteDoc.of(s).files())
        .isEqualTo(new FileLimitsDoc(1000L, List.of("application/pdf"), 10, 100));
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(SiteDocTest.fieldOf(() -> site(new FileLimitsDoc(0L, null, null, null)).checked()))
        .isEqualTo("files.maxBytes");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site(new FileLimitsDoc(FileLimits.MAX_BYTES + 1, null, null, null)).checked()))
        .isEqualTo("files.maxBytes");
    assertThat(
            SiteDocTest.fieldOf(
                () -> site(new FileLimitsDoc(null, List.of(), null, null)).checked()))
        .isEqualTo("files.allowedTypes");
    assertThat(
            SiteDocTest.fieldOf(
                () ->
                    site(new FileLimitsDoc(null, List.of("image/png", "text/html"), null, null))
                        .checked()))
        .isEqualTo("files.allowedTypes[1]");
    assertThat(SiteDocTest.fieldOf(() -> site(new FileLimitsDoc(null, null, null, 0)).checked()))
        .isEqualTo("files.maxPerConversation");
    assertThat(SiteDocTest.fieldOf(() -> site(new FileLimitsDoc(null, null, 21, null)).checked()))
        .isEqualTo("files.maxPerMessage");
  }
}
