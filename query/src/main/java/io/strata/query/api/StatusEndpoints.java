package io.strata.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/status/tsdb}, {@code /status/config} and {@code /status/flags} in Prometheus 2.42's shapes.
 *
 * <p>TSDB status is over every raw series of the caller's tenant in the store (Prometheus reports its head
 * block: the last two to three hours): {@code headStats} ({@code numSeries}, {@code numLabelPairs},
 * {@code chunkCount} is not known here and reported as 0, {@code minTime}, {@code maxTime}) and the four
 * top-10 lists, plus Strata's {@code seriesCountByResolution} (series holding data at each resolution).
 * Config is the scrape configuration in effect with credentials written as {@code <secret>}, as Prometheus
 * prints its config.
 */
final class StatusEndpoints {
  private static final int TOP = 10;
  /** The keys prometheus.yml and web configs keep secrets under; their values are shown as Prometheus does. */
  private static final Pattern SECRET = Pattern.compile(
      "(?m)^(\\s*(?:-\\s+)?(?:password|bearer_token|credentials|token|client_secret|secret_key|access_key|sigv4_secret)\\s*:\\s*)\\S.*$");

  private final QueryConfig cfg;
  private volatile Supplier<String> configYaml = () -> "";
  private volatile Map<String, String> flags = Map.of();

  StatusEndpoints(QueryConfig cfg) {
    this.cfg = cfg;
  }

  void runtime(Supplier<String> configYaml, Map<String, String> flags) {
    this.configYaml = configYaml;
    this.flags = new TreeMap<>(flags);
  }

  static String redact(String yaml) {
    return SECRET.matcher(yaml).replaceAll("$1<secret>");
  }

  DataWriter config() {
    String yaml = redact(configYaml.get());
    return g -> {
      g.writeStartObject();
      g.writeStringField("yaml", yaml);
      g.writeEndObject();
    };
  }

  DataWriter flags() {
    Map<String, String> f = flags;
    return g -> {
      g.writeStartObject();
      for (Map.Entry<String, String> e : f.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    };
  }

  DataWriter tsdb(Store store, String tenant) {
    List<LabelMatcher> all = List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+"));
    Map<String, Long> byMetric = new HashMap<>();
    Map<String, Set<String>> valuesByName = new HashMap<>();
    Map<String, Long> byPair = new HashMap<>();
    long numSeries = 0;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    for (StoredSeries s : store.selectLazy(tenant, Resolution.RAW, Long.MIN_VALUE, Long.MAX_VALUE, all)) {
      Labels l = s.labels();
      numSeries++;
      minTime = Math.min(minTime, s.minTime());
      maxTime = Math.max(maxTime, s.maxTime());
      for (int i = 0; i < l.size(); i++) {
        if (l.name(i).equals("__name__")) {
          byMetric.merge(l.value(i), 1L, Long::sum);
        }
        valuesByName.computeIfAbsent(l.name(i), k -> new HashSet<>()).add(l.value(i));
        byPair.merge(l.name(i) + "=" + l.value(i), 1L, Long::sum);
      }
    }
    Map<String, Long> valueCounts = new HashMap<>();
    Map<String, Long> valueBytes = new HashMap<>();
    valuesByName.forEach((name, values) -> {
      valueCounts.put(name, (long) values.size());
      valueBytes.put(name, values.stream().mapToLong(v -> v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum());
    });
    Map<String, Long> byResolution = new TreeMap<>();
    for (Resolution r : cfg.rollupResolutions()) {
      byResolution.put(r.toString(), (long) store.selectLazy(tenant, r, Long.MIN_VALUE, Long.MAX_VALUE, all).size());
    }
    long series = numSeries;
    long pairs = byPair.size();
    long min = numSeries == 0 ? 0 : minTime;
    long max = numSeries == 0 ? 0 : maxTime;
    return g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("headStats");
      g.writeNumberField("numSeries", series);
      g.writeNumberField("numLabelPairs", pairs);
      g.writeNumberField("chunkCount", 0);
      g.writeNumberField("minTime", min);
      g.writeNumberField("maxTime", max);
      g.writeEndObject();
      top(g, "seriesCountByMetricName", byMetric);
      top(g, "labelValueCountByLabelName", valueCounts);
      top(g, "memoryInBytesByLabelName", valueBytes);
      top(g, "seriesCountByLabelValuePair", byPair);
      g.writeObjectFieldStart("seriesCountByResolution");
      g.writeNumberField("raw", series);
      for (Map.Entry<String, Long> e : byResolution.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    };
  }

  /** The largest ten, ties by name: Prometheus's {@code [{"name":..,"value":..}]} lists. */
  private static void top(JsonGenerator g, String field, Map<String, Long> counts) throws IOException {
    List<Map.Entry<String, Long>> list = new ArrayList<>(counts.entrySet());
    list.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    g.writeArrayFieldStart(field);
    for (Map.Entry<String, Long> e : list.subList(0, Math.min(TOP, list.size()))) {
      g.writeStartObject();
      g.writeStringField("name", e.getKey());
      g.writeNumberField("value", e.getValue());
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
