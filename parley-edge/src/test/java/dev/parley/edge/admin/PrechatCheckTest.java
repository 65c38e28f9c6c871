package dev.parley.edge.admin;

import static dev.parley.edge.admin.SiteDocTest.fieldOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.PrechatForm;
import dev.parley.chat.Site;
import dev.parley.edge.admin.SiteDoc.Appearance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A site's pre-chat form as the admin API takes it: checked field by field, kept for the chat. */
class PrechatCheckTest {
  static SiteDoc site(PrechatDoc p) {
    return AppearanceCheckTest.site(new Appearance(null, null, null, null, null, null, null, p));
  }

  static PrechatDoc.Field field(String key, String kind) {
    return new PrechatDoc.Field(key, kind, null, null);
  }

  @Test
  void aFormReachesTheChatLayerAndComesBackTheSame() {
    PrechatDoc doc =
        new PrechatDoc(
            true,
            List.of(
                new PrechatDoc.Field("name", "name", "Your name", true), field("phone", "phone")));
    Site s = site(doc).checked().toSite();
    PrechatForm f = s.appearance().prechat();
    assertThat(s.appearance().prechatOn()).isTrue();
    assertThat(f.fields())
        .containsExactly(
            new PrechatForm.Field("name", PrechatForm.Kind.NAME, "Your name", true),
            new PrechatForm.Field("phone", PrechatForm.Kind.PHONE, null, false));
    assertThat(AppearanceCheck.of(s.appearance()).prechat())
        .isEqualTo(
            new PrechatDoc(
                true,
                List.of(
                    new PrechatDoc.Field("name", "name", "Your name", true),
                    new PrechatDoc.Field("phone", "phone", null, false))));
    assertThat(
            site(new PrechatDoc(null, List.of(field("name", "name"))))
                .checked()
                .toSite()
                .appearance()
                .prechatOn())
        .as("off unless enabled")
        .isFalse();
  }

  @Test
  void eachWrongPartIsNamed() {
    assertThat(fieldOf(() -> site(new PrechatDoc(true, List.of())).checked()))
        .isEqualTo("appearance.prechat.fields");
    assertThat(fieldOf(() -> site(new PrechatDoc(true, List.of(field("Name", "name")))).checked()))
        .isEqualTo("appearance.prechat.fields[0].key");
    assertThat(
            fieldOf(
                () ->
                    site(new PrechatDoc(true, List.of(field("a", "name"), field("a", "email"))))
                        .checked()))
        .isEqualTo("appearance.prechat.fields[1].key");
    assertThat(fieldOf(() -> site(new PrechatDoc(true, List.of(field("a", "fax")))).checked()))
        .isEqualTo("appearance.prechat.fields[0].kind");
    assertThat(
            fieldOf(
                () ->
                    site(new PrechatDoc(
                            true, List.of(new PrechatDoc.Field("a", "text", "x".repeat(81), null))))
                        .checked()))
        .isEqualTo("appearance.prechat.fields[0].label");
    List<PrechatDoc.Field> seven = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      seven.add(field("f" + i, "text"));
    }
    assertThat(fieldOf(() -> site(new PrechatDoc(true, seven)).checked()))
        .isEqualTo("appearance.prechat.fields");
  }
}
