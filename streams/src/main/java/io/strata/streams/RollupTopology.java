package io.strata.streams;

import io.strata.avro.RollupBatch;
import io.strata.avro.SampleBatch;
import io.strata.schemas.Topics;
import io.strata.schemas.kafka.PartitionCounts;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.Resolution;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.metrics.RollupMetrics;
import io.strata.streams.rollup.ArrivalTimestampExtractor;
import io.strata.streams.rollup.DecodeProcessor;
import io.strata.streams.rollup.RollupOutput;
import io.strata.streams.rollup.RollupProcessor;
import io.strata.streams.rollup.SeriesStateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The rollup topology, built with the Processor API:
 *
 * <pre>
 * metrics.samples ─▶ decode ─┬─▶ rollup ─┬─▶ metrics.rollup.1m
 *   (ByteArray)              │  (stores) ├─▶ metrics.rollup.5m
 *                            │           └─▶ metrics.rollup.1h
 *                            └─▶ metrics.deadletter
 * </pre>
 *
 * Tests drive {@link org.apache.kafka.streams.TopologyTestDriver} with this same factory.
 */
public final class RollupTopology {
  private RollupTopology() {}

  public static final String SOURCE = "samples-source";
  public static final String DECODE = "decode";
  public static final String ROLLUP = "rollup";
  public static final String DEADLETTER_SINK = "deadletter-sink";
  /**
   * Per series: maxT, the finest open windows' samples, the coarser open partial aggregates
   * ({@link io.strata.streams.rollup.SeriesState}). "-v2": the v1 stores ({@code rollup-series},
   * {@code rollup-stream-time}, {@code rollup-windows-<res>}) held another layout.
   */
  public static final String SERIES_STORE = "rollup-series-v2";

  /**
   * Decoded series states the stores of one instance cache (about 1.5 KB per series at a 15 s interval with the
   * defaults: some 20,000 series before the least recently used are evicted), in place of Streams' 10 MB record cache.
   */
  public static final long SERIES_CACHE_BYTES = 32L << 20;

  public static String samplesTopic(RollupConfig cfg) {
    return cfg.topicPrefix() + Topics.SAMPLES;
  }

  public static String deadletterTopic(RollupConfig cfg) {
    return cfg.topicPrefix() + Topics.DEADLETTER;
  }

  public static String rollupTopic(RollupConfig cfg, Resolution r) {
    return r.topic(cfg.topicPrefix());
  }

  public static String sinkName(Resolution r) {
    return "rollup-sink-" + r.name();
  }

  /** Names of every state store: their changelogs are {@code <application.id>-<store>-changelog}. */
  public static List<String> storeNames(RollupConfig cfg) {
    return List.of(SERIES_STORE);
  }

  /**
   * @param partitionCounts partition counts of the samples topic, for the partition rule check (a record
   *     whose series belong on another partition is dead-lettered, never rolled up)
   */
  public static Topology buildTopology(RollupConfig cfg, SchemaRegistry registry, PartitionCounts partitionCounts,
      RollupMetrics metrics) {
    return buildTopology(cfg, registry, partitionCounts, metrics, SERIES_CACHE_BYTES);
  }

  /** With another budget for the decoded series states (tests evict at every access with a tiny one). */
  static Topology buildTopology(RollupConfig cfg, SchemaRegistry registry, PartitionCounts partitionCounts,
      RollupMetrics metrics, long seriesCacheBytes) {
    List<String> sinks = new ArrayList<>();
    for (Resolution r : cfg.resolutions()) {
      sinks.add(sinkName(r));
    }

    Topology t = new Topology();
    // earliest: a new application rolls up what the 24 h samples topic still holds
    t.addSource(AutoOffsetReset.earliest(), SOURCE, new ArrivalTimestampExtractor(), Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(), samplesTopic(cfg));
    // One serde per processor instance (per task): no Avro reader or writer is shared between stream threads.
    t.addProcessor(DECODE, () -> new DecodeProcessor(new AvroWireSerde<>(registry, SampleBatch.class), partitionCounts, metrics, ROLLUP,
        DEADLETTER_SINK), SOURCE);
    t.addProcessor(ROLLUP, () -> new RollupProcessor(cfg, SERIES_STORE, sinks,
        new AvroWireSerde<>(registry, RollupBatch.class), metrics), DECODE);
    t.addSink(DEADLETTER_SINK, deadletterTopic(cfg), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(),
        DECODE);
    for (Resolution r : cfg.resolutions()) {
      t.addSink(sinkName(r), rollupTopic(cfg, r), Serdes.Void().serializer(), new RollupOutput.ValueSerializer(),
          new RollupOutput.FirstSeriesPartitioner(), ROLLUP);
    }
    // RocksDB with a changelog (restored on restart or rebalance) under a write-back cache of decoded states
    long[] coarser = new long[cfg.resolutions().size() - 1];
    for (int i = 0; i < coarser.length; i++) {
      coarser[i] = cfg.resolutions().get(i + 1).millis();
    }
    t.addStateStore(SeriesStateStore.builder(SERIES_STORE, coarser, new SeriesStateStore.Budget(seriesCacheBytes)), ROLLUP);
    return t;
  }

  public static Properties streamsConfig(RollupConfig cfg) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.numStreamThreads());
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    // Rollup batches repeat label names and values: lz4 shrinks them at little CPU cost.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    // After a crash the dead instance keeps its partitions until its session expires; rollups of those
    // partitions stall that long and a new instance's close() waits for the rebalance. 10 s instead of
    // the consumer default of 45 s (heartbeats every 3 s keep a live instance well inside it).
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
    // exactly-once commits every second instead of every 100 ms: a series' store entry and changelog record
    // are written once per commit, so a shorter interval multiplies the changelog by the batches per series
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
    // idle: the stream thread loops every 500 ms instead of 100 (no punctuators here; records end a poll at once),
    // and its consumer long-polls the broker for 2 s instead of 0.5 (a record arriving meanwhile is returned at once)
    p.put(StreamsConfig.POLL_MS_CONFIG, 500L);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), io.strata.schemas.kafka.IdleFetch.FETCH_MAX_WAIT_MS);
    // no store uses Streams' record cache (SeriesStateStore is its own cache): nothing to reserve for it
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    // one bounded block cache and memtable budget for every store instead of RocksDB's per-store defaults
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, io.strata.streams.rollup.BoundedRocksDb.class);
    return p;
  }
}
