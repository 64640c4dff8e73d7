package io.strata.ingest.scrape.discovery;

import java.util.List;
import java.util.Map;

/**
 * A discovered group: targets, each a label set holding at least {@code __address__}, and labels shared
 * by the group (a target's own labels win over the group's).
 */
public record TargetGroup(String source, List<Map<String, String>> targets, Map<String, String> labels) {
  public TargetGroup {
    targets = List.copyOf(targets);
    labels = Map.copyOf(labels);
  }
}
