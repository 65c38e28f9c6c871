package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heap in use, read from {@code jcmd GC.class_histogram}'s text (JDK 25's format). */
class TargetMemoryTest {
  @Test
  void theLiveBytesAreTheHistogramsTotal() {
    String histogram =
        """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         87310        6258736  [B (java.base@25.0.3)
           2:         81178        1948272  java.lang.String (java.base@25.0.3)
        4714:             1             16  sun.util.resources.cldr.provider.CLDRLocaleDataMetaInfo
        Total        714641       33572280
        """;
    assertThat(Target.liveBytes(histogram)).isEqualTo(33_572_280L);
  }

  @Test
  void noTotalLineIsUnknown() {
    assertThat(Target.liveBytes("12345:\ncom.sun.tools.attach.AttachNotSupportedException\n"))
        .isEqualTo(-1);
  }
}
