package io.strata.query.metadata;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
import io.strata.query.topics.QueryTopicReader;

/**
 * Reads the compacted {@code metrics.metadata} topic ({@link MetricMetadata} values, key = family name) into
 * a {@link MetadataCatalog}, then follows it; failure semantics in {@link QueryTopicReader}. Metrics:
 * {@code strata_query_metadata_records_total}, {@code strata_query_metadata_records_skipped_total{reason}},
 * {@code strata_query_metadata_families}.
 */
public final class MetadataTopicReader extends QueryTopicReader<MetricMetadata> {
  private final MetadataCatalog catalog;

  /**
   * @param bootstrapServers Kafka
   * @param registryUrl the schema registry ({@code http://...} or {@code mock://scope})
   * @param topic the full topic name ({@code <prefix>metrics.metadata})
   */
  public MetadataTopicReader(String bootstrapServers, java.util.Map<String, String> kafkaClient,
      String registryUrl, String topic, MetadataCatalog catalog, PrometheusRegistry metrics) {
    super("metadata", MetricMetadata.class, bootstrapServers, kafkaClient, registryUrl, topic, metrics,
        new Held("metadata_families", "metric families with metadata, all tenants", catalog::size));
    this.catalog = catalog;
  }

  @Override
  protected void apply(String family, MetricMetadata m) {
    if (m == null) {
      catalog.removeFamily(family);
    } else {
      catalog.put(m.getTenant(), m.getMetricFamilyName(), new MetadataCatalog.Entry(m.getType(), m.getHelp(), m.getUnit()));
    }
  }
}
