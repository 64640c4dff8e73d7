package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of prometheus.yml that the scrape engine reads: {@code global} and {@code scrape_configs}.
 * {@code rule_files} and {@code alerting} are accepted (other stages read them) and ignored here. Scrape
 * configs come out with the global defaults applied. Load with {@link PrometheusConfigLoader}.
 */
public record PrometheusConfig(GlobalConfig global, List<ScrapeConfig> scrapeConfigs) {
  public PrometheusConfig {
    global = global == null ? GlobalConfig.DEFAULT : global;
    List<ScrapeConfig> resolved = new java.util.ArrayList<>();
    Set<String> jobs = new HashSet<>();
    if (scrapeConfigs != null) {
      for (ScrapeConfig sc : scrapeConfigs) {
        if (sc == null) {
          throw new IllegalArgumentException("empty or null scrape config section");
        }
        if (!jobs.add(sc.jobName())) {
          throw new IllegalArgumentException("found multiple scrape configs with job name \"" + sc.jobName() + "\"");
        }
        resolved.add(sc.withGlobal(global));
      }
    }
    scrapeConfigs = List.copyOf(resolved);
  }

  @JsonCreator
  static PrometheusConfig fromYaml(
      @JsonProperty("global") GlobalConfig global,
      @JsonProperty("scrape_configs") List<ScrapeConfig> scrapeConfigs,
      @JsonProperty("rule_files") JsonNode ruleFiles,
      @JsonProperty("alerting") JsonNode alerting) {
    return new PrometheusConfig(global, scrapeConfigs);
  }

  /** The scrape config of a job, or null. */
  public ScrapeConfig job(String jobName) {
    for (ScrapeConfig sc : scrapeConfigs) {
      if (sc.jobName().equals(jobName)) {
        return sc;
      }
    }
    return null;
  }
}
