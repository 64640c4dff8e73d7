package io.strata.ingest.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.ingest.scrape.TargetStatus;
import io.strata.schemas.model.Labels;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/targets} in Prometheus's shape: {@code {"status":"success","data":{"activeTargets":[...],"droppedTargets":[]}}},
 * plus Strata's {@code data.discoveryErrors}: scrape pool to discovery mechanism to its last error, for pools whose
 * service discovery is failing (their last known targets stay in {@code activeTargets}).
 */
final class TargetsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TargetsJson() {}

  static byte[] render(List<TargetStatus> targets) {
    return render(targets, Map.of());
  }

  static byte[] render(List<TargetStatus> targets, Map<String, Map<String, String>> discoveryErrors) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", "success");
    ObjectNode data = root.putObject("data");
    ArrayNode active = data.putArray("activeTargets");
    for (TargetStatus t : targets) {
      ObjectNode o = active.addObject();
      labels(o.putObject("discoveredLabels"), t.discoveredLabels());
      labels(o.putObject("labels"), t.labels());
      o.put("scrapePool", t.job());
      o.put("scrapeUrl", t.scrapeUrl());
      o.put("globalUrl", t.scrapeUrl());
      o.put("lastError", t.lastError() == null ? "" : t.lastError());
      o.put("lastScrape", t.lastScrapeMs() <= 0 ? "0001-01-01T00:00:00Z" : Instant.ofEpochMilli(t.lastScrapeMs()).toString());
      o.put("lastScrapeDuration", t.lastScrapeDurationSeconds());
      o.put("health", t.health().name().toLowerCase(Locale.ROOT));
      o.put("scrapeInterval", t.scrapeIntervalMs() / 1000 + "s");
      o.put("scrapeTimeout", t.scrapeTimeoutMs() / 1000 + "s");
    }
    data.putArray("droppedTargets");
    ObjectNode errors = data.putObject("discoveryErrors");
    discoveryErrors.forEach((pool, byMechanism) -> {
      ObjectNode p = errors.putObject(pool);
      byMechanism.forEach(p::put);
    });
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("BUG: rendering JSON failed", e);
    }
  }

  private static void labels(ObjectNode o, Labels l) {
    if (l == null) {
      return;
    }
    for (int i = 0; i < l.size(); i++) {
      o.put(l.name(i), l.value(i));
    }
  }
}
