package io.strata.ingest.scrape.config;

import io.strata.schemas.prom.PromDuration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.schemas.model.Labels;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** The {@code global} block: defaults for every scrape config, and external labels. */
public record GlobalConfig(Duration scrapeInterval, Duration scrapeTimeout, Duration evaluationInterval, Map<String, String> externalLabels) {
  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMinutes(1);
  public static final GlobalConfig DEFAULT = new GlobalConfig(null, null, null, null);

  @JsonCreator
  static GlobalConfig fromYaml(
      @JsonProperty("scrape_interval") String scrapeInterval,
      @JsonProperty("scrape_timeout") String scrapeTimeout,
      @JsonProperty("evaluation_interval") String evaluationInterval,
      @JsonProperty("external_labels") Map<String, String> externalLabels,
      @JsonProperty("query_log_file") String queryLogFile) {
    return new GlobalConfig(dur(scrapeInterval), dur(scrapeTimeout), dur(evaluationInterval), externalLabels);
  }

  private static Duration dur(String s) {
    return s == null ? null : PromDuration.parse(s);
  }

  public GlobalConfig {
    scrapeInterval = scrapeInterval == null || scrapeInterval.isZero() ? DEFAULT_SCRAPE_INTERVAL : scrapeInterval;
    if (scrapeTimeout != null && !scrapeTimeout.isZero() && scrapeTimeout.compareTo(scrapeInterval) > 0) {
      throw new IllegalArgumentException("global scrape timeout greater than scrape interval");
    }
    if (scrapeTimeout == null || scrapeTimeout.isZero()) {
      scrapeTimeout = DEFAULT_SCRAPE_TIMEOUT.compareTo(scrapeInterval) > 0 ? scrapeInterval : DEFAULT_SCRAPE_TIMEOUT;
    }
    evaluationInterval = evaluationInterval == null || evaluationInterval.isZero() ? DEFAULT_EVALUATION_INTERVAL : evaluationInterval;
    TreeMap<String, String> ext = new TreeMap<>();
    if (externalLabels != null) {
      for (var e : externalLabels.entrySet()) {
        if (!Labels.isValidName(e.getKey())) {
          throw new IllegalArgumentException("\"" + e.getKey() + "\" is not a valid label name");
        }
        if (e.getValue() != null && !e.getValue().isEmpty()) {
          ext.put(e.getKey(), e.getValue()); // an empty value means no label, as everywhere in Prometheus
        }
      }
    }
    externalLabels = java.util.Collections.unmodifiableMap(ext);
  }
}
