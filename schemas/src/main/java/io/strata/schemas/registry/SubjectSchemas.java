package io.strata.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.avro.AlertEvent;
import io.strata.avro.MetricMetadata;
import io.strata.avro.RollupBatch;
import io.strata.avro.RuleGroup;
import io.strata.avro.RuleGroupStatus;
import io.strata.avro.SampleBatch;
import io.strata.schemas.Topics;
import io.strata.schemas.serde.AvroWireSerde;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The schema registered under each subject (TopicNameStrategy, {@code <topic>-value}): the generated class's
 * schema, self-contained (named types such as {@code Label} inlined where first used) and without the
 * Java-only properties the code generator adds ({@code avro.java.string}), so a producer in another language
 * that registers its own copy of {@code schemas/subjects/<subject>.avsc} finds the same version.
 */
public final class SubjectSchemas {
  private SubjectSchemas() {}

  /** Properties that only tell the Java code generator how to map a type. */
  private static final List<String> JAVA_ONLY = List.of("avro.java.string");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** BACKWARD, as DESIGN.md says; set on every subject so {@code GET /config/<subject>} reports it. */
  public static final String COMPATIBILITY = "BACKWARD";

  /** The schema to register for a generated class. */
  public static Schema of(Class<? extends SpecificRecord> type) {
    return withoutJavaProperties(SpecificData.get().getSchema(type));
  }

  /** The schema with every Java-only property removed (the rest, docs and defaults included, kept). */
  public static Schema withoutJavaProperties(Schema schema) {
    try {
      JsonNode tree = JSON.readTree(schema.toString());
      return new Schema.Parser().parse(JSON.writeValueAsString(strip(tree)));
    } catch (IOException e) {
      throw new IllegalStateException("BUG: a schema's own JSON does not parse", e);
    }
  }

  private static JsonNode strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      JAVA_ONLY.forEach(o::remove);
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        e.setValue(strip(e.getValue()));
      }
      // {"type": "string"} with its property gone is the primitive "string"
      if (o.size() == 1 && o.has("type") && o.get("type").isTextual()) {
        return o.get("type");
      }
      return o;
    }
    if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, strip(a.get(i)));
      }
    }
    return n;
  }

  /** Every Avro-valued subject of the pipeline and its class (the dead-letter topic carries original bytes). */
  public static Map<String, Class<? extends SpecificRecord>> subjects(String prefix, List<String> rollupResolutions) {
    Map<String, Class<? extends SpecificRecord>> m = new LinkedHashMap<>();
    m.put(AvroWireSerde.valueSubject(prefix + Topics.SAMPLES), SampleBatch.class);
    for (String r : rollupResolutions) {
      m.put(AvroWireSerde.valueSubject(prefix + Topics.rollup(r)), RollupBatch.class);
    }
    m.put(AvroWireSerde.valueSubject(prefix + Topics.METADATA), MetricMetadata.class);
    m.put(AvroWireSerde.valueSubject(prefix + Topics.RULES), RuleGroup.class);
    m.put(AvroWireSerde.valueSubject(prefix + Topics.ALERTS), AlertEvent.class);
    m.put(AvroWireSerde.valueSubject(prefix + Topics.RULES_STATUS), RuleGroupStatus.class);
    return m;
  }

  /**
   * Sets each subject's compatibility to {@value #COMPATIBILITY} and registers its schema (a no-op when that
   * version is there): run before a stage starts, so a producer in any language finds every subject.
   * Returns the id of each subject's schema.
   */
  public static Map<String, Integer> registerAll(SchemaRegistry registry, String prefix, List<String> rollupResolutions) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    subjects(prefix, rollupResolutions).forEach((subject, type) -> {
      registry.setCompatibility(subject, COMPATIBILITY);
      ids.put(subject, registry.register(subject, of(type)));
    });
    return ids;
  }
}
