package io.strata.ingest.scrape.config;

import io.strata.schemas.prom.PromDuration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;

/** {@code http_sd_configs}: a URL answering a JSON list of target groups. */
public record HttpSdConfig(URI url, Duration refreshInterval) {
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);

  @JsonCreator
  static HttpSdConfig fromYaml(@JsonProperty("url") String url, @JsonProperty("refresh_interval") String refresh) {
    if (url == null || url.isEmpty()) {
      throw new IllegalArgumentException("URL is missing");
    }
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid http_sd URL \"" + url + "\": " + e.getMessage());
    }
    return new HttpSdConfig(u, refresh == null ? null : PromDuration.parse(refresh));
  }

  public HttpSdConfig {
    if (url == null) {
      throw new IllegalArgumentException("URL is missing");
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("URL scheme must be 'http' or 'https'");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("host is missing in URL");
    }
    refreshInterval = refreshInterval == null ? DEFAULT_REFRESH : refreshInterval;
  }
}
