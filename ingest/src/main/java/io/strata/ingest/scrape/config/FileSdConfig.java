package io.strata.ingest.scrape.config;

import io.strata.schemas.prom.PromDuration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/** {@code file_sd_configs}: JSON or YAML files of target groups; {@code *} globs in the file name part. */
public record FileSdConfig(List<String> files, Duration refreshInterval) {
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);

  @JsonCreator
  static FileSdConfig fromYaml(@com.fasterxml.jackson.databind.annotation.JsonDeserialize(contentUsing = ConfigPath.class) @JsonProperty("files") List<String> files, @JsonProperty("refresh_interval") String refresh) {
    return new FileSdConfig(files, refresh == null ? null : PromDuration.parse(refresh));
  }

  public FileSdConfig {
    files = files == null ? List.of() : List.copyOf(files);
    refreshInterval = refreshInterval == null ? DEFAULT_REFRESH : refreshInterval;
    if (files.isEmpty()) {
      throw new IllegalArgumentException("file service discovery config must contain at least one path name");
    }
    for (String f : files) {
      String name = f.substring(f.lastIndexOf('/') + 1);
      boolean ok = name.endsWith(".json") || name.endsWith(".yml") || name.endsWith(".yaml");
      if (!ok || f.substring(0, f.lastIndexOf('/') + 1).contains("*")) {
        throw new IllegalArgumentException("path name \"" + f + "\" is not valid for file discovery");
      }
    }
    if (refreshInterval.isZero() || refreshInterval.isNegative()) {
      throw new IllegalArgumentException("file_sd refresh_interval must be positive, got " + PromDuration.format(refreshInterval));
    }
  }
}
