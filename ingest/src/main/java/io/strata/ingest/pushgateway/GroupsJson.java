package io.strata.ingest.pushgateway;

import io.strata.schemas.prom.GoFloat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.ingest.exposition.MetricType;
import io.strata.schemas.model.Labels;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/metrics} in the Pushgateway's JSON shape: {@code {"status":"success","data":[group...]}},
 * each group {@code {"labels":{grouping key}, "last_push_successful":bool, "<family>":{"time_stamp",
 * "type", "help"?, "metrics":[...]}, "push_time_seconds":{...}, "push_failure_time_seconds":{...}}}. Metrics
 * are {@code {"labels", "value"}}, summaries {@code {"labels","quantiles":{q:v},"count","sum"}}, histograms
 * {@code {"labels","buckets":{le:count},"count","sum"}}; numbers are strings formatted as Go formats floats.
 */
public final class GroupsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GroupsJson() {}

  public static byte[] render(List<PushGroup> groups) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", "success");
    ArrayNode data = root.putArray("data");
    for (PushGroup g : groups) {
      ObjectNode group = data.addObject();
      labels(group.putObject("labels"), g.key().labels());
      group.put("last_push_successful", g.lastPushSuccessful());
      for (PushedFamily f : g.families().values()) {
        ObjectNode fam = group.putObject(f.name());
        fam.put("time_stamp", goTime(g.familyTimesMs().getOrDefault(f.name(), g.pushTimeMs())));
        fam.put("type", f.typeName());
        if (!f.help().isEmpty()) {
          fam.put("help", f.help());
        }
        ArrayNode metrics = fam.putArray("metrics");
        for (PushedMetric m : f.metrics()) {
          ObjectNode mo = metrics.addObject();
          labels(mo.putObject("labels"), m.labels());
          if (f.type() == MetricType.SUMMARY) {
            ObjectNode q = mo.putObject("quantiles");
            for (int i = 0; i < m.quantiles().length; i++) {
              q.put(GoFloat.format(m.quantiles()[i]), GoFloat.format(m.quantileValues()[i]));
            }
            mo.put("count", GoFloat.format(m.count()));
            mo.put("sum", GoFloat.format(m.sum()));
          } else if (f.isHistogram()) {
            ObjectNode b = mo.putObject("buckets");
            for (int i = 0; i < m.upperBounds().length; i++) {
              b.put(GoFloat.format(m.upperBounds()[i]), GoFloat.format(m.bucketCounts()[i]));
            }
            mo.put("count", GoFloat.format(m.count()));
            mo.put("sum", GoFloat.format(m.sum()));
          } else {
            mo.put("value", GoFloat.format(m.value()));
          }
        }
      }
      long last = Math.max(g.pushTimeMs(), g.failureTimeMs());
      gauge(group, GroupConsistency.PUSH_FAILURE_TIME, "Last Unix time when changing this group in the Pushgateway failed.", g, last,
          g.failureTimeMs());
      gauge(group, GroupConsistency.PUSH_TIME, "Last Unix time when changing this group in the Pushgateway succeeded.", g, last, g.pushTimeMs());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("BUG: rendering JSON failed", e);
    }
  }

  private static void gauge(ObjectNode group, String name, String help, PushGroup g, long at, long valueMs) {
    ObjectNode fam = group.putObject(name);
    fam.put("time_stamp", goTime(at));
    fam.put("type", "GAUGE");
    fam.put("help", help);
    ObjectNode m = fam.putArray("metrics").addObject();
    labels(m.putObject("labels"), GroupConsistency.groupLabels(g.key()));
    m.put("value", GoFloat.format(valueMs / 1000.0));
  }

  private static void labels(ObjectNode o, Labels l) {
    for (int i = 0; i < l.size(); i++) {
      o.put(l.name(i), l.value(i));
    }
  }

  /** RFC 3339 with as many fraction digits as needed, as Go's time.RFC3339Nano. */
  static String goTime(long ms) {
    return Instant.ofEpochMilli(ms).toString().replaceAll("\\.(\\d*?)0+Z$", ".$1Z").replace(".Z", "Z");
  }
}
