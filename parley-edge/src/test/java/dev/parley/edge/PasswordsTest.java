package dev.parley.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  @Test
  void passwordsAreSaltedSlowHashesThatVerify() {
    String a = Passwords.hash("correct horse");
    String b = Passwords.hash("correct horse");
    assertThat(a).startsWith("pbkdf2-sha256$210000$").isNotEqualTo(b);
    assertThat(Passwords.verify("correct horse", a)).isTrue();
    assertThat(Passwords.verify("correct horse!", a)).isFalse();
    assertThat(Passwords.verify("x", "md5$whatever")).isFalse();
  }
}
