package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.schemas.prom.PromDuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code consul_sd_configs}, with Prometheus 2.42's defaults (server {@code localhost:8500}, scheme http,
 * tag separator {@code ,}, {@code allow_stale: true}, refresh 30s) and its HTTP client settings inline.
 * {@code username}/{@code password} become {@code basic_auth}; {@code token} is sent as
 * {@code X-Consul-Token}.
 */
public record ConsulSdConfig(
    String server,
    String token,
    String datacenter,
    String namespace,
    String partition,
    String tagSeparator,
    String scheme,
    boolean allowStale,
    Duration refreshInterval,
    List<String> services,
    List<String> tags,
    Map<String, String> nodeMeta,
    HttpClientConfig http) {

  public static final String DEFAULT_SERVER = "localhost:8500";
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  public ConsulSdConfig {
    server = server == null ? DEFAULT_SERVER : server;
    token = token == null ? "" : token;
    datacenter = datacenter == null ? "" : datacenter;
    namespace = namespace == null ? "" : namespace;
    partition = partition == null ? "" : partition;
    tagSeparator = tagSeparator == null ? "," : tagSeparator;
    scheme = scheme == null || scheme.isEmpty() ? "http" : scheme;
    refreshInterval = refreshInterval == null ? DEFAULT_REFRESH : refreshInterval;
    services = services == null ? List.of() : List.copyOf(services);
    tags = tags == null ? List.of() : List.copyOf(tags);
    nodeMeta = nodeMeta == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(nodeMeta));
    http = http == null ? HttpClientConfig.NONE : http;
    if (server.isBlank()) {
      throw new IllegalArgumentException("consul SD configuration requires a server address");
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("consul SD scheme must be http or https, got \"" + scheme + "\"");
    }
    if (refreshInterval.isZero() || refreshInterval.isNegative()) {
      throw new IllegalArgumentException("consul SD refresh_interval must be positive, got " + PromDuration.format(refreshInterval));
    }
  }

  @JsonCreator
  static ConsulSdConfig fromYaml(
      @JsonProperty("server") String server,
      @JsonProperty("token") String token,
      @JsonProperty("datacenter") String datacenter,
      @JsonProperty("namespace") String namespace,
      @JsonProperty("partition") String partition,
      @JsonProperty("tag_separator") String tagSeparator,
      @JsonProperty("scheme") String scheme,
      @JsonProperty("username") String username,
      @JsonProperty("password") String password,
      @JsonProperty("allow_stale") Boolean allowStale,
      @JsonProperty("refresh_interval") String refresh,
      @JsonProperty("services") List<String> services,
      @JsonProperty("tags") List<String> tags,
      @JsonProperty("node_meta") Map<String, String> nodeMeta,
      @JsonProperty("basic_auth") BasicAuth basicAuth,
      @JsonProperty("authorization") Authorization authorization,
      @JsonProperty("bearer_token") String bearerToken,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("bearer_token_file") String bearerTokenFile,
      @JsonProperty("tls_config") TlsConfig tls) {
    boolean userPass = (username != null && !username.isEmpty()) || (password != null && !password.isEmpty());
    if (userPass) {
      if (basicAuth != null) {
        throw new IllegalArgumentException("at most one of consul SD configuration username and password and basic auth can be configured");
      }
      basicAuth = new BasicAuth(username, password, null);
    }
    if (token != null && !token.isEmpty() && authorization != null) {
      throw new IllegalArgumentException("at most one of consul SD token, authorization, or oauth2 can be configured");
    }
    return new ConsulSdConfig(server, token, datacenter, namespace, partition, tagSeparator, scheme,
        allowStale == null || allowStale, refresh == null ? null : PromDuration.parse(refresh), services, tags, nodeMeta,
        HttpClientConfig.of(basicAuth, authorization, bearerToken, bearerTokenFile, tls));
  }

  @Override
  public String toString() {
    return "ConsulSdConfig[server=" + server + ", token=<secret>, datacenter=" + datacenter + ", services=" + services
        + ", tags=" + tags + ", nodeMeta=" + nodeMeta + "]";
  }
}
