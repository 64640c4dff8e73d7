package io.strata.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.avro.SampleBatch;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code schemas/subjects/<subject>.avsc} is what a producer in another language registers: it must be the
 * schema Strata registers, byte for byte after parsing. Regenerate with {@code -Dsubjects.update=true}.
 */
class SubjectSchemasTest {
  static final Path DIR = Path.of("subjects");

  @Test
  void publishedSubjectFilesAreWhatStrataRegisters() throws Exception {
    boolean update = Boolean.getBoolean("subjects.update");
    ObjectMapper json = new ObjectMapper();
    for (Map.Entry<String, Class<? extends SpecificRecord>> e : SubjectSchemas.subjects("", List.of("1m")).entrySet()) {
      String file = e.getKey().replace("metrics.rollup.1m", "metrics.rollup.RES") + ".avsc";
      Schema registered = SubjectSchemas.of(e.getValue());
      Path p = DIR.resolve(file);
      if (update) {
        Files.createDirectories(DIR);
        Files.writeString(p, json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(registered.toString())) + "\n");
      }
      Schema published = new Schema.Parser().parse(Files.readString(p, StandardCharsets.UTF_8));
      assertEquals(registered.toString(), published.toString(), p + " differs from what Strata registers (-Dsubjects.update=true)");
    }
  }

  @Test
  void registeredSchemasCarryNoJavaOnlyProperty() {
    String json = SubjectSchemas.of(SampleBatch.class).toString();
    assertFalse(json.contains("avro.java"), json);
    assertFalse(new AvroWireSerde<>(MockSchemaRegistry.scope("subjects-test"), SampleBatch.class).registeredSchema().toString().contains("avro.java"));
  }

  @Test
  void registerAllSetsEachSubjectsCompatibilityAndRegistersItsSchema() {
    MockSchemaRegistry r = MockSchemaRegistry.scope("register-all");
    try {
      Map<String, Integer> ids = SubjectSchemas.registerAll(r, "p.", List.of("1m", "5m"));
      assertEquals(List.of("p.metrics.samples-value", "p.metrics.rollup.1m-value", "p.metrics.rollup.5m-value", "p.metrics.metadata-value",
          "p.metrics.rules-value", "p.metrics.alerts-value", "p.metrics.rules.status-value"), List.copyOf(ids.keySet()));
      assertEquals("BACKWARD", r.compatibility("p.metrics.samples-value"));
      // Strata's own writer finds the same version, not a new one
      AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(r, SampleBatch.class);
      byte[] bytes = serde.serialize("p.metrics.samples", new SampleBatch("t", "s", List.of()));
      assertEquals((int) ids.get("p.metrics.samples-value"), java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt());
    } finally {
      MockSchemaRegistry.dropScope("register-all");
    }
  }
}
