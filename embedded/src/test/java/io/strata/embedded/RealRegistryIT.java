package io.strata.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.MetricMetadata;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.registry.HttpSchemaRegistry;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The registry client and wire serde against the real Apicurio registry, as `strata up` runs it. */
@StrataTest(realRegistry = true)
class RealRegistryIT {

  @Test
  void registersFetchesAndChecksCompatibility(TestCluster cluster) {
    HttpSchemaRegistry registry = new HttpSchemaRegistry(cluster.registryUrl());
    String subject = cluster.uniquePrefix() + "metrics.metadata-value";
    Schema v1 = MetricMetadata.getClassSchema();
    int id = registry.register(subject, v1);
    assertEquals(id, registry.register(subject, v1), "registering the same schema again gives the same id");
    assertEquals(v1, new HttpSchemaRegistry(cluster.registryUrl()).getById(id), "a fresh client fetches it by id");

    Schema withDefault = new Schema.Parser().parse(v1.toString().replace("{\"name\":\"unit\"",
        "{\"name\":\"scope\",\"type\":\"string\",\"default\":\"\"},{\"name\":\"unit\""));
    assertTrue(registry.isCompatible(subject, withDefault), "a field with a default is a BACKWARD compatible change");

    Schema noDefault = new Schema.Parser().parse(v1.toString().replace("{\"name\":\"unit\"",
        "{\"name\":\"scope\",\"type\":\"string\"},{\"name\":\"unit\""));
    assertFalse(registry.isCompatible(subject, noDefault));
    SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.register(subject, noDefault));
    assertEquals(409, e.status());
  }

  @Test
  void wireSerdeRoundTripsThroughTheRealRegistry(TestCluster cluster) {
    var serde = new AvroWireSerde<>(new HttpSchemaRegistry(cluster.registryUrl()), MetricMetadata.class);
    MetricMetadata m = new MetricMetadata("default", "http_requests_total", "counter", "Requests served.", "");
    String topic = cluster.uniquePrefix() + "metrics.metadata";
    byte[] bytes = serde.serialize(topic, m);
    var reader = new AvroWireSerde<>(new HttpSchemaRegistry(cluster.registryUrl()), MetricMetadata.class);
    assertEquals(m, reader.deserialize(bytes));
  }
}
