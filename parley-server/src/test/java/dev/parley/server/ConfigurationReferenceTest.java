package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in {@code docs/OPERATIONS.md} is made from {@link Settings}: this
 * test fails when the two differ, and with {@code -Dparley.writeDocs=true} writes the table into
 * the document instead.
 */
class ConfigurationReferenceTest {
  static final Path DOC = Path.of("..", "docs", "OPERATIONS.md");
  static final String BEGIN =
      "<!-- settings:begin (made from Settings.java by ConfigurationReferenceTest: edit the "
          + "table there, then run that test with -Dparley.writeDocs=true) -->";
  static final String END = "<!-- settings:end -->";

  /** The reference: one table per group, a row per setting. */
  static String reference() {
    StringBuilder md = new StringBuilder();
    for (Setting.Group group : Setting.Group.values()) {
      md.append("\n### ").append(group.title).append("\n\n");
      md.append("| flag | environment | default | meaning |\n|---|---|---|---|\n");
      for (Setting<?> s : Settings.ALL) {
        if (s.group() != group) {
          continue;
        }
        String flag = "`" + s.flag() + (s.label() == null ? "" : " " + s.label()) + "`";
        String def =
            s.defaultValue() != null
                ? "`" + s.defaultText() + "`"
                : s.defaultNote() != null ? s.defaultNote() : "—";
        String meaning =
            s.help()
                + (s.details() == null ? "" : " " + s.details() + ".")
                + (s.secret()
                    ? " Masked by `config --print`; prefer the environment to the flag."
                    : "")
                + (s.inFile() ? "" : " Not a key of the config file.");
        md.append("| ")
            .append(flag)
            .append(" | `")
            .append(s.envName())
            .append("` | ")
            .append(def)
            .append(" | ")
            .append(meaning)
            .append(" |\n");
      }
    }
    return md.append('\n').toString();
  }

  @Test
  void theReferenceInOperationsMdIsTheSettingsTable() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("docs/OPERATIONS.md has the line " + BEGIN).isNotNegative();
    assertThat(end).as("docs/OPERATIONS.md has the line " + END).isGreaterThan(begin);
    String current = doc.substring(begin + BEGIN.length(), end);
    String wanted = "\n" + reference();
    if (Boolean.getBoolean("parley.writeDocs") && !current.equals(wanted)) {
      Files.writeString(
          DOC,
          doc.substring(0, begin + BEGIN.length()) + wanted + doc.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(current)
        .as(
            "docs/OPERATIONS.md's configuration reference differs from Settings.java; run "
                + "ConfigurationReferenceTest with -Dparley.writeDocs=true to write it")
        .isEqualTo(wanted);
  }
}
