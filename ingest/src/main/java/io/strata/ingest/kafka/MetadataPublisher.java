package io.strata.ingest.kafka;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes TYPE/HELP/UNIT of metric families to the compacted {@code metrics.metadata} topic as
 * {@link MetricMetadata} records keyed by the family name (DESIGN.md's topic table). A family whose
 * metadata was already acknowledged with the same content is not sent again, so a scrape every 15 s or a
 * remote_write sender repeating its metadata costs a map lookup; the cache remembers up to
 * {@value #MAX_CACHED} families and starts over when full (resending is harmless on a compacted topic).
 */
public final class MetadataPublisher {
  /** About 100 bytes per entry: 10 MB at most, far more families than one ingest sees. */
  static final int MAX_CACHED = 100_000;

  private final SampleBatchProducer producer;
  private final AvroWireSerde<MetricMetadata> serde;
  private final String topic;
  private final Map<String, FamilyMetadata> acknowledged = new ConcurrentHashMap<>();
  private final Counter records;

  MetadataPublisher(SampleBatchProducer producer, AvroWireSerde<MetricMetadata> serde, String topic, PrometheusRegistry metrics) {
    this.producer = producer;
    this.serde = serde;
    this.topic = topic;
    this.records = Counter.builder().name("strata_ingest_metadata_records_total").help("MetricMetadata records acknowledged by Kafka")
        .register(metrics);
  }

  public String topic() {
    return topic;
  }

  /** Sends what changed; completes when Kafka acknowledged it (at once when nothing changed). */
  public CompletableFuture<Void> publish(String tenant, List<FamilyMetadata> families) {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (FamilyMetadata f : families) {
      String cacheKey = tenant + '\u0000' + f.name();
      if (f.equals(acknowledged.get(cacheKey))) {
        continue;
      }
      byte[] value;
      try {
        value = serde.serialize(topic, new MetricMetadata(tenant, f.name(), f.type().name().toLowerCase(Locale.ROOT), f.help(), f.unit()));
      } catch (SchemaRegistryException e) {
        return CompletableFuture.failedFuture(new IngestRejectedException("schema registry unavailable: " + e.getMessage(), e));
      }
      CompletableFuture<Void> ack = producer.sendRecord(topic, f.name().getBytes(StandardCharsets.UTF_8), value);
      acks.add(ack.thenRun(() -> {
        if (acknowledged.size() >= MAX_CACHED) {
          acknowledged.clear();
        }
        acknowledged.put(cacheKey, f);
        records.inc();
      }));
    }
    return acks.isEmpty() ? CompletableFuture.completedFuture(null) : CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
  }
}
