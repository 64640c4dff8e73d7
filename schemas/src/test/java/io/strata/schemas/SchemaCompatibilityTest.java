package io.strata.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.AlertEvent;
import io.strata.avro.MetricMetadata;
import io.strata.avro.RollupBatch;
import io.strata.avro.RuleGroup;
import io.strata.avro.SampleBatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every value schema must be BACKWARD compatible with its previous committed version (a reader with the
 * new schema reads data written with the old one), as the registry's subject rule demands. Committed
 * versions live in src/test/resources/schema-history/NAME/vN.avsc: when a schema changes, add v(N+1).
 */
class SchemaCompatibilityTest {
  private static final List<Schema> CURRENT = List.of(SampleBatch.getClassSchema(), RollupBatch.getClassSchema(),
      MetricMetadata.getClassSchema(), RuleGroup.getClassSchema(), AlertEvent.getClassSchema());

  static Schema newestCommitted(String name) throws IOException {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(read("Label", latestVersion("Label")));
    return parser.parse(read(name, latestVersion(name)));
  }

  static int latestVersion(String name) {
    int v = 0;
    while (SchemaCompatibilityTest.class.getResource("/schema-history/" + name + "/v" + (v + 1) + ".avsc") != null) {
      v++;
    }
    return v;
  }

  static String read(String name, int version) throws IOException {
    try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream("/schema-history/" + name + "/v" + version + ".avsc")) {
      assertNotNull(in, "no committed schema-history/" + name + "/v" + version + ".avsc");
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static boolean backwardCompatible(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  @TestFactory
  Stream<DynamicTest> everySchemaReadsItsPreviousVersion() {
    return CURRENT.stream().map(s -> DynamicTest.dynamicTest(s.getName(), () -> {
      int v = latestVersion(s.getName());
      assertTrue(v >= 1, s.getName() + " has no committed version under schema-history/");
      Schema previous = newestCommitted(s.getName());
      assertTrue(backwardCompatible(s, previous), s.getName() + " cannot read data written with committed v" + v
          + ": " + SchemaCompatibility.checkReaderWriterCompatibility(s, previous).getResult().getIncompatibilities());
    }));
  }

  @Test
  void addingAFieldWithoutDefaultIsCaughtAsIncompatible() throws IOException {
    Schema previous = newestCommitted("MetricMetadata");
    String json = previous.toString().replace("{\"name\":\"unit\"", "{\"name\":\"scope\",\"type\":\"string\"},{\"name\":\"unit\"");
    Schema changed = new Schema.Parser().parse(json);
    assertEquals(previous.getFields().size() + 1, changed.getFields().size());
    assertFalse(backwardCompatible(changed, previous));
  }

  @Test
  void fieldsAreSnakeCase() {
    for (Schema s : CURRENT) {
      assertSnakeCase(s);
    }
  }

  private static void assertSnakeCase(Schema s) {
    switch (s.getType()) {
      case RECORD -> s.getFields().forEach(f -> {
        assertTrue(f.name().matches("[a-z][a-z0-9_]*"), s.getName() + "." + f.name() + " is not snake_case");
        assertSnakeCase(f.schema());
      });
      case ARRAY -> assertSnakeCase(s.getElementType());
      case MAP -> assertSnakeCase(s.getValueType());
      case UNION -> s.getTypes().forEach(SchemaCompatibilityTest::assertSnakeCase);
      default -> { }
    }
  }
}
