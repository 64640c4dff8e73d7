package io.strata.flink.kafka;

import io.strata.avro.RuleGroup;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.rules.RuleGroups;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code metrics.rules}: key {@code tenant/namespace/group} (UTF-8), value a {@code RuleGroup} in wire
 * format, or null (a tombstone: the group is deleted). The version of an update is its offset + 1. A record
 * without a key, or whose value does not decode, is logged and skipped.
 */
public class RuleGroupDeserializer implements KafkaRecordDeserializationSchema<GroupSpec> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RuleGroupDeserializer.class);

  private final String registryUrl;
  private transient SchemaRegistry registry;
  private transient AvroWireSerde<RuleGroup> serde;

  public RuleGroupDeserializer(String registryUrl) {
    this.registryUrl = registryUrl;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext ctx) {
    registry = SchemaRegistries.forUrl(registryUrl);
    serde = new AvroWireSerde<>(registry, RuleGroup.class);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<GroupSpec> out) {
    if (r.key() == null || r.key().length == 0) {
      LOG.warn("rules topic {} partition {} offset {}: record without a key skipped", r.topic(), r.partition(), r.offset());
      return;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    int slash = key.indexOf('/');
    String tenant = slash < 0 ? key : key.substring(0, slash);
    if (r.value() == null) {
      out.collect(new GroupSpec(key, tenant, false, r.offset() + 1, null));
      return;
    }
    RuleGroup g;
    try {
      g = serde.deserialize(r.value());
    } catch (WireFormatException e) {
      LOG.error("rules topic {} partition {} offset {}: group {} skipped: {}", r.topic(), r.partition(), r.offset(), key,
          e.getMessage());
      return;
    }
    out.collect(new GroupSpec(key, g.getTenant(), false, r.offset() + 1, RuleGroups.encode(g)));
  }

  @Override
  public TypeInformation<GroupSpec> getProducedType() {
    return TypeInformation.of(GroupSpec.class);
  }
}
