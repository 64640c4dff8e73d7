package io.strata.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Guards the module table of DESIGN.md: dependencies point one way, and stages never import each other
 * (what two stages share lives in schemas or promql). The app module sees every module's classes, so the
 * check runs here over all of them.
 */
class ModuleLayeringTest {
  /** Module package → the Strata packages it may use (its own always allowed). */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "schemas", Set.of("avro"),
      "embedded", Set.of("schemas", "avro"),
      "ingest", Set.of("schemas", "avro"),
      "streams", Set.of("schemas", "avro"),
      "promql", Set.of("schemas", "avro"),
      "flink", Set.of("schemas", "avro", "promql"),
      "tsdb", Set.of("schemas", "avro"),
      "sinks", Set.of("schemas", "avro", "tsdb"),
      "query", Set.of("schemas", "avro", "tsdb", "promql"));

  static final List<String> ALL = List.of("schemas", "avro", "embedded", "ingest", "streams", "promql", "flink", "tsdb", "sinks", "query", "app");

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.strata");
  }

  @TestFactory
  List<DynamicTest> everyModuleDependsOnlyOnWhatTheTableAllows() {
    List<DynamicTest> tests = new ArrayList<>();
    ALLOWED.forEach((module, allowed) -> tests.add(DynamicTest.dynamicTest(module, () -> {
      String[] forbidden = ALL.stream().filter(m -> !m.equals(module) && !allowed.contains(m)).map(m -> "io.strata." + m + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("io.strata." + module + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbidden)
          .because("DESIGN.md's module table: " + module + " may use only " + allowed
              + "; move what two stages share into schemas/ (or promql/ for query semantics)")
          .check(classes);
    })));
    return tests;
  }
}
