package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.schemas.model.Labels;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One {@code static_configs} entry (also the shape of file_sd and http_sd target groups). */
public record StaticConfig(List<String> targets, Map<String, String> labels) {
  @JsonCreator
  public StaticConfig(@JsonProperty("targets") List<String> targets, @JsonProperty("labels") Map<String, String> labels) {
    this.targets = targets == null ? List.of() : List.copyOf(targets);
    this.labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    for (String t : this.targets) {
      checkTargetAddress(t);
    }
    for (var e : this.labels.entrySet()) {
      if (!Labels.isValidName(e.getKey())) {
        throw new IllegalArgumentException("\"" + e.getKey() + "\" is not a valid label name");
      }
    }
  }

  /** Prometheus's CheckTargetAddress: a target is host:port, never a URL. */
  public static void checkTargetAddress(String address) {
    if (address == null || address.contains("/")) {
      throw new IllegalArgumentException("\"" + address + "\" is not a valid hostname");
    }
  }
}
