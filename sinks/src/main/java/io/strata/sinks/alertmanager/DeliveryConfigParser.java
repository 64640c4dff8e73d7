package io.strata.sinks.alertmanager;

import io.strata.schemas.prom.PromDuration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link DeliveryConfig} from a parsed prometheus.yml (the YAML as maps and lists): its
 * {@code global.external_labels}, {@code global.evaluation_interval} and {@code alerting} section. Other
 * top-level keys (scrape_configs, rule_files, ...) are not this stage's and are left alone, so the user's
 * own prometheus.yml can be given as it is.
 *
 * <p>{@code alerting} takes Prometheus's keys ({@code alertmanagers} with {@code static_configs},
 * {@code scheme}, {@code path_prefix}, {@code timeout}, {@code api_version}, {@code basic_auth},
 * {@code tls_config}) and Strata's ({@code webhooks}, {@code resend_delay},
 * {@code notification_queue_capacity}, {@code tenant_label}). Anything else there is an error naming the
 * key: what Strata does not do (service discovery, relabelling) is refused rather than silently ignored.
 * Relative file paths are resolved against {@code baseDir} (the config file's folder), as Prometheus does.
 */
public final class DeliveryConfigParser {
  private DeliveryConfigParser() {}

  private static final Set<String> ALERTING_KEYS = Set.of("alertmanagers", "alert_relabel_configs", "webhooks", "resend_delay",
      "notification_queue_capacity", "tenant_label");
  private static final Set<String> AM_KEYS = Set.of("static_configs", "scheme", "path_prefix", "timeout", "api_version", "basic_auth",
      "tls_config", "relabel_configs");
  private static final Set<String> WEBHOOK_KEYS = Set.of("url", "timeout", "basic_auth", "tls_config");
  private static final Set<String> STATIC_KEYS = Set.of("targets", "labels");
  private static final Set<String> BASIC_AUTH_KEYS = Set.of("username", "password", "password_file");
  private static final Set<String> TLS_KEYS = Set.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify");

  /**
   * @param root the whole prometheus.yml-shaped document (null or empty: nothing configured)
   * @param baseDir folder that relative file paths are resolved against
   * @throws IllegalArgumentException naming the key and the bad value
   */
  public static DeliveryConfig parse(Map<String, ?> root, Path baseDir) {
    Map<String, ?> global = map(root == null ? null : root.get("global"), "global");
    Map<String, ?> alerting = map(root == null ? null : root.get("alerting"), "alerting");
    Map<String, String> external = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : map(global.get("external_labels"), "global.external_labels").entrySet()) {
      external.put(e.getKey(), scalar(e.getValue(), "global.external_labels." + e.getKey()));
    }
    Duration eval = duration(global.get("evaluation_interval"), "global.evaluation_interval", DeliveryConfig.DEFAULT_EVALUATION_INTERVAL);

    for (String k : alerting.keySet()) {
      if (!ALERTING_KEYS.contains(k)) {
        throw new IllegalArgumentException("alerting: unknown key \"" + k + "\" (known: " + sorted(ALERTING_KEYS) + ")");
      }
    }
    if (!list(alerting.get("alert_relabel_configs"), "alerting.alert_relabel_configs").isEmpty()) {
      throw new IllegalArgumentException("alerting.alert_relabel_configs: alert relabelling is not supported by Strata's delivery stage");
    }
    List<DeliveryConfig.AlertmanagerSet> sets = new ArrayList<>();
    List<?> ams = list(alerting.get("alertmanagers"), "alerting.alertmanagers");
    for (int i = 0; i < ams.size(); i++) {
      sets.add(alertmanagerSet(map(ams.get(i), "alerting.alertmanagers[" + i + "]"), "alerting.alertmanagers[" + i + "]", baseDir));
    }
    List<DeliveryConfig.Webhook> hooks = new ArrayList<>();
    List<?> whs = list(alerting.get("webhooks"), "alerting.webhooks");
    for (int i = 0; i < whs.size(); i++) {
      hooks.add(webhook(map(whs.get(i), "alerting.webhooks[" + i + "]"), "alerting.webhooks[" + i + "]", baseDir));
    }
    Duration resend = duration(alerting.get("resend_delay"), "alerting.resend_delay", DeliveryConfig.DEFAULT_RESEND_DELAY);
    int capacity = integer(alerting.get("notification_queue_capacity"), "alerting.notification_queue_capacity", DeliveryConfig.DEFAULT_QUEUE_CAPACITY);
    String tenantLabel = alerting.get("tenant_label") == null ? "" : scalar(alerting.get("tenant_label"), "alerting.tenant_label");
    DeliveryConfig.Backoff backoff = new DeliveryConfig.Backoff(DeliveryConfig.Backoff.DEFAULT.initial(), DeliveryConfig.Backoff.DEFAULT.max(), resend);
    return new DeliveryConfig(sets, hooks, external, eval, resend, capacity, tenantLabel, backoff);
  }

  private static DeliveryConfig.AlertmanagerSet alertmanagerSet(Map<String, ?> m, String where, Path baseDir) {
    for (String k : m.keySet()) {
      if (k.endsWith("_sd_configs")) {
        throw new IllegalArgumentException(where + "." + k + ": service discovery is not supported for Alertmanagers; list them in static_configs");
      }
      if (!AM_KEYS.contains(k)) {
        throw new IllegalArgumentException(where + ": unknown key \"" + k + "\" (known: " + sorted(AM_KEYS) + ")");
      }
    }
    if (!list(m.get("relabel_configs"), where + ".relabel_configs").isEmpty()) {
      throw new IllegalArgumentException(where + ".relabel_configs: Alertmanager relabelling is not supported by Strata's delivery stage");
    }
    List<String> targets = new ArrayList<>();
    List<?> statics = list(m.get("static_configs"), where + ".static_configs");
    for (int i = 0; i < statics.size(); i++) {
      String w = where + ".static_configs[" + i + "]";
      Map<String, ?> sc = map(statics.get(i), w);
      for (String k : sc.keySet()) {
        if (!STATIC_KEYS.contains(k)) {
          throw new IllegalArgumentException(w + ": unknown key \"" + k + "\" (known: " + sorted(STATIC_KEYS) + ")");
        }
      }
      List<?> ts = list(sc.get("targets"), w + ".targets");
      for (int j = 0; j < ts.size(); j++) {
        targets.add(scalar(ts.get(j), w + ".targets[" + j + "]"));
      }
    }
    String scheme = m.get("scheme") == null ? "http" : scalar(m.get("scheme"), where + ".scheme");
    String prefix = m.get("path_prefix") == null ? "" : scalar(m.get("path_prefix"), where + ".path_prefix");
    String version = m.get("api_version") == null ? "v2" : scalar(m.get("api_version"), where + ".api_version");
    try {
      return new DeliveryConfig.AlertmanagerSet(targets, scheme, prefix, version, http(m, where, baseDir));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(relocate(e.getMessage(), where), e);
    }
  }

  private static DeliveryConfig.Webhook webhook(Map<String, ?> m, String where, Path baseDir) {
    for (String k : m.keySet()) {
      if (!WEBHOOK_KEYS.contains(k)) {
        throw new IllegalArgumentException(where + ": unknown key \"" + k + "\" (known: " + sorted(WEBHOOK_KEYS) + ")");
      }
    }
    if (m.get("url") == null) {
      throw new IllegalArgumentException(where + ".url is required");
    }
    String url = scalar(m.get("url"), where + ".url");
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".url: \"" + url + "\" is not a valid URL");
    }
    try {
      return new DeliveryConfig.Webhook(uri, http(m, where, baseDir));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(relocate(e.getMessage(), where), e);
    }
  }

  /** A record's message says "alerting.alertmanagers:", "alerting.webhooks:" or "alerting:"; name the entry instead. */
  private static String relocate(String message, String where) {
    for (String p : new String[] {"alerting.alertmanagers:", "alerting.webhooks:", "alerting:"}) {
      if (message.startsWith(p)) {
        return where + ":" + message.substring(p.length());
      }
    }
    return message;
  }

  private static DeliveryConfig.Http http(Map<String, ?> m, String where, Path baseDir) {
    Duration timeout = duration(m.get("timeout"), where + ".timeout", DeliveryConfig.Http.DEFAULT_TIMEOUT);
    if (timeout.isZero()) {
      throw new IllegalArgumentException(where + ".timeout must be > 0, got 0");
    }
    DeliveryConfig.BasicAuth basic = null;
    if (m.get("basic_auth") != null) {
      Map<String, ?> b = map(m.get("basic_auth"), where + ".basic_auth");
      for (String k : b.keySet()) {
        if (!BASIC_AUTH_KEYS.contains(k)) {
          throw new IllegalArgumentException(where + ".basic_auth: unknown key \"" + k + "\" (known: " + sorted(BASIC_AUTH_KEYS) + ")");
        }
      }
      String file = b.get("password_file") == null ? "" : scalar(b.get("password_file"), where + ".basic_auth.password_file");
      basic = new DeliveryConfig.BasicAuth(b.get("username") == null ? "" : scalar(b.get("username"), where + ".basic_auth.username"),
          b.get("password") == null ? "" : scalar(b.get("password"), where + ".basic_auth.password"),
          file.isEmpty() ? null : baseDir.resolve(file));
    }
    DeliveryConfig.Tls tls = DeliveryConfig.Tls.NONE;
    if (m.get("tls_config") != null) {
      Map<String, ?> t = map(m.get("tls_config"), where + ".tls_config");
      for (String k : t.keySet()) {
        if (!TLS_KEYS.contains(k)) {
          throw new IllegalArgumentException(where + ".tls_config: unknown key \"" + k + "\" (known: " + sorted(TLS_KEYS) + ")");
        }
      }
      Object insecure = t.get("insecure_skip_verify");
      if (insecure != null && !(insecure instanceof Boolean)) {
        throw new IllegalArgumentException(where + ".tls_config.insecure_skip_verify must be true or false, got \"" + insecure + "\"");
      }
      tls = new DeliveryConfig.Tls(file(t, "ca_file", where, baseDir), file(t, "cert_file", where, baseDir), file(t, "key_file", where, baseDir),
          t.get("server_name") == null ? "" : scalar(t.get("server_name"), where + ".tls_config.server_name"), Boolean.TRUE.equals(insecure));
    }
    return new DeliveryConfig.Http(timeout, basic, tls);
  }

  private static String file(Map<String, ?> tls, String key, String where, Path baseDir) {
    Object v = tls.get(key);
    if (v == null) {
      return "";
    }
    String s = scalar(v, where + ".tls_config." + key);
    return s.isEmpty() ? "" : baseDir.resolve(s).toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> map(Object o, String where) {
    if (o == null) {
      return Map.of();
    }
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException(where + " must be a mapping, got " + describe(o));
    }
    return (Map<String, ?>) o;
  }

  private static List<?> list(Object o, String where) {
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List<?> l)) {
      throw new IllegalArgumentException(where + " must be a list, got " + describe(o));
    }
    return l;
  }

  private static String scalar(Object o, String where) {
    if (o instanceof Map || o instanceof List || o == null) {
      throw new IllegalArgumentException(where + " must be a string, got " + describe(o));
    }
    return o.toString();
  }

  private static Duration duration(Object o, String where, Duration dflt) {
    if (o == null) {
      return dflt;
    }
    String s = scalar(o, where);
    try {
      return Duration.ofMillis(PromDuration.parseMillis(s));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": \"" + s + "\" is not a duration like 30s or 1m");
    }
  }

  private static int integer(Object o, String where, int dflt) {
    if (o == null) {
      return dflt;
    }
    if (o instanceof Integer i) {
      return i;
    }
    try {
      return Integer.parseInt(scalar(o, where));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + " must be an integer, got \"" + o + "\"");
    }
  }

  private static String describe(Object o) {
    return o == null ? "nothing" : o instanceof Map ? "a mapping" : o instanceof List ? "a list" : "\"" + o + "\"";
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }
}
