package io.strata.ingest.scrape;

import io.strata.schemas.prom.PromDuration;

import io.strata.ingest.relabel.LabelSetBuilder;
import io.strata.ingest.relabel.Relabeler;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.ingest.scrape.config.StaticConfig;
import io.strata.schemas.model.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns discovered labels into a {@link Target} as Prometheus's {@code PopulateLabels} does: add
 * {@code job}, {@code __scrape_interval__}, {@code __scrape_timeout__}, {@code __metrics_path__},
 * {@code __scheme__} and {@code __param_*} when discovery did not set them, apply {@code relabel_configs},
 * require {@code __address__}, drop {@code __meta_*}, default {@code instance} to the address. Unlike
 * Prometheus 2.x (and like 3.x) no default port is added to the address.
 */
public final class TargetBuilder {
  private TargetBuilder() {}

  public static final String ADDRESS = "__address__";
  public static final String SCHEME = "__scheme__";
  public static final String METRICS_PATH = "__metrics_path__";
  public static final String SCRAPE_INTERVAL = "__scrape_interval__";
  public static final String SCRAPE_TIMEOUT = "__scrape_timeout__";
  public static final String PARAM_PREFIX = "__param_";
  public static final String META_PREFIX = "__meta_";

  /**
   * Builds the target, or returns null when relabeling dropped it.
   *
   * @throws IllegalArgumentException when the labels cannot make a target (no address, bad interval...)
   */
  public static Target build(ScrapeConfig cfg, Map<String, String> discovered) {
    LabelSetBuilder lb = new LabelSetBuilder();
    for (var e : discovered.entrySet()) {
      lb.set(e.getKey(), e.getValue());
    }
    setIfAbsent(lb, "job", cfg.jobName());
    setIfAbsent(lb, SCRAPE_INTERVAL, PromDuration.format(cfg.scrapeInterval()));
    setIfAbsent(lb, SCRAPE_TIMEOUT, PromDuration.format(cfg.scrapeTimeout()));
    setIfAbsent(lb, METRICS_PATH, cfg.metricsPath());
    setIfAbsent(lb, SCHEME, cfg.scheme());
    for (var p : cfg.params().entrySet()) {
      if (!p.getValue().isEmpty()) {
        setIfAbsent(lb, PARAM_PREFIX + p.getKey(), p.getValue().get(0));
      }
    }
    Labels pre = lb.toLabels();
    if (!Relabeler.process(lb, cfg.relabelConfigs())) {
      return null;
    }
    String address = lb.get(ADDRESS);
    if (address.isEmpty()) {
      throw new IllegalArgumentException("no address");
    }
    StaticConfig.checkTargetAddress(address);
    Duration interval = duration(lb.get(SCRAPE_INTERVAL), "scrape interval");
    Duration timeout = duration(lb.get(SCRAPE_TIMEOUT), "scrape timeout");
    if (interval.isZero()) {
      throw new IllegalArgumentException("scrape interval cannot be 0");
    }
    if (timeout.isZero()) {
      throw new IllegalArgumentException("scrape timeout cannot be 0");
    }
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException("scrape timeout cannot be greater than scrape interval (\""
          + PromDuration.format(timeout) + "\" > \"" + PromDuration.format(interval) + "\")");
    }
    for (String name : lb.names()) {
      if (name.startsWith(META_PREFIX)) {
        lb.delete(name);
      }
    }
    if (lb.get("instance").isEmpty()) {
      lb.set("instance", address);
    }
    Labels internal = lb.toLabels();
    List<String> visible = new ArrayList<>();
    for (int i = 0; i < internal.size(); i++) {
      if (!internal.name(i).startsWith("__")) {
        visible.add(internal.name(i));
        visible.add(internal.value(i));
      }
    }
    Labels labels = Labels.of(visible.toArray(new String[0]));
    String scheme = lb.get(SCHEME);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("invalid scheme \"" + scheme + "\"");
    }
    return new Target(cfg.jobName(), labels, internal, pre, url(cfg, internal, scheme, address), interval, timeout);
  }

  private static URI url(ScrapeConfig cfg, Labels internal, String scheme, String address) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (var p : cfg.params().entrySet()) {
      params.put(p.getKey(), new ArrayList<>(p.getValue()));
    }
    for (int i = 0; i < internal.size(); i++) {
      String n = internal.name(i);
      if (n.startsWith(PARAM_PREFIX)) {
        String key = n.substring(PARAM_PREFIX.length());
        List<String> vs = params.computeIfAbsent(key, k -> new ArrayList<>());
        if (vs.isEmpty()) {
          vs.add(internal.value(i));
        } else {
          vs.set(0, internal.value(i));
        }
      }
    }
    StringBuilder sb = new StringBuilder(scheme).append("://").append(address);
    String path = internal.get(METRICS_PATH);
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    if (!path.startsWith("/")) {
      sb.append('/');
    }
    sb.append(path);
    char sep = path.contains("?") ? '&' : '?';
    for (var p : params.entrySet()) {
      for (String v : p.getValue()) {
        sb.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    try {
      return URI.create(sb.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid target URL \"" + sb + "\": " + e.getMessage());
    }
  }

  private static Duration duration(String s, String what) {
    try {
      return PromDuration.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("error parsing " + what + ": " + e.getMessage());
    }
  }

  private static void setIfAbsent(LabelSetBuilder lb, String name, String value) {
    if (lb.get(name).isEmpty()) {
      lb.set(name, value);
    }
  }
}
