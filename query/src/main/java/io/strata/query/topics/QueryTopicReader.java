package io.strata.query.topics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.kafka.CompactedTopicReader;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * A query server's reader of a small compacted topic: schemas' {@link CompactedTopicReader} (from the
 * beginning, no consumer group, then following; its failure semantics) with the query server's metrics,
 * {@code strata_query_<name>_records_total}, {@code strata_query_<name>_records_skipped_total{reason}} and
 * the gauge of what the reader holds. Readers serve whatever was read so far.
 */
public abstract class QueryTopicReader<V extends SpecificRecord> implements AutoCloseable {
  private final CompactedTopicReader<V> reader;

  /**
   * @param name short name for the client id, thread and metrics ({@code metadata} gives
   *     {@code strata_query_metadata_records_total})
   * @param registryUrl the schema registry ({@code http://...} or {@code mock://scope})
   * @param topic the full topic name, prefix included
   * @param held a gauge of what the reader holds: {@code strata_query_<held.suffix>}
   */
  protected QueryTopicReader(String name, Class<V> type, String bootstrapServers, java.util.Map<String, String> kafkaClient,
      String registryUrl, String topic, PrometheusRegistry metrics,
      Held held) {
    Counter records = Counter.builder().name("strata_query_" + name + "_records_total")
        .help(topic + " records applied to what the API serves").register(metrics);
    Counter skipped = Counter.builder().name("strata_query_" + name + "_records_skipped_total")
        .help(topic + " records skipped because they could not be decoded, by reason").labelNames("reason").register(metrics);
    GaugeWithCallback.builder().name("strata_query_" + held.suffix()).help(held.help())
        .callback(cb -> cb.call(held.size().getAsInt())).register(metrics);
    this.reader = new CompactedTopicReader<>(type, bootstrapServers, kafkaClient, registryUrl, topic,
        new CompactedTopicReader.Options("strata-query-" + name, "query-" + name + "-reader", Duration.ofMillis(500), false),
        this::apply, CompactedTopicReader.Counts.of(records::inc, reason -> skipped.labelValues(reason).inc()));
  }

  /** The gauge of what a reader holds (families, alerts): metric name suffix, help, current size. */
  public record Held(String suffix, String help, IntSupplier size) {}

  /** Applies a record: {@code value} is null for a tombstone. */
  protected abstract void apply(String key, V value);

  public QueryTopicReader<V> start() {
    reader.start();
    return this;
  }

  /** True once everything that was on the topic when reading started has been read. */
  public boolean caughtUp() {
    return reader.caughtUp();
  }

  @Override
  public void close() {
    reader.close();
  }
}
