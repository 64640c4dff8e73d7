package io.strata.ingest.scrape.config;

import io.strata.schemas.prom.PromDuration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.ingest.relabel.RelabelConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code scrape_configs} entry. Interval and timeout are null until {@link #withGlobal(GlobalConfig)}
 * applies the global defaults; {@link PrometheusConfig} always does, so configs obtained from it are
 * complete. Legacy {@code bearer_token}/{@code bearer_token_file} become an {@link Authorization} of type
 * Bearer, as Prometheus does.
 */
public record ScrapeConfig(
    String jobName,
    Duration scrapeInterval,
    Duration scrapeTimeout,
    String metricsPath,
    String scheme,
    Map<String, List<String>> params,
    boolean honorLabels,
    boolean honorTimestamps,
    BasicAuth basicAuth,
    Authorization authorization,
    TlsConfig tlsConfig,
    long sampleLimit,
    long labelLimit,
    long labelNameLengthLimit,
    long labelValueLengthLimit,
    long bodySizeLimit,
    List<StaticConfig> staticConfigs,
    List<FileSdConfig> fileSdConfigs,
    List<HttpSdConfig> httpSdConfigs,
    List<DnsSdConfig> dnsSdConfigs,
    List<ConsulSdConfig> consulSdConfigs,
    List<KubernetesSdConfig> kubernetesSdConfigs,
    List<RelabelConfig> relabelConfigs,
    List<RelabelConfig> metricRelabelConfigs) {

  public static final String DEFAULT_METRICS_PATH = "/metrics";
  public static final String DEFAULT_SCHEME = "http";

  public ScrapeConfig {
    if (jobName == null || jobName.isEmpty()) {
      throw new IllegalArgumentException("job_name is empty");
    }
    metricsPath = metricsPath == null || metricsPath.isEmpty() ? DEFAULT_METRICS_PATH : metricsPath;
    scheme = scheme == null || scheme.isEmpty() ? DEFAULT_SCHEME : scheme;
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("invalid scheme \"" + scheme + "\" for scrape config with job name \"" + jobName
          + "\": must be http or https");
    }
    params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    tlsConfig = tlsConfig == null ? TlsConfig.DEFAULT : tlsConfig;
    for (long limit : new long[] {sampleLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit, bodySizeLimit}) {
      if (limit < 0) {
        throw new IllegalArgumentException("limits must not be negative in scrape config with job name \"" + jobName + "\", got " + limit);
      }
    }
    staticConfigs = staticConfigs == null ? List.of() : List.copyOf(staticConfigs);
    fileSdConfigs = fileSdConfigs == null ? List.of() : List.copyOf(fileSdConfigs);
    httpSdConfigs = httpSdConfigs == null ? List.of() : List.copyOf(httpSdConfigs);
    dnsSdConfigs = dnsSdConfigs == null ? List.of() : List.copyOf(dnsSdConfigs);
    consulSdConfigs = consulSdConfigs == null ? List.of() : List.copyOf(consulSdConfigs);
    kubernetesSdConfigs = kubernetesSdConfigs == null ? List.of() : List.copyOf(kubernetesSdConfigs);
    relabelConfigs = relabelConfigs == null ? List.of() : List.copyOf(relabelConfigs);
    metricRelabelConfigs = metricRelabelConfigs == null ? List.of() : List.copyOf(metricRelabelConfigs);
  }

  @JsonCreator
  static ScrapeConfig fromYaml(
      @JsonProperty("job_name") String jobName,
      @JsonProperty("scrape_interval") String scrapeInterval,
      @JsonProperty("scrape_timeout") String scrapeTimeout,
      @JsonProperty("metrics_path") String metricsPath,
      @JsonProperty("scheme") String scheme,
      @JsonProperty("params") Map<String, List<String>> params,
      @JsonProperty("honor_labels") Boolean honorLabels,
      @JsonProperty("honor_timestamps") Boolean honorTimestamps,
      @JsonProperty("basic_auth") BasicAuth basicAuth,
      @JsonProperty("authorization") Authorization authorization,
      @JsonProperty("bearer_token") String bearerToken,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("bearer_token_file") String bearerTokenFile,
      @JsonProperty("tls_config") TlsConfig tlsConfig,
      @JsonProperty("sample_limit") Long sampleLimit,
      @JsonProperty("label_limit") Long labelLimit,
      @JsonProperty("label_name_length_limit") Long labelNameLengthLimit,
      @JsonProperty("label_value_length_limit") Long labelValueLengthLimit,
      @JsonProperty("body_size_limit") String bodySizeLimit,
      @JsonProperty("static_configs") List<StaticConfig> staticConfigs,
      @JsonProperty("file_sd_configs") List<FileSdConfig> fileSdConfigs,
      @JsonProperty("http_sd_configs") List<HttpSdConfig> httpSdConfigs,
      @JsonProperty("dns_sd_configs") List<DnsSdConfig> dnsSdConfigs,
      @JsonProperty("consul_sd_configs") List<ConsulSdConfig> consulSdConfigs,
      @JsonProperty("kubernetes_sd_configs") List<KubernetesSdConfig> kubernetesSdConfigs,
      @JsonProperty("relabel_configs") List<RelabelConfig> relabelConfigs,
      @JsonProperty("metric_relabel_configs") List<RelabelConfig> metricRelabelConfigs) {
    HttpClientConfig http = HttpClientConfig.of(basicAuth, authorization, bearerToken, bearerTokenFile, tlsConfig);
    return new ScrapeConfig(jobName,
        scrapeInterval == null ? null : PromDuration.parse(scrapeInterval),
        scrapeTimeout == null ? null : PromDuration.parse(scrapeTimeout),
        metricsPath, scheme, params,
        honorLabels != null && honorLabels, honorTimestamps == null || honorTimestamps,
        http.basicAuth(), http.authorization(), http.tlsConfig(),
        nonNull(sampleLimit), nonNull(labelLimit), nonNull(labelNameLengthLimit), nonNull(labelValueLengthLimit),
        ByteSizes.parse(bodySizeLimit),
        staticConfigs, fileSdConfigs, httpSdConfigs, dnsSdConfigs, consulSdConfigs, kubernetesSdConfigs, relabelConfigs, metricRelabelConfigs);
  }

  private static long nonNull(Long v) {
    return v == null ? 0 : v;
  }

  /** The job's HTTP client settings. */
  public HttpClientConfig httpClientConfig() {
    return new HttpClientConfig(basicAuth, authorization, tlsConfig);
  }

  /** True when the two configs discover targets the same way (a reload then keeps discovery running). */
  public boolean sameDiscovery(ScrapeConfig o) {
    return staticConfigs.equals(o.staticConfigs) && fileSdConfigs.equals(o.fileSdConfigs)
        && httpSdConfigs.equals(o.httpSdConfigs) && dnsSdConfigs.equals(o.dnsSdConfigs)
        && consulSdConfigs.equals(o.consulSdConfigs) && kubernetesSdConfigs.equals(o.kubernetesSdConfigs);
  }

  /** Applies the global interval/timeout defaults as Prometheus does and checks timeout <= interval. */
  public ScrapeConfig withGlobal(GlobalConfig global) {
    Duration interval = scrapeInterval == null || scrapeInterval.isZero() ? global.scrapeInterval() : scrapeInterval;
    Duration timeout = scrapeTimeout;
    if (timeout == null || timeout.isZero()) {
      timeout = global.scrapeTimeout().compareTo(interval) > 0 ? interval : global.scrapeTimeout();
    }
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException("scrape timeout greater than scrape interval for scrape config with job name \"" + jobName + "\"");
    }
    return new ScrapeConfig(jobName, interval, timeout, metricsPath, scheme, params, honorLabels, honorTimestamps,
        basicAuth, authorization, tlsConfig, sampleLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit,
        bodySizeLimit, staticConfigs, fileSdConfigs, httpSdConfigs, dnsSdConfigs, consulSdConfigs, kubernetesSdConfigs, relabelConfigs, metricRelabelConfigs);
  }
}
