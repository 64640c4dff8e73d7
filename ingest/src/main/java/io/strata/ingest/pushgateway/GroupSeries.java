package io.strata.ingest.pushgateway;

import io.strata.schemas.prom.GoFloat;

import io.strata.ingest.exposition.MetricType;
import io.strata.schemas.model.Labels;
import java.util.List;
import java.util.TreeMap;

/**
 * The series of a group as Prometheus stores them when it scrapes a Pushgateway with
 * {@code honor_labels: true}: the Pushgateway's exposition (summaries as quantile, {@code _sum} and
 * {@code _count} series; histograms as {@code _bucket} series with a {@code +Inf} bucket added when absent,
 * {@code _sum} and {@code _count}; {@code le} and {@code quantile} written as Go formats floats), plus
 * {@code push_time_seconds} and {@code push_failure_time_seconds}; labels with empty values (such as the
 * {@code instance=""} a group without instance gets) are dropped, as Prometheus drops them.
 */
public final class GroupSeries {
  private GroupSeries() {}

  /** Receives one series of the group. */
  public interface Sink {
    void series(Labels labels, double value);
  }

  public static void forEach(PushGroup g, Sink sink) {
    for (PushedFamily f : g.families().values()) {
      for (PushedMetric m : f.metrics()) {
        Labels base = m.labels();
        if (f.type() == MetricType.SUMMARY) {
          for (int i = 0; i < m.quantiles().length; i++) {
            sink.series(series(f.name(), base, "quantile", GoFloat.format(m.quantiles()[i])), m.quantileValues()[i]);
          }
          sink.series(series(f.name() + "_sum", base, null, null), m.sum());
          sink.series(series(f.name() + "_count", base, null, null), m.count());
        } else if (f.isHistogram()) {
          boolean inf = false;
          for (int i = 0; i < m.upperBounds().length; i++) {
            inf |= m.upperBounds()[i] == Double.POSITIVE_INFINITY;
            sink.series(series(f.name() + "_bucket", base, "le", GoFloat.format(m.upperBounds()[i])), m.bucketCounts()[i]);
          }
          if (!inf) {
            sink.series(series(f.name() + "_bucket", base, "le", "+Inf"), m.count());
          }
          sink.series(series(f.name() + "_sum", base, null, null), m.sum());
          sink.series(series(f.name() + "_count", base, null, null), m.count());
        } else {
          sink.series(series(f.name(), base, null, null), m.value());
        }
      }
    }
    Labels group = GroupConsistency.groupLabels(g.key());
    sink.series(series(GroupConsistency.PUSH_TIME, group, null, null), g.pushTimeMs() / 1000.0);
    sink.series(series(GroupConsistency.PUSH_FAILURE_TIME, group, null, null), g.failureTimeMs() / 1000.0);
  }

  private static Labels series(String name, Labels labels, String extraName, String extraValue) {
    TreeMap<String, String> m = new TreeMap<>();
    m.put(Labels.METRIC_NAME, name);
    for (int i = 0; i < labels.size(); i++) {
      if (!labels.value(i).isEmpty()) {
        m.put(labels.name(i), labels.value(i));
      }
    }
    if (extraName != null) {
      m.put(extraName, extraValue);
    }
    return Labels.fromMap(m);
  }

  /** All series of a group with their values, for tests and the comparison with a real Pushgateway. */
  public static List<Labels> labels(PushGroup g) {
    List<Labels> out = new java.util.ArrayList<>();
    forEach(g, (l, v) -> out.add(l));
    return out;
  }
}
