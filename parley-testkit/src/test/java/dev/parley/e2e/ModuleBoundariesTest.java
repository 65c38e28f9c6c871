package dev.parley.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.parley.testsupport.NodeScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invariants of docs/ARCHITECTURE.md#code-map, held against the compiled classes and the
 * sources.
 */
class ModuleBoundariesTest {
  /**
   * Words that belong to the chat product; the core and its protocol use none of them in a name.
   */
  static final Pattern CHAT_WORDS =
      Pattern.compile(
          "chat|site|agent|visitor|bot|handoff|staff|queue|assign|greet", Pattern.CASE_INSENSITIVE);

  /**
   * The longest main source file we accept, in lines: a class that grows past it has more than one
   * job.
   */
  static final int MAX_SOURCE_LINES = 450;

  static JavaClasses parley;

  @BeforeAll
  static void importClasses() {
    parley =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley");
  }

  @Test
  void onlyTheTransportImportsNetty() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.parley.transport..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .check(parley);
  }

  @Test
  void onlyTheProtocolKnowsJson() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.parley.protocol..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.fasterxml.jackson..")
        .check(parley);
  }

  @Test
  void theCoreKnowsNothingOfSqlTransportOrServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.parley.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "dev.parley.transport..",
            "dev.parley.store..",
            "dev.parley.server..",
            "dev.parley.client..")
        .check(parley);
  }

  @Test
  void theChatLayerKnowsNoSqlNoSocketsAndNoServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.parley.chat..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "dev.parley.store..",
            "dev.parley.transport..",
            "dev.parley.server..",
            "io.netty..")
        .check(parley);
  }

  @Test
  void theCoreKnowsNothingOfChat() {
    noClasses()
        .that()
        .resideInAPackage("dev.parley.core..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.parley.chat..")
        .check(parley);
  }

  /**
   * The core's types: the realtime core and the core protocol (not the chat's or the LLM's wire
   * types).
   */
  static final DescribedPredicate<JavaClass> CORE =
      DescribedPredicate.describe(
          "the core and its protocol",
          c ->
              c.getPackageName().equals("dev.parley.core")
                  || c.getPackageName().equals("dev.parley.protocol")
                  || c.getPackageName().equals("dev.parley.protocol.http"));

  @Test
  void noTypeOrMemberOfTheCoreIsNamedWithAChatWord() {
    ArchCondition<JavaClass> chatFree =
        new ArchCondition<>("name no type, field or method with a chat word") {
          @Override
          public void check(JavaClass c, ConditionEvents events) {
            List<String> names = new ArrayList<>();
            names.add(c.getSimpleName());
            for (JavaMember m : c.getMembers()) {
              if (!m.getName().startsWith("lambda$") && !m.getName().startsWith("access$")) {
                names.add(m.getName());
              }
            }
            for (String n : names) {
              if (CHAT_WORDS.matcher(n).find()) {
                events.add(
                    SimpleConditionEvent.violated(
                        c, c.getName() + " has the chat word in '" + n + "'"));
              }
            }
          }
        };
    classes().that(CORE).should(chatFree).check(parley);
  }

  @Test
  void theCoreDependsOnNoChatWireTypes() {
    noClasses()
        .that(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.parley.protocol.chat..",
            "dev.parley.protocol.openai..",
            "dev.parley.chat..",
            "dev.parley.bots..",
            "dev.parley.edge..")
        .check(parley);
  }

  @Test
  void layersPointOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("protocol")
        .definedBy("dev.parley.protocol..")
        .layer("core")
        .definedBy("dev.parley.core..")
        .layer("chat")
        .definedBy("dev.parley.chat..")
        .layer("bots")
        .definedBy("dev.parley.bots..")
        .layer("edge")
        .definedBy("dev.parley.edge..")
        .layer("store")
        .definedBy("dev.parley.store..")
        .layer("broker")
        .definedBy("dev.parley.broker..")
        .layer("transport")
        .definedBy("dev.parley.transport..")
        .layer("client")
        .definedBy("dev.parley.client..")
        .layer("server")
        .definedBy("dev.parley.server..")
        .whereLayer("server")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("edge")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("bots")
        .mayOnlyBeAccessedByLayers("edge", "server")
        .whereLayer("chat")
        .mayOnlyBeAccessedByLayers("bots", "edge", "store", "server")
        .whereLayer("store")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("broker")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("transport")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("core")
        .mayOnlyBeAccessedByLayers("chat", "bots", "edge", "store", "broker", "transport", "server")
        .check(parley);
  }

  @Test
  void noMainSourceFileOutgrowsOneJob() throws IOException {
    Path root = NodeScript.repositoryRoot();
    List<String> tooLong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(ModuleBoundariesTest::isMainSource).toList()) {
        long lines;
        try (Stream<String> l = Files.lines(f)) {
          lines = l.count();
        }
        String name = root.relativize(f).toString().replace('\\', '/');
        if (lines > MAX_SOURCE_LINES) {
          tooLong.add(name + " (" + lines + " lines)");
        }
      }
    }
    assertThat(tooLong).as("main sources over %d lines", MAX_SOURCE_LINES).isEmpty();
  }

  private static boolean isMainSource(Path f) {
    String p = f.toString().replace('\\', '/');
    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return p.contains("/src/main/")
        && !p.contains("/node_modules/")
        && !p.contains("/target/")
        && (name.endsWith(".java") || name.endsWith(".js") || name.endsWith(".mjs"));
  }

  @Test
  void theStoreKnowsNothingOfSockets() {
    noClasses()
        .that()
        .resideInAPackage("dev.parley.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.parley.transport..", "java.net..", "dev.parley.server..")
        .check(parley);
  }

  @Test
  void theClientSdkDependsOnlyOnTheProtocol() {
    noClasses()
        .that()
        .resideInAPackage("dev.parley.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.parley.core..",
            "dev.parley.transport..",
            "dev.parley.store..",
            "dev.parley.server..")
        .check(parley);
  }

  @Test
  void nothingButTheServerAndTestkitDependOnTheCompositionRoot() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.parley.server..", "dev.parley.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.parley.server..")
        .check(parley);
  }
}
