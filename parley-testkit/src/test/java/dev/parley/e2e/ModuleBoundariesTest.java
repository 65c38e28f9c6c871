package dev.parley.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The invariants of docs/ARCHITECTURE.md#code-map, held against the compiled classes. */
class ModuleBoundariesTest {
  static JavaClasses parley;

  @BeforeAll
  static void importClasses() {
    parley = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.parley");
  }

  @Test
  void onlyTheTransportImportsNetty() {
    noClasses().that().resideOutsideOfPackage("dev.parley.transport..")
        .should().dependOnClassesThat().resideInAPackage("io.netty..").check(parley);
  }

  @Test
  void onlyTheProtocolKnowsJson() {
    noClasses().that().resideOutsideOfPackage("dev.parley.protocol..")
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..").check(parley);
  }

  @Test
  void theCoreKnowsNothingOfSqlTransportOrServer() {
    noClasses().that().resideInAPackage("dev.parley.core..")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "dev.parley.transport..",
            "dev.parley.store..", "dev.parley.server..", "dev.parley.client..")
        .check(parley);
  }

  @Test
  void theChatLayerKnowsNoSqlNoSocketsAndNoServer() {
    noClasses().that().resideInAPackage("dev.parley.chat..")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "dev.parley.store..",
            "dev.parley.transport..", "dev.parley.server..", "io.netty..")
        .check(parley);
  }

  @Test
  void theCoreKnowsNothingOfChat() {
    noClasses().that().resideInAPackage("dev.parley.core..")
        .should().dependOnClassesThat().resideInAPackage("dev.parley.chat..").check(parley);
  }

  @Test
  void theStoreKnowsNothingOfSockets() {
    noClasses().that().resideInAPackage("dev.parley.store..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.transport..", "java.net..", "dev.parley.server..")
        .check(parley);
  }

  @Test
  void theClientSdkDependsOnlyOnTheProtocol() {
    noClasses().that().resideInAPackage("dev.parley.client..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.core..", "dev.parley.transport..",
            "dev.parley.store..", "dev.parley.server..")
        .check(parley);
  }

  @Test
  void nothingButTheServerAndTestkitDependOnTheCompositionRoot() {
    noClasses().that().resideOutsideOfPackages("dev.parley.server..", "dev.parley.testkit..")
        .should().dependOnClassesThat().resideInAPackage("dev.parley.server..").check(parley);
  }
}
