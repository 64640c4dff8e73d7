package io.strata.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.HttpSchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the rollup integration tests check against a running {@code strata up}: remote_write pushes,
 * {@code query_range} answers from raw samples compared with the same query over each rollup resolution
 * (same series, same timestamps, values equal to a relative 1e-9), the rollup topics' windows compared
 * with the windows of the samples that were sent, consumer-group lag, and the {@code /metrics} counters.
 */
final class RollupParity {
  static final ObjectMapper JSON = new ObjectMapper();
  static final double REL = 1e-9;
  static final String HEADER = "X-Strata-Source-Resolution";
  static final List<String> RESOLUTIONS = List.of("1m", "5m", "1h");
  private static final Map<String, Long> RES_MS = Map.of("1m", 60_000L, "5m", 300_000L, "1h", 3_600_000L);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final StrataProcess p;
  private final String tenant;
  /** Mismatches found so far, one line each; the test fails with them at the end. */
  final List<String> failures = new ArrayList<>();
  /** One line per check that failed (which function, how many mismatches), printed before the details. */
  final List<String> summary = new ArrayList<>();
  long comparedPoints;
  long comparedQueries;

  RollupParity(StrataProcess p, String tenant) {
    this.p = p;
    this.tenant = tenant;
  }

  private HttpRequest.Builder request(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
    return tenant == null ? b : b.header("X-Scope-OrgID", tenant);
  }

  int remoteWrite(List<SeriesSamples> series) throws Exception {
    return http.send(request(p.ingest() + "/api/v1/write").header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
        .POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteV1Encoder.encode(series))).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A query_range answer: the resolution header and per series (labels as text) the points by timestamp. */
  record Answer(String resolution, Map<String, TreeMap<Long, Double>> series) {}

  static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format("%d.%03d", ms / 1000, ms % 1000);
  }

  Answer queryRange(String query, long startMs, long endMs, long stepMs, String maxRes) throws Exception {
    String url = p.query() + "/api/v1/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "&start=" + seconds(startMs) + "&end=" + seconds(endMs) + "&step=" + seconds(stepMs)
        + (maxRes == null ? "" : "&max_source_resolution=" + maxRes);
    HttpResponse<String> r = http.send(request(url).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new AssertionError("query_range " + query + " max_source_resolution=" + maxRes + ": HTTP " + r.statusCode() + " " + r.body() + "\n" + tail(p));
    }
    Map<String, TreeMap<Long, Double>> out = new TreeMap<>();
    for (JsonNode s : body.at("/data/result")) {
      TreeMap<Long, Double> points = new TreeMap<>();
      for (JsonNode v : s.get("values")) {
        points.put(Math.round(v.get(0).asDouble() * 1000), parse(v.get(1).asText()));
      }
      out.put(labelsText(s.get("metric")), points);
    }
    return new Answer(r.headers().firstValue(HEADER).orElse("(no header)"), out);
  }

  /** An instant query's vector: labels as text to value. */
  Map<String, Double> query(String query, long timeMs, String maxRes) throws Exception {
    String url = p.query() + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + seconds(timeMs)
        + (maxRes == null ? "" : "&max_source_resolution=" + maxRes);
    HttpResponse<String> r = http.send(request(url).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new AssertionError("query " + query + ": HTTP " + r.statusCode() + " " + r.body());
    }
    Map<String, Double> out = new TreeMap<>();
    for (JsonNode s : body.at("/data/result")) {
      out.put(labelsText(s.get("metric")), parse(s.get("value").get(1).asText()));
    }
    return out;
  }

  static double parse(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }

  static String labelsText(JsonNode metric) {
    TreeMap<String, String> m = new TreeMap<>();
    metric.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m.toString();
  }

  static boolean close(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (a == b) {
      return true;
    }
    return Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b));
  }

  /** The resolution a query reads for a max_source_resolution (Thanos's rule: the coarsest one not coarser than the bound). */
  static String expectedResolution(String maxRes, long stepMs) {
    long bound = switch (maxRes) {
      case "raw" -> 0;
      case "auto" -> stepMs / 5;
      default -> RES_MS.get(maxRes);
    };
    String best = "raw";
    for (String r : RESOLUTIONS) {
      if (RES_MS.get(r) <= bound) {
        best = r;
      }
    }
    return best;
  }

  /**
   * Runs the query over raw samples and with each of {@code maxResolutions}; every answer must hold the same
   * series at the same timestamps with values equal to a relative 1e-9, and name the expected resolution in
   * its header. Mismatches go to {@link #failures} (at most 5 lines per query and resolution).
   */
  void compare(String query, long startMs, long endMs, long stepMs, List<String> maxResolutions) throws Exception {
    Answer raw = queryRange(query, startMs, endMs, stepMs, "raw");
    String what = query + " start=" + seconds(startMs) + " end=" + seconds(endMs) + " step=" + seconds(stepMs);
    if (!"raw".equals(raw.resolution())) {
      failures.add(what + " max_source_resolution=raw: header " + HEADER + " is " + raw.resolution());
    }
    if (raw.series().isEmpty()) {
      failures.add(what + ": the raw answer is empty (the test queries nothing)");
    }
    for (String res : maxResolutions) {
      Answer got = queryRange(query, startMs, endMs, stepMs, res);
      comparedQueries++;
      String where = what + " max_source_resolution=" + res;
      String want = expectedResolution(res, stepMs);
      if (!want.equals(got.resolution())) {
        failures.add(where + ": header " + HEADER + " is " + got.resolution() + ", expected " + want);
      }
      int lines = 0;
      int bad = 0;
      for (var e : raw.series().entrySet()) {
        TreeMap<Long, Double> other = got.series().get(e.getKey());
        if (other == null) {
          bad++;
          if (lines++ < 5) {
            failures.add(where + ": series " + e.getKey() + " missing (raw has " + e.getValue().size() + " points)");
          }
          continue;
        }
        for (var pt : e.getValue().entrySet()) {
          Double v = other.get(pt.getKey());
          comparedPoints++;
          if (v == null || !close(pt.getValue(), v)) {
            bad++;
            if (lines++ < 5) {
              failures.add(where + ": " + e.getKey() + " @" + seconds(pt.getKey()) + " raw=" + pt.getValue() + " rollup=" + v
                  + (v == null ? "" : " (rel " + Math.abs(pt.getValue() - v) / Math.max(Math.abs(pt.getValue()), Math.abs(v)) + ")"));
            }
          }
        }
        for (long t : other.keySet()) {
          if (!e.getValue().containsKey(t)) {
            bad++;
            if (lines++ < 5) {
              failures.add(where + ": " + e.getKey() + " @" + seconds(t) + " has rollup=" + other.get(t) + " but no raw point");
            }
          }
        }
      }
      for (String s : got.series().keySet()) {
        if (!raw.series().containsKey(s)) {
          bad++;
          if (lines++ < 5) {
            failures.add(where + ": series " + s + " not in the raw answer");
          }
        }
      }
      if (bad > 5) {
        failures.add(where + ": ... " + bad + " mismatches in all");
      }
    }
  }

  /** The test's matrix: functions × ranges × steps × aligned and unaligned starts, raw vs 1m, 5m, 1h and auto. */
  void compareMatrix(List<String> functions, List<String> ranges, List<Long> stepsMs, long fromMs, long toMs) throws Exception {
    long t0 = System.nanoTime();
    for (String f : functions) {
      int before = failures.size();
      for (String range : ranges) {
        String q = f.replace("RANGE", range);
        for (long step : stepsMs) {
          long aligned = (fromMs / step + 1) * step;
          for (long start : new long[] {aligned, aligned + 61_337}) {
            if (start <= toMs) {
              compare(q, start, toMs, step, List.of("1m", "5m", "1h", "auto"));
            }
          }
        }
      }
      if (failures.size() != before) {
        summary.add(f + " over " + ranges + ": " + (failures.size() - before) + " failure lines");
      }
      System.out.printf("  compared %s over %s: %s (%d points so far, %.0f s)%n", f, ranges,
          failures.size() == before ? "equal" : (failures.size() - before) + " failure lines", comparedPoints, (System.nanoTime() - t0) / 1e9);
    }
  }

  // ---------------------------------------------------------------- /metrics

  /** Sum of the samples on the query port's /metrics whose name is {@code name} and whose labels pass the filter. */
  double metric(String name, Predicate<String> labels) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(p.query() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      String head = line.substring(0, sp);
      int brace = head.indexOf('{');
      String n = brace < 0 ? head : head.substring(0, brace);
      String l = brace < 0 ? "" : head.substring(brace);
      if (n.equals(name) && labels.test(l)) {
        sum += parse(line.substring(sp + 1).trim());
      }
    }
    return sum;
  }

  /** The non-zero counters of /metrics whose name starts with the prefix, summed over their labels except resolution and reason. */
  String metricSummary(String prefix) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(p.query() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> sums = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      String head = line.substring(0, sp);
      int brace = head.indexOf('{');
      String key = brace < 0 ? head : head.substring(0, brace);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(resolution|reason)=\"([^\"]*)\"").matcher(head);
      while (m.find()) {
        key += "/" + m.group(2);
      }
      sums.merge(key.substring(prefix.length()), parse(line.substring(sp + 1).trim()), Double::sum);
    }
    StringBuilder b = new StringBuilder();
    sums.forEach((k, v) -> {
      if (v != 0) {
        b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(String.format("%.0f", v));
      }
    });
    return b.toString();
  }

  /** Every line of /metrics whose metric name starts with the prefix (for failure messages and progress). */
  String metricLines(String prefix) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(p.query() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        b.append("  ").append(line).append('\n');
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- Kafka

  /** The end offsets (as a read_committed consumer sees them) of every partition of the named topics, now. */
  Map<TopicPartition, Long> endOffsets(List<String> topics) {
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    c.put("isolation.level", "read_committed");
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        consumer.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
      }
      return new HashMap<>(consumer.endOffsets(parts));
    }
  }

  /**
   * Records (transaction markers not counted) before the snapshot's end offsets that the consumer group
   * whose id starts with {@code groupPrefix} has not committed yet; -1 while no such group exists. A
   * continuous sender (Strata's self-scrape, Prometheus) keeps adding records after the snapshot: they do
   * not count, so "0" means "everything that was there at the snapshot is processed".
   */
  long behind(String groupPrefix, Map<TopicPartition, Long> snapshot) throws Exception {
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    try (Admin admin = Admin.create(c)) {
      for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) {
        if (g.groupId().startsWith(groupPrefix)) {
          Map<TopicPartition, Long> from = new HashMap<>();
          var committed = admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get();
          snapshot.keySet().forEach(tp -> from.put(tp, committed.get(tp) == null ? 0L : committed.get(tp).offset()));
          return recordsBetween(from, snapshot);
        }
      }
      return -1;
    }
  }

  /** Records a read_committed consumer reads from the {@code from} offsets up to the {@code to} offsets. */
  private long recordsBetween(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
    List<TopicPartition> behind = from.keySet().stream().filter(tp -> to.get(tp) > from.get(tp)).toList();
    if (behind.isEmpty()) {
      return 0;
    }
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", "false");
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(behind);
      behind.forEach(tp -> consumer.seek(tp, from.get(tp)));
      long n = 0;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (behind.stream().anyMatch(tp -> consumer.position(tp) < to.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
            n++;
          }
        }
      }
      return n;
    }
  }

  /** A rollup window as read from a rollup topic, with the series it belongs to. */
  record TopicWindow(String resolution, Labels labels, RollupWindow window) {}

  /** Every window of the tenant (null: the default tenant) on the rollup topics, committed records only. */
  List<TopicWindow> readRollupTopics() {
    var serde = new AvroWireSerde<>(new HttpSchemaRegistry(p.registryUrl()), RollupBatch.class);
    String want = tenant == null ? "default" : tenant;
    List<TopicWindow> out = new ArrayList<>();
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", "false");
    c.put("max.poll.records", "2000");
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String res : RESOLUTIONS) {
        consumer.partitionsFor(Topics.ROLLUP_PREFIX + res).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("reading the rollup topics did not reach their end offsets " + ends + " in 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          RollupBatch b = serde.deserialize(rec.value());
          if (!want.equals(b.getTenant())) {
            continue;
          }
          for (RollupSeries s : b.getSeries()) {
            Labels l = Labels.fromAvro(s.getLabels());
            for (RollupWindow w : s.getWindows()) {
              out.add(new TopicWindow(b.getResolution(), l, w));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Compares the rollup topics with the windows of the samples the fleet sent: each (series, resolution,
   * window) at most once, with exactly the contents its samples give, and present once it is final with a
   * minute of margin (its end more than the 10 m out-of-order window plus 1 m before the series' newest
   * sample). Returns the number of windows read; mismatches go to {@link #failures}.
   */
  int verifyTopicWindows(NodeFleet fleet, long outOfOrderMs) {
    List<TopicWindow> read = readRollupTopics();
    Map<String, Integer> index = new HashMap<>();
    for (int s = 0; s < fleet.seriesCount(); s++) {
      index.put(fleet.labels.get(s).toString(), s);
    }
    Map<String, RollupWindow> seen = new HashMap<>();
    int lines = 0;
    int ours = 0;
    for (TopicWindow tw : read) {
      Integer s = index.get(tw.labels().toString());
      if (s == null) {
        continue; // strata's own series, or another test's
      }
      ours++;
      String key = tw.resolution() + " " + tw.labels() + " " + tw.window().getWindowStartMs();
      if (seen.put(key, tw.window()) != null) {
        if (lines++ < 20) {
          failures.add("rollup window emitted twice: " + key);
        }
        continue;
      }
      long resMs = RES_MS.get(tw.resolution());
      Window want = Window.of(fleet, s, tw.window().getWindowStartMs(), resMs);
      String diff = want.diff(tw.window());
      if (diff != null && lines++ < 20) {
        failures.add("rollup window " + key + " (" + java.time.Instant.ofEpochMilli(tw.window().getWindowStartMs()) + "): " + diff);
      }
    }
    int missing = 0;
    for (int s = 0; s < fleet.seriesCount(); s++) {
      long newest = fleet.newestSampleMs(s);
      for (String res : RESOLUTIONS) {
        long resMs = RES_MS.get(res);
        for (long start = Math.floorDiv(fleet.firstMs, resMs) * resMs; start + resMs + outOfOrderMs + 60_000 < newest; start += resMs) {
          if (Window.of(fleet, s, start, resMs).count > 0 && !seen.containsKey(res + " " + fleet.labels.get(s) + " " + start)) {
            missing++;
            if (lines++ < 20) {
              failures.add("final rollup window missing: " + res + " " + fleet.labels.get(s) + " " + start + " ("
                  + java.time.Instant.ofEpochMilli(start) + "; the series' newest sample is at " + java.time.Instant.ofEpochMilli(newest) + ")");
            }
          }
        }
      }
    }
    if (missing > 0) {
      failures.add(missing + " final rollup windows missing in all");
    }
    if (lines > 0) {
      summary.add("rollup topics: " + lines + " windows wrong, repeated or missing (" + missing + " missing)");
    }
    return ours;
  }

  /** The window a series' sent samples give, by the definitions of RollupBatch.avsc. */
  record Window(long count, double sum, double min, double max, long firstMs, double first, long lastMs, double last,
                double correction, long resets, long changes) {
    static Window of(NodeFleet fleet, int s, long start, long resMs) {
      long count = 0;
      long resets = 0;
      long changes = 0;
      double sum = 0;
      double min = Double.NaN;
      double max = Double.NaN;
      double correction = 0;
      long firstMs = 0;
      long lastMs = 0;
      double first = 0;
      double last = 0;
      for (int i = 0; i < fleet.n[s]; i++) {
        long t = fleet.ts[s][i];
        double v = fleet.vs[s][i];
        if (t < start || t >= start + resMs || NodeFleet.isStale(v)) {
          continue;
        }
        if (count == 0) {
          firstMs = t;
          first = v;
          min = v;
          max = v;
        } else {
          if (v < last) {
            resets++;
            correction += last;
          }
          if (v != last) {
            changes++;
          }
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        count++;
        sum += v;
        lastMs = t;
        last = v;
      }
      return new Window(count, sum, min, max, firstMs, first, lastMs, last, correction, resets, changes);
    }

    /** What differs from the window read from the topic, or null. */
    String diff(RollupWindow w) {
      List<String> d = new ArrayList<>();
      if (!w.getExact()) {
        d.add("not exact");
      }
      if (w.getCount() != count) {
        d.add("count " + w.getCount() + " != " + count + " sent");
      }
      check(d, "sum", w.getSum(), sum);
      check(d, "min", w.getMin(), min);
      check(d, "max", w.getMax(), max);
      check(d, "first", w.getFirst(), first);
      check(d, "last", w.getLast(), last);
      check(d, "correction", w.getCorrection(), correction);
      if (w.getFirstMs() != firstMs) {
        d.add("first_ms " + w.getFirstMs() + " != " + firstMs);
      }
      if (w.getLastMs() != lastMs) {
        d.add("last_ms " + w.getLastMs() + " != " + lastMs);
      }
      if (w.getResets() != resets) {
        d.add("resets " + w.getResets() + " != " + resets);
      }
      if (w.getChanges() != changes) {
        d.add("changes " + w.getChanges() + " != " + changes);
      }
      return d.isEmpty() ? null : String.join(", ", d);
    }

    private static void check(List<String> d, String name, double got, double want) {
      if (!close(got, want)) {
        d.add(name + " " + got + " != " + want);
      }
    }
  }

  /** Polls until the condition holds, printing progress every 5 s; fails with the message and strata's log tail. */
  static void await(String what, Duration timeout, StrataProcess p, ThrowingSupplier<String> progressOrNullWhenDone) throws Exception {
    long t0 = System.nanoTime();
    long lastPrint = 0;
    String progress = null;
    while (System.nanoTime() - t0 < timeout.toNanos()) {
      progress = progressOrNullWhenDone.get();
      if (progress == null) {
        System.out.printf("%s: done after %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
        return;
      }
      if (System.nanoTime() - lastPrint > 5_000_000_000L) {
        System.out.printf("%s: waiting (%.0f s): %s%n", what, (System.nanoTime() - t0) / 1e9, progress);
        lastPrint = System.nanoTime();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + ": not done within " + timeout.toSeconds() + " s; last state: " + progress + "\n" + tail(p));
  }

  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  /** The last lines strata up printed and the end of its log file. */
  static String tail(StrataProcess p) {
    List<String> out = p.output();
    StringBuilder b = new StringBuilder("strata up printed (last lines):\n")
        .append(String.join("\n", out.subList(Math.max(0, out.size() - 30), out.size())));
    java.nio.file.Path log = p.dataDir.resolve("logs").resolve("strata.log");
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log);
      b.append("\n").append(log).append(" (last lines):\n").append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      b.append("\n(no log file ").append(log).append(": ").append(e).append(')');
    }
    return b.toString();
  }

  /** Fails with every collected mismatch line (the first 60) and strata's log tail. */
  void assertNoFailures(String what) {
    if (!failures.isEmpty()) {
      StringBuilder b = new StringBuilder(what + ": " + failures.size() + " failure lines\n");
      summary.forEach(l -> b.append("* ").append(l).append('\n'));
      Iterator<String> it = failures.iterator();
      for (int i = 0; i < 50 && it.hasNext(); i++) {
        b.append("  ").append(it.next()).append('\n');
      }
      throw new AssertionError(b + tail(p));
    }
  }
}
