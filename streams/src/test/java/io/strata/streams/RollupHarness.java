package io.strata.streams;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.strata.avro.RollupBatch;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.registry.MockSchemaRegistry;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.Resolution;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.metrics.RollupMetrics;
import java.nio.file.Path;
import java.time.Instant;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** Drives the real topology ({@link RollupTopology#buildTopology}) in a TopologyTestDriver. */
final class RollupHarness implements AutoCloseable {
  final RollupConfig cfg;
  final PrometheusRegistry prometheus = new PrometheusRegistry();
  final TopologyTestDriver driver;
  private final String scope;
  private final SchemaRegistry registry;
  private final AvroWireSerde<SampleBatch> sampleSerde;
  private final AvroWireSerde<RollupBatch> rollupSerde;
  private final RollupMetrics metrics;
  private final TestInputTopic<byte[], byte[]> samples;
  /**
   * The samples topic's partition count the partition check uses; the driver reads every record from
   * partition 0, so a series whose partition of this many is not 0 arrives "on the wrong partition".
   */
  volatile int partitions = 1;

  /** Default settings (1m, 5m, 1h; out-of-order window 10m) with a private mock registry and the given state dir. */
  static RollupConfig testConfig(Path stateDir) {
    return RollupConfig.defaults().withConnection("unused:9092", "mock://" + UUID.randomUUID(), "rollup-test", stateDir);
  }

  RollupHarness(RollupConfig cfg) {
    this(cfg, RollupTopology.SERIES_CACHE_BYTES);
  }

  /** @param seriesCacheBytes budget of the decoded series states' cache (1: every access evicts the others) */
  RollupHarness(RollupConfig cfg, long seriesCacheBytes) {
    this.cfg = cfg;
    this.scope = cfg.registryUrl().substring("mock://".length());
    this.registry = SchemaRegistries.forUrl(cfg.registryUrl());
    this.sampleSerde = new AvroWireSerde<>(registry, SampleBatch.class);
    this.rollupSerde = new AvroWireSerde<>(registry, RollupBatch.class);
    this.metrics = new RollupMetrics(prometheus);
    this.driver = new TopologyTestDriver(RollupTopology.buildTopology(cfg, registry, topic -> partitions, metrics, seriesCacheBytes),
        RollupTopology.streamsConfig(cfg), Samples.T0);
    this.samples = driver.createInputTopic(RollupTopology.samplesTopic(cfg), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The wire-format bytes a producer writes for this batch. */
  byte[] encode(SampleBatch batch) {
    return sampleSerde.serialize(RollupTopology.samplesTopic(cfg), batch);
  }

  /** Sends a batch with a record timestamp equal to its newest sample (a producer whose clock is the samples'). */
  void send(SampleBatch batch) {
    long newest = Samples.T0.toEpochMilli();
    for (Series s : batch.getSeries()) {
      for (Sample x : s.getSamples()) {
        newest = Math.max(newest, x.getTimestampMs());
      }
    }
    send(batch, Instant.ofEpochMilli(newest));
  }

  void send(SampleBatch batch, Instant recordTime) {
    samples.pipeInput(null, encode(batch), recordTime);
  }

  void sendRaw(byte[] key, byte[] value) {
    samples.pipeInput(key, value, Samples.T0);
  }

  TestOutputTopic<byte[], byte[]> rollupTopic(String resolution) {
    Resolution r = cfg.resolutions().stream().filter(x -> x.name().equals(resolution)).findFirst().orElseThrow();
    return driver.createOutputTopic(RollupTopology.rollupTopic(cfg, r), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  RollupBatch decodeRollup(byte[] value) {
    return rollupSerde.deserialize(value);
  }

  /** Every RollupBatch written to the resolution's topic since the last call. */
  List<RollupBatch> rollups(String resolution) {
    List<RollupBatch> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : rollupTopic(resolution).readRecordsToList()) {
      if (r.key() != null) {
        throw new AssertionError("rollup records must have a null key");
      }
      out.add(rollupSerde.deserialize(r.value()));
    }
    return out;
  }

  /** Every window read by {@link #collect}, keyed by series, resolution and start. */
  final Map<RollupOracle.Window, RollupWindow> emitted = new HashMap<>();

  /**
   * Reads every rollup topic and adds each window to {@link #emitted}, failing on a window emitted twice,
   * on a batch whose resolution fields do not match its topic, and on windows of a series out of start order.
   */
  void collect() {
    for (Resolution r : cfg.resolutions()) {
      for (RollupBatch b : rollups(r.name())) {
        if (!b.getResolution().equals(r.name()) || b.getResolutionMs() != r.millis()) {
          throw new AssertionError("batch on " + r + " says " + b.getResolution() + "/" + b.getResolutionMs());
        }
        for (RollupSeries s : b.getSeries()) {
          RollupOracle.SeriesId id = new RollupOracle.SeriesId(b.getTenant(), Labels.fromAvro(s.getLabels()));
          long prev = Long.MIN_VALUE;
          for (RollupWindow w : s.getWindows()) {
            if (w.getWindowStartMs() <= prev || Math.floorMod(w.getWindowStartMs(), r.millis()) != 0) {
              throw new AssertionError("windows of " + id + " not aligned or not in start order: " + s.getWindows());
            }
            prev = w.getWindowStartMs();
            if (emitted.put(new RollupOracle.Window(id, r.name(), w.getWindowStartMs()), w) != null) {
              throw new AssertionError("window emitted twice: " + id + " " + r + " @" + w.getWindowStartMs());
            }
          }
        }
      }
    }
  }

  /** The windows emitted so far must be exactly the oracle's final windows, with its values. */
  void assertMatches(RollupOracle oracle, String context) {
    collect();
    check(oracle.finalWindows(), emitted.keySet(), context);
  }

  /**
   * After one more input batch: each window emitted by it must be final (with the oracle's values) and
   * each final window of the batch's series must have been emitted by now. The other series did not
   * move, so this is the whole check, at a fraction of {@link #assertMatches}'s cost.
   */
  void assertMatchesAfter(SampleBatch batch, RollupOracle oracle, String context) {
    java.util.Set<RollupOracle.Window> before = new java.util.HashSet<>(emitted.keySet());
    collect();
    Map<RollupOracle.Window, RollupOracle.Aggregate> expected = new HashMap<>();
    for (RollupOracle.SeriesId id : RollupOracle.seriesOf(batch)) {
      expected.putAll(oracle.finalWindows(id));
    }
    java.util.Set<RollupOracle.Window> toCheck = new java.util.HashSet<>(emitted.keySet());
    toCheck.removeAll(before);
    check(expected, toCheck, context);
  }

  private void check(Map<RollupOracle.Window, RollupOracle.Aggregate> expected, java.util.Collection<RollupOracle.Window> got,
      String context) {
    for (RollupOracle.Window w : got) {
      RollupOracle.Aggregate want = expected.get(w);
      if (want == null) {
        throw new AssertionError(context + ": emitted but not final (or no samples): " + w + " " + emitted.get(w));
      }
      RollupOracle.Aggregate have = RollupOracle.of(emitted.get(w));
      if (!want.equals(have)) {
        throw new AssertionError(context + ": " + w + "\n  expected " + want + "\n  got      " + have);
      }
    }
    for (RollupOracle.Window w : expected.keySet()) {
      if (!emitted.containsKey(w)) {
        throw new AssertionError(context + ": final window with samples not emitted: " + w + " " + expected.get(w));
      }
    }
  }

  List<TestRecord<byte[], byte[]>> deadletters() {
    return driver.createOutputTopic(RollupTopology.deadletterTopic(cfg), new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
  }

  /** The value of a counter as a scrape shows it; name without {@code _total}; labels as name, value pairs. */
  double counter(String name, String... labelPairs) {
    for (MetricSnapshot m : prometheus.scrape()) {
      if (!m.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot dp : m.getDataPoints()) {
        boolean match = true;
        for (int i = 0; i < labelPairs.length; i += 2) {
          match &= labelPairs[i + 1].equals(dp.getLabels().get(labelPairs[i]));
        }
        if (match) {
          return ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp).getValue();
        }
      }
    }
    throw new AssertionError("no counter " + name + " with labels " + List.of(labelPairs));
  }

  /** Entries in a state store. */
  long storeSize(String storeName) {
    KeyValueStore<Bytes, byte[]> store = ((io.strata.streams.rollup.SeriesStateStore) driver.getStateStore(storeName)).persisted();
    long n = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> ignored = it.next();
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    driver.close();
    metrics.close();
    MockSchemaRegistry.dropScope(scope);
  }
}
