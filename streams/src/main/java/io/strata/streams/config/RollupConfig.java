package io.strata.streams.config;

import io.strata.schemas.prom.PromDuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the rollup stage, validated once here: every error names the key and the bad value. Each
 * key is defined once in {@link #KEYS} (with its default and meaning) and documented in streams/README.md;
 * a test checks both.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl Confluent-compatible schema registry base URL ({@code mock://scope} in tests)
 * @param applicationId Kafka Streams application.id: consumer group, transactional id and changelog prefix
 * @param stateDir directory of the RocksDB state stores
 * @param topicPrefix prefix of every topic name ({@code ""} for the default names)
 * @param resolutions rollup resolutions, finest first; each a multiple of the one before (the cascade)
 * @param outOfOrderWindow how far behind a series' newest timestamp a sample is still accepted: the TSDB's
 *     {@code tsdb.out.of.order.window}, which it must equal (the stage mirrors the TSDB's acceptance rule)
 * @param maxSeriesPerBatch most series in one output RollupBatch (keeps records under the 1 MB limit)
 * @param numStreamThreads Kafka Streams threads of this instance
 */
public record RollupConfig(
    String bootstrapServers,
    String registryUrl,
    String applicationId,
    Path stateDir,
    String topicPrefix,
    List<Resolution> resolutions,
    Duration outOfOrderWindow,
    int maxSeriesPerBatch,
    int numStreamThreads) {

  public static final String BOOTSTRAP_SERVERS = "streams.bootstrap.servers";
  public static final String REGISTRY_URL = "streams.registry.url";
  public static final String APPLICATION_ID = "streams.application.id";
  public static final String STATE_DIR = "streams.state.dir";
  public static final String TOPIC_PREFIX = "streams.topic.prefix";
  public static final String RESOLUTIONS = "streams.resolutions";
  public static final String OUT_OF_ORDER_WINDOW = "streams.out.of.order.window";
  public static final String MAX_SERIES_PER_BATCH = "streams.max.series.per.batch";
  public static final String NUM_STREAM_THREADS = "streams.num.stream.threads";

  /** One documented key: name, type, default (as text) and meaning. */
  public record Key(String name, String type, String defaultValue, String doc) {}

  /** Every key, in the order of the README table. */
  public static final List<Key> KEYS = List.of(
      new Key(BOOTSTRAP_SERVERS, "string", "localhost:9092", "Kafka bootstrap servers"),
      new Key(REGISTRY_URL, "string", "http://localhost:8081/apis/ccompat/v7",
          "Confluent-compatible schema registry base URL (http, https, or mock://scope in tests)"),
      new Key(APPLICATION_ID, "string", "strata-rollup",
          "Kafka Streams application.id: consumer group, transactional.id prefix and changelog topic prefix"),
      new Key(STATE_DIR, "path", "data/streams", "directory of the RocksDB state stores"),
      new Key(TOPIC_PREFIX, "string", "", "prefix of every topic name, e.g. `dev.` gives `dev.metrics.samples`"),
      new Key(RESOLUTIONS, "list of durations", "1m,5m,1h",
          "rollup resolutions, finest first, each a multiple of the one before (1m windows feed 5m, 5m feed 1h)"),
      new Key(OUT_OF_ORDER_WINDOW, "duration", "10m",
          "a sample older than its series' newest timestamp minus this is too old (the TSDB's rule); must equal the TSDB's "
              + "`tsdb.out.of.order.window`. A window is final, and emitted, once it ends this long before its series' newest timestamp"),
      new Key(MAX_SERIES_PER_BATCH, "int", "1000",
          "most series in one output RollupBatch; larger flushes are split so records stay under the broker's 1 MB limit"),
      new Key(NUM_STREAM_THREADS, "int", "1", "Kafka Streams threads of this instance"));

  private static final Pattern TOPIC_PREFIX_PATTERN = Pattern.compile("[a-zA-Z0-9._-]*");

  public RollupConfig {
    requireNonBlank(BOOTSTRAP_SERVERS, bootstrapServers);
    requireNonBlank(REGISTRY_URL, registryUrl);
    if (!(registryUrl.startsWith("http://") || registryUrl.startsWith("https://") || registryUrl.startsWith("mock://"))) {
      throw new IllegalArgumentException(REGISTRY_URL + ": '" + registryUrl + "' must start with http://, https:// or mock://");
    }
    requireNonBlank(APPLICATION_ID, applicationId);
    if (!TOPIC_PREFIX_PATTERN.matcher(applicationId).matches()) {
      throw new IllegalArgumentException(APPLICATION_ID + ": '" + applicationId + "' may only contain [a-zA-Z0-9._-]");
    }
    if (stateDir == null) {
      throw new IllegalArgumentException(STATE_DIR + ": must be set");
    }
    if (topicPrefix == null || !TOPIC_PREFIX_PATTERN.matcher(topicPrefix).matches()) {
      throw new IllegalArgumentException(TOPIC_PREFIX + ": '" + topicPrefix + "' may only contain [a-zA-Z0-9._-]");
    }
    if (resolutions == null || resolutions.isEmpty()) {
      throw new IllegalArgumentException(RESOLUTIONS + ": at least one resolution is needed, got " + resolutions);
    }
    resolutions = List.copyOf(resolutions);
    for (int i = 1; i < resolutions.size(); i++) {
      Resolution prev = resolutions.get(i - 1);
      Resolution cur = resolutions.get(i);
      if (cur.millis() <= prev.millis() || cur.millis() % prev.millis() != 0) {
        throw new IllegalArgumentException(RESOLUTIONS + ": " + cur.name() + " must be a larger multiple of "
            + prev.name() + " (each resolution is built from the closed windows of the one before), got " + resolutions);
      }
    }
    if (outOfOrderWindow == null || outOfOrderWindow.isNegative()) {
      throw new IllegalArgumentException(OUT_OF_ORDER_WINDOW + ": must be >= 0, got " + outOfOrderWindow);
    }
    if (maxSeriesPerBatch < 1) {
      throw new IllegalArgumentException(MAX_SERIES_PER_BATCH + ": must be >= 1, got " + maxSeriesPerBatch);
    }
    if (numStreamThreads < 1) {
      throw new IllegalArgumentException(NUM_STREAM_THREADS + ": must be >= 1, got " + numStreamThreads);
    }
  }

  /** The settings {@code RollupService}'s short constructor takes, the rest at their defaults. */
  public static RollupConfig of(String bootstrapServers, String registryUrl, String applicationId, Path stateDir,
      String topicPrefix, List<String> resolutions, Duration outOfOrderWindow) {
    RollupConfig d = defaults();
    return new RollupConfig(bootstrapServers, registryUrl, applicationId, stateDir, topicPrefix,
        parseResolutions(RESOLUTIONS, resolutions), outOfOrderWindow, d.maxSeriesPerBatch(), d.numStreamThreads());
  }

  /** Every key at its default. */
  public static RollupConfig defaults() {
    return fromMap(Map.of());
  }

  /** Parses the keys of {@link #KEYS}; absent keys take their default, unknown {@code streams.*} keys are rejected. */
  public static RollupConfig fromMap(Map<String, String> props) {
    for (String k : props.keySet()) {
      if (k.startsWith("streams.") && KEYS.stream().noneMatch(key -> key.name().equals(k))) {
        throw new IllegalArgumentException(k + ": unknown key (known: " + KEYS.stream().map(Key::name).toList() + ")");
      }
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (Key k : KEYS) {
      v.put(k.name(), props.getOrDefault(k.name(), k.defaultValue()));
    }
    return new RollupConfig(
        v.get(BOOTSTRAP_SERVERS),
        v.get(REGISTRY_URL),
        v.get(APPLICATION_ID),
        Path.of(v.get(STATE_DIR)),
        v.get(TOPIC_PREFIX),
        parseResolutions(RESOLUTIONS, v.get(RESOLUTIONS)),
        PromDuration.parse(OUT_OF_ORDER_WINDOW, v.get(OUT_OF_ORDER_WINDOW)),
        parseInt(MAX_SERIES_PER_BATCH, v.get(MAX_SERIES_PER_BATCH)),
        parseInt(NUM_STREAM_THREADS, v.get(NUM_STREAM_THREADS)));
  }

  /** Parses resolutions given as Prometheus durations ({@code "1m"}, {@code "5m"}, {@code "1h"}). */
  public static List<Resolution> parseResolutions(String key, List<String> texts) {
    List<Resolution> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(Resolution.parse(key, t.trim()));
    }
    return out;
  }

  private static List<Resolution> parseResolutions(String key, String csv) {
    if (csv.isBlank()) {
      throw new IllegalArgumentException(key + ": at least one resolution is needed, got '" + csv + "'");
    }
    return parseResolutions(key, List.of(csv.split(",")));
  }

  private static int parseInt(String key, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not an integer", e);
    }
  }

  private static void requireNonBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + ": must be set, got '" + value + "'");
    }
  }

  public RollupConfig withTopicPrefix(String prefix) {
    return new RollupConfig(bootstrapServers, registryUrl, applicationId, stateDir, prefix,
        resolutions, outOfOrderWindow, maxSeriesPerBatch, numStreamThreads);
  }

  public RollupConfig withResolutions(List<Resolution> res) {
    return new RollupConfig(bootstrapServers, registryUrl, applicationId, stateDir, topicPrefix,
        res, outOfOrderWindow, maxSeriesPerBatch, numStreamThreads);
  }

  public RollupConfig withOutOfOrderWindow(Duration w) {
    return new RollupConfig(bootstrapServers, registryUrl, applicationId, stateDir, topicPrefix,
        resolutions, w, maxSeriesPerBatch, numStreamThreads);
  }

  public RollupConfig withMaxSeriesPerBatch(int n) {
    return new RollupConfig(bootstrapServers, registryUrl, applicationId, stateDir, topicPrefix,
        resolutions, outOfOrderWindow, n, numStreamThreads);
  }

  public RollupConfig withConnection(String bootstrap, String registry, String appId, Path dir) {
    return new RollupConfig(bootstrap, registry, appId, dir, topicPrefix,
        resolutions, outOfOrderWindow, maxSeriesPerBatch, numStreamThreads);
  }

  /** The finest resolution, the one fed by raw samples. */
  public Resolution finest() {
    return resolutions.get(0);
  }
}
