package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.schemas.prom.PromDuration;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code dns_sd_configs}: names looked up every refresh interval. {@code type} is SRV (default), A, AAAA, MX
 * or NS (NS as later Prometheus versions have it; 2.42 knows the others); every type but SRV needs a port.
 */
public record DnsSdConfig(List<String> names, String type, int port, Duration refreshInterval) {
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  @JsonCreator
  static DnsSdConfig fromYaml(@JsonProperty("names") List<String> names, @JsonProperty("type") String type,
      @JsonProperty("port") Integer port, @JsonProperty("refresh_interval") String refresh) {
    return new DnsSdConfig(names, type, port == null ? 0 : port, refresh == null ? null : PromDuration.parse(refresh));
  }

  public DnsSdConfig {
    names = names == null ? List.of() : List.copyOf(names);
    type = type == null || type.isEmpty() ? "SRV" : type;
    refreshInterval = refreshInterval == null ? DEFAULT_REFRESH : refreshInterval;
    if (names.isEmpty()) {
      throw new IllegalArgumentException("DNS-SD config must contain at least one SRV record name");
    }
    switch (type.toUpperCase(Locale.ROOT)) {
      case "SRV" -> { }
      case "A", "AAAA", "MX", "NS" -> {
        if (port == 0) {
          throw new IllegalArgumentException("a port is required in DNS-SD configs for all record types except SRV");
        }
      }
      default -> throw new IllegalArgumentException("invalid DNS-SD records type " + type);
    }
    if (refreshInterval.isZero() || refreshInterval.isNegative()) {
      throw new IllegalArgumentException("dns_sd refresh_interval must be positive, got " + PromDuration.format(refreshInterval));
    }
  }

  /** The record type in upper case. */
  public String recordType() {
    return type.toUpperCase(Locale.ROOT);
  }
}
