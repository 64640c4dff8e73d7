package io.strata.query.api;

import io.strata.query.metadata.MetadataCatalog;
import java.util.Map;
import java.util.NavigableMap;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /api/v1/metadata}. Metadata comes from the
 * {@code metrics.metadata} topic ({@link MetadataCatalog}); Prometheus keeps one entry per scrape target,
 * Strata one per family and tenant, so each family lists one entry. {@code metric} selects one family,
 * {@code limit} caps the families (0 = none, negative = all, as Prometheus 2.42), {@code limit_per_metric}
 * the entries per family.
 */
final class MetadataEndpoints {
  private final MetadataCatalog catalog;

  MetadataEndpoints(MetadataCatalog catalog) {
    this.catalog = catalog;
  }

  DataWriter metadata(String tenant, Fields params) {
    int limit = SeriesEndpoints.integer(params, "limit", "limit must be a number");
    SeriesEndpoints.integer(params, "limit_per_metric", "limit_per_metric must be a number"); // checked as Prometheus does
    String metric = params.getValue("metric");
    NavigableMap<String, MetadataCatalog.Entry> families = catalog.families(tenant);
    return g -> {
      g.writeStartObject();
      int n = 0;
      for (Map.Entry<String, MetadataCatalog.Entry> e : families.entrySet()) {
        if (metric != null && !metric.isEmpty() && !metric.equals(e.getKey())) {
          continue;
        }
        if (limit >= 0 && n >= limit) {
          break;
        }
        n++;
        g.writeArrayFieldStart(e.getKey());
        // one entry per family, which every limit_per_metric keeps (Prometheus always keeps a family's first)
        MetadataCatalog.Entry m = e.getValue();
        g.writeStartObject();
        g.writeStringField("type", m.type());
        g.writeStringField("help", m.help());
        g.writeStringField("unit", m.unit());
        g.writeEndObject();
        g.writeEndArray();
      }
      g.writeEndObject();
    };
  }
}
