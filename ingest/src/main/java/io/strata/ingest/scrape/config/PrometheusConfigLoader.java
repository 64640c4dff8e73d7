package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strata.ingest.relabel.RelabelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Reads prometheus.yml strictly, as Prometheus does: unknown keys and duplicate keys are errors naming the
 * field and line; validation errors carry the path of the offending section.
 */
public final class PrometheusConfigLoader {
  private PrometheusConfigLoader() {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Map<Class<?>, String> TYPE_NAMES = Map.ofEntries(
      Map.entry(PrometheusConfig.class, "config"),
      Map.entry(GlobalConfig.class, "global"),
      Map.entry(ScrapeConfig.class, "scrape_config"),
      Map.entry(StaticConfig.class, "static_config"),
      Map.entry(FileSdConfig.class, "file_sd_config"),
      Map.entry(HttpSdConfig.class, "http_sd_config"),
      Map.entry(DnsSdConfig.class, "dns_sd_config"),
      Map.entry(ConsulSdConfig.class, "consul_sd_config"),
      Map.entry(KubernetesSdConfig.class, "kubernetes_sd_config"),
      Map.entry(KubernetesSdConfig.Selector.class, "selector_config"),
      Map.entry(KubernetesSdConfig.Namespaces.class, "namespace_discovery"),
      Map.entry(KubernetesSdConfig.AttachMetadata.class, "attach_metadata_config"),
      Map.entry(RelabelConfig.class, "relabel_config"),
      Map.entry(BasicAuth.class, "basic_auth"),
      Map.entry(Authorization.class, "authorization"),
      Map.entry(TlsConfig.class, "tls_config"));

  /** Prometheus settings we know but do not implement: named as such instead of "not found". */
  private static final Set<String> PROMETHEUS_ONLY = Set.of(
      "oauth2", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "follow_redirects",
      "enable_http2", "enable_compression", "target_limit", "keep_dropped_targets", "native_histogram_bucket_limit",
      "native_histogram_min_bucket_factor", "scrape_classic_histograms", "always_scrape_classic_histograms",
      "scrape_protocols", "fallback_scrape_protocol", "track_timestamps_staleness", "metric_name_validation_scheme",
      "metric_name_escaping_scheme", "convert_classic_histograms_to_nhcb", "scrape_failure_log_file",
      "scrape_config_files", "remote_write", "remote_read", "storage", "tracing", "runtime", "otlp", "ca", "cert", "key",
      "min_version", "max_version", "ca_ref", "cert_ref", "key_ref", "password_ref", "credentials_ref");

  public static PrometheusConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    try {
      return parse(text, file.toAbsolutePath().getParent());
    } catch (ConfigException e) {
      throw new ConfigException("parsing YAML file " + file + ": " + e.getMessage(), e);
    }
  }

  /** A config given as text: file names in it are taken as written (relative to the working directory). */
  public static PrometheusConfig parse(String yaml) throws ConfigException {
    return parse(yaml, null);
  }

  /** @param dir the config file's directory, which relative file names in it are relative to (null: none) */
  static PrometheusConfig parse(String yaml, Path dir) throws ConfigException {
    if (yaml.isBlank()) {
      return new PrometheusConfig(null, null);
    }
    try {
      yaml = io.strata.schemas.prom.YamlAliases.expand(yaml);
    } catch (IOException e) {
      throw new ConfigException("yaml: " + firstLine(e.getMessage()), e);
    }
    try {
      com.fasterxml.jackson.databind.ObjectReader reader = YAML.readerFor(PrometheusConfig.class);
      PrometheusConfig c = (dir == null ? reader : reader.withAttribute(ConfigPath.DIR, dir)).readValue(yaml);
      return c == null ? new PrometheusConfig(null, null) : c;
    } catch (UnrecognizedPropertyException e) {
      String field = e.getPropertyName();
      String type = TYPE_NAMES.getOrDefault(e.getReferringClass(), e.getReferringClass().getSimpleName());
      String what = PROMETHEUS_ONLY.contains(field) || field.endsWith("_sd_configs")
          ? "field " + field + " of type " + type + " is a Prometheus setting that Strata does not support"
          : "field " + field + " not found in type " + type;
      throw new ConfigException(line(e.getLocation()) + what, e);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException(line(e.getLocation()) + path(e) + cause.getMessage(), e);
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause();
      String msg = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
      throw new ConfigException(line(e.getLocation()) + path(e) + firstLine(msg), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(line(e.getLocation()) + firstLine(e.getOriginalMessage()), e);
    }
  }

  private static String line(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 0 ? "" : "line " + loc.getLineNr() + ": ";
  }

  /** {@code scrape_configs[0].relabel_configs[2]: } from Jackson's reference chain. */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "" : sb + ": ";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid config";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
