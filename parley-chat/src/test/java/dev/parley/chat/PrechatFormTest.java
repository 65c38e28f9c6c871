package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.protocol.ProtocolException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PrechatForm#check}: each kind's rules, the first wrong field named. */
class PrechatFormTest {
  static final PrechatForm FORM =
      new PrechatForm(
          true,
          List.of(
              new PrechatForm.Field("name", PrechatForm.Kind.NAME, null, true),
              new PrechatForm.Field("email", PrechatForm.Kind.EMAIL, null, false),
              new PrechatForm.Field("phone", PrechatForm.Kind.PHONE, null, false),
              new PrechatForm.Field("note", PrechatForm.Kind.TEXT, null, false)));

  static String refusedField(Map<String, String> answers) {
    try {
      FORM.check(answers);
    } catch (ProtocolException e) {
      assertThat(e.code().code()).isEqualTo("invalid_field");
      return e.field();
    }
    throw new AssertionError("taken: " + answers);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ana@example.com", "a.b+tag@sub.example.org", "o'neil@x-y.example"})
  void anEmailOfTheUsualShapeIsTaken(String email) {
    assertThat(FORM.check(Map.of("name", "Ana", "email", email))).containsEntry("email", email);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ana",
        "ana@example",
        "ana@@example.com",
        "an a@example.com",
        ".ana@example.com",
        "ana@-x.com",
        "ana@example..com"
      })
  void anEmailOfAnotherShapeIsRefusedNamingIt(String email) {
    assertThat(refusedField(Map.of("name", "Ana", "email", email))).isEqualTo("email");
  }

  @Test
  void theFirstWrongFieldInTheFormsOrderIsNamed() {
    assertThat(refusedField(Map.of("email", "bad", "phone", "x"))).isEqualTo("name");
    assertThat(refusedField(Map.of("name", "Ana", "phone", "12"))).isEqualTo("phone");
    assertThat(refusedField(Map.of("name", "Ana", "phone", "+-() ./"))).isEqualTo("phone");
    assertThat(refusedField(Map.of("name", "N".repeat(101)))).isEqualTo("name");
    assertThat(refusedField(Map.of("name", "Ana", "note", "two\nlines"))).isEqualTo("note");
    assertThat(refusedField(Map.of("name", "Ana", "fax", "1"))).isEqualTo("fax");
  }

  @Test
  void answersAreTrimmedAndBlankOptionalOnesLeftOutInTheFormsOrder() {
    assertThat(FORM.check(Map.of("note", " hi ", "phone", "  ", "name", " Ana ")))
        .containsExactly(Map.entry("name", "Ana"), Map.entry("note", "hi"));
    assertThat(FORM.check(Map.of("name", "Ana", "phone", "+49 (30) 123-4567")))
        .containsEntry("phone", "+49 (30) 123-4567");
  }

  @Test
  void aCheckOfNothingRefusesTheRequiredName() {
    assertThatThrownBy(() -> FORM.check(Map.of())).isInstanceOf(ProtocolException.class);
  }
}
