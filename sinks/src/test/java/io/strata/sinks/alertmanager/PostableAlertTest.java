package io.strata.sinks.alertmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PostableAlertTest {
  @Test
  void jsonIsAlertmanagersPostableAlertsArrayWithMillisecondTimes() {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("alertname", "HighLoad");
    labels.put("instance", "a \"quoted\" one");
    TreeMap<String, String> ann = new TreeMap<>();
    ann.put("summary", "load is 1.5");
    PostableAlert a = new PostableAlert(labels, ann, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:04:00.123Z"),
        "http://strata:9090/graph?g0.expr=up&g0.tab=1");
    PostableAlert noUrl = new PostableAlert(labels, new TreeMap<>(), Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00Z"), "");
    assertEquals("[{\"annotations\":{\"summary\":\"load is 1.5\"},\"endsAt\":\"2026-01-01T00:04:00.123Z\",\"startsAt\":\"2026-01-01T00:00:00.000Z\","
        + "\"generatorURL\":\"http://strata:9090/graph?g0.expr=up&g0.tab=1\",\"labels\":{\"alertname\":\"HighLoad\",\"instance\":\"a \\\"quoted\\\" one\"}},"
        + "{\"annotations\":{},\"endsAt\":\"2026-01-01T00:01:00.000Z\",\"startsAt\":\"2026-01-01T00:00:00.000Z\","
        + "\"labels\":{\"alertname\":\"HighLoad\",\"instance\":\"a \\\"quoted\\\" one\"}}]",
        new String(PostableAlert.toJson(List.of(a, noUrl)), StandardCharsets.UTF_8));
  }
}
