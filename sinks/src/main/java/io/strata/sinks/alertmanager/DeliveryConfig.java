package io.strata.sinks.alertmanager;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Settings of the delivery stage, validated once here; every error names the key and the bad value.
 * {@link DeliveryConfigParser} builds it from prometheus.yml's {@code alerting:} and {@code global:} sections.
 *
 * @param alertmanagers {@code alerting.alertmanagers}: each set posts to every one of its targets
 * @param webhooks {@code alerting.webhooks} (Strata's): the same JSON array POSTed to a URL
 * @param externalLabels {@code global.external_labels}: added to an alert's labels where it lacks the label
 * @param evaluationInterval {@code global.evaluation_interval}: with the resend delay it sets a firing alert's
 *     {@code endsAt} (4 × the larger of the two after each send)
 * @param resendDelay {@code alerting.resend_delay} (Prometheus's {@code --rules.alert.resend-delay})
 * @param queueCapacity {@code alerting.notification_queue_capacity} (Prometheus's
 *     {@code --alertmanager.notification-queue-capacity}), per target
 * @param tenantLabel {@code alerting.tenant_label}: when not empty, the event's tenant is added as this label
 *     (where the alert lacks it)
 * @param backoff retries of a failed request
 */
public record DeliveryConfig(
    List<AlertmanagerSet> alertmanagers,
    List<Webhook> webhooks,
    Map<String, String> externalLabels,
    Duration evaluationInterval,
    Duration resendDelay,
    int queueCapacity,
    String tenantLabel,
    Backoff backoff) {

  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_RESEND_DELAY = Duration.ofMinutes(1);
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  /** Prometheus's {@code maxBatchSize}: alerts per request. */
  public static final int MAX_BATCH_SIZE = 64;
  /** Prometheus's {@code resolvedRetention}: how long a resolved alert is re-sent. */
  public static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public static final DeliveryConfig NONE = new DeliveryConfig(List.of(), List.of(), Map.of(), DEFAULT_EVALUATION_INTERVAL,
      DEFAULT_RESEND_DELAY, DEFAULT_QUEUE_CAPACITY, "", Backoff.DEFAULT);

  public DeliveryConfig {
    alertmanagers = List.copyOf(alertmanagers);
    webhooks = List.copyOf(webhooks);
    externalLabels = Collections.unmodifiableMap(new TreeMap<>(externalLabels));
    for (Map.Entry<String, String> e : externalLabels.entrySet()) {
      if (!LABEL_NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("global.external_labels: \"" + e.getKey() + "\" is not a valid label name");
      }
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw new IllegalArgumentException("global.external_labels: label \"" + e.getKey() + "\" has an empty value");
      }
    }
    if (evaluationInterval.compareTo(Duration.ZERO) <= 0) {
      throw new IllegalArgumentException("global.evaluation_interval must be > 0, got " + evaluationInterval);
    }
    if (resendDelay.compareTo(Duration.ZERO) <= 0) {
      throw new IllegalArgumentException("alerting.resend_delay must be > 0, got " + resendDelay);
    }
    if (queueCapacity < MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("alerting.notification_queue_capacity must be >= " + MAX_BATCH_SIZE
          + " (one batch), got " + queueCapacity);
    }
    if (!tenantLabel.isEmpty() && (!LABEL_NAME.matcher(tenantLabel).matches() || tenantLabel.startsWith("__"))) {
      throw new IllegalArgumentException("alerting.tenant_label: \"" + tenantLabel + "\" is not a valid label name");
    }
    List<String> urls = new ArrayList<>();
    for (Target t : targets(alertmanagers, webhooks)) {
      if (urls.contains(t.url().toString())) {
        throw new IllegalArgumentException("alerting: " + t.url() + " is configured twice");
      }
      urls.add(t.url().toString());
    }
  }

  /** True when there is nowhere to deliver to: {@code strata up} then does not start the stage. */
  public boolean isEmpty() {
    return targets().isEmpty();
  }

  /** {@code endsAt} of a firing alert sent at t is t + this (Prometheus: room for two failed evaluations or sends). */
  public Duration validFor() {
    return (evaluationInterval.compareTo(resendDelay) > 0 ? evaluationInterval : resendDelay).multipliedBy(4);
  }

  /** Every URL alerts are POSTed to: one per Alertmanager (each replica), then the webhooks. */
  public List<Target> targets() {
    return targets(alertmanagers, webhooks);
  }

  private static List<Target> targets(List<AlertmanagerSet> alertmanagers, List<Webhook> webhooks) {
    List<Target> out = new ArrayList<>();
    for (AlertmanagerSet set : alertmanagers) {
      for (String hostPort : set.targets()) {
        out.add(new Target(Target.Kind.ALERTMANAGER, set.url(hostPort), set.http()));
      }
    }
    for (Webhook w : webhooks) {
      out.add(new Target(Target.Kind.WEBHOOK, w.url(), w.http()));
    }
    return out;
  }

  public DeliveryConfig withBackoff(Backoff b) {
    return new DeliveryConfig(alertmanagers, webhooks, externalLabels, evaluationInterval, resendDelay, queueCapacity, tenantLabel, b);
  }

  /** One URL to POST to, with how to reach it. */
  public record Target(Kind kind, URI url, Http http) {
    public enum Kind { ALERTMANAGER, WEBHOOK }
  }

  /**
   * One entry of {@code alerting.alertmanagers}: its {@code static_configs} targets ({@code host:port}) and
   * how to talk to them.
   *
   * @param scheme {@code http} (default) or {@code https}
   * @param pathPrefix put before {@code /api/<version>/alerts}
   * @param apiVersion {@code v2} (default) or {@code v1}, as Prometheus 2.42 accepts
   */
  public record AlertmanagerSet(List<String> targets, String scheme, String pathPrefix, String apiVersion, Http http) {
    public AlertmanagerSet {
      targets = List.copyOf(targets);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("alerting.alertmanagers: scheme must be http or https, got \"" + scheme + "\"");
      }
      if (!apiVersion.equals("v1") && !apiVersion.equals("v2")) {
        // Prometheus 2.42's wording
        throw new IllegalArgumentException("alerting.alertmanagers: expected Alertmanager api version to be one of [v1 v2] but got " + apiVersion);
      }
      for (String t : targets) {
        if (t.contains("/")) {
          throw new IllegalArgumentException("alerting.alertmanagers: static_configs target \"" + t + "\" is not a valid hostname");
        }
        if (t.isEmpty()) {
          throw new IllegalArgumentException("alerting.alertmanagers: static_configs has an empty target");
        }
      }
    }

    /** {@code <scheme>://<target><path_prefix>/api/<version>/alerts}, slashes joined as Go's path.Join does. */
    URI url(String hostPort) {
      StringBuilder path = new StringBuilder();
      for (String part : (pathPrefix + "/api/" + apiVersion + "/alerts").split("/")) {
        if (!part.isEmpty()) {
          path.append('/').append(part);
        }
      }
      try {
        return URI.create(scheme + "://" + hostPort + path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("alerting.alertmanagers: \"" + hostPort + "\" with path_prefix \"" + pathPrefix
            + "\" is not a valid URL: " + e.getMessage());
      }
    }
  }

  /** One entry of {@code alerting.webhooks}: alerts POSTed as Alertmanager's v2 JSON array. */
  public record Webhook(URI url, Http http) {
    public Webhook {
      if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https")) || url.getHost() == null) {
        throw new IllegalArgumentException("alerting.webhooks: url must be an absolute http(s) URL, got \"" + url + "\"");
      }
    }
  }

  /** Prometheus's HTTP client settings used here: {@code timeout}, {@code basic_auth}, {@code tls_config}. */
  public record Http(Duration timeout, BasicAuth basicAuth, Tls tls) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Http DEFAULT = new Http(DEFAULT_TIMEOUT, null, Tls.NONE);

    public Http {
      if (timeout.compareTo(Duration.ZERO) <= 0) {
        throw new IllegalArgumentException("alerting: timeout must be > 0, got " + timeout);
      }
    }
  }

  /** {@code basic_auth}: the password inline or in a file (read at every request, as Prometheus does). */
  public record BasicAuth(String username, String password, Path passwordFile) {
    public BasicAuth {
      if (!password.isEmpty() && passwordFile != null) {
        throw new IllegalArgumentException("alerting: at most one of basic_auth password & password_file must be configured");
      }
    }

    @Override
    public String toString() {
      return "BasicAuth[username=" + username + ", password=<secret>, passwordFile=" + passwordFile + "]";
    }
  }

  /** {@code tls_config}: PEM files (empty: not set), SNI name, verification switch. */
  public record Tls(String caFile, String certFile, String keyFile, String serverName, boolean insecureSkipVerify) {
    public static final Tls NONE = new Tls("", "", "", "", false);

    public Tls {
      if (!certFile.isEmpty() && keyFile.isEmpty()) {
        throw new IllegalArgumentException("alerting: tls_config has cert_file but no key_file");
      }
      if (!keyFile.isEmpty() && certFile.isEmpty()) {
        throw new IllegalArgumentException("alerting: tls_config has key_file but no cert_file");
      }
    }
  }

  /**
   * Retries of a failed request: the first after {@code initial}, doubling up to {@code max}; a batch is
   * given up (and counted as dropped) once retrying would pass {@code giveUpAfter} since its first try. The
   * next resend then carries the alerts' newest state again.
   */
  public record Backoff(Duration initial, Duration max, Duration giveUpAfter) {
    /** 0.5 s doubling to 10 s; given up after the default resend delay, when the alerts are due again anyway. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), DEFAULT_RESEND_DELAY);

    public Backoff {
      if (initial.compareTo(Duration.ZERO) <= 0 || max.compareTo(initial) < 0 || giveUpAfter.isNegative()) {
        throw new IllegalArgumentException("backoff: need 0 < initial <= max and giveUpAfter >= 0, got " + initial + ", " + max + ", " + giveUpAfter);
      }
    }
  }
}
