package io.strata.app.up;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.RegistryProcess;
import io.strata.embedded.TopicProvisioner;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.server.IngestConfig;
import io.strata.ingest.server.IngestServer;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.Topics;
import io.strata.sinks.tsdb.TsdbSinkConfig;
import io.strata.sinks.tsdb.TsdbSinkConnector;
import io.strata.streams.RollupService;
import io.strata.tsdb.SharedStores;
import io.strata.tsdb.Store;
import io.strata.tsdb.simple.SimpleStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code strata up} runs, started in dependency order and stopped in reverse: the KRaft broker,
 * the registry, the topics, the Streams rollups, the Flink rule job, the Connect worker with the TSDB sink,
 * ingest and the query API. A failure part-way stops what already started, so nothing is left half-running.
 */
public final class Stack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stack.class);
  public static final String TSDB_CONNECTOR = "strata-tsdb-sink";

  private final Settings s;
  private final PrintStream out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private String kafkaBootstrap;
  private String registryUrl;
  private int queryPort;
  private int ingestPort;

  public Stack(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
  }

  private Path dir(String name) {
    return s.dataDir().resolve(name);
  }

  /** Checks every port first: a busy one is an error naming it, before anything starts. */
  public void checkPorts() {
    try {
      RegistryProcess.stopOrphan(dir("registry"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + dir("registry"), e);
    }
    Ports.requireFree("query", s.host(), s.queryPort());
    Ports.requireFree("ingest", s.host(), s.ingestPort());
    Ports.requireFree("Kafka", s.host(), s.kafkaPort());
    Ports.requireFree("Kafka controller", s.host(), s.kafkaControllerPort());
    Ports.requireFree("schema registry", s.host(), s.registryPort());
    Ports.requireFree("Kafka Connect REST", s.host(), s.connectPort());
  }

  public Stack start() {
    long t0 = System.nanoTime();
    try {
      checkPorts();
      Path registryHome = RegistryProcess.locateHome(s.registryHome() == null ? null : s.registryHome().toString());

      step("Kafka broker (KRaft)");
      KafkaBroker broker = KafkaBroker.start(dir("kafka"), s.host(), s.kafkaPort(), s.kafkaControllerPort(), Map.of());
      started.push(broker);
      kafkaBootstrap = broker.bootstrapServers();

      step("schema registry (Apicurio)");
      RegistryProcess registry = RegistryProcess.start(registryHome, dir("registry"), s.host(), s.registryPort());
      started.push(registry);
      registryUrl = registry.url();

      step("topics");
      List<String> created = TopicProvisioner.ensure(kafkaBootstrap, Topics.all(s.topicPrefix(), s.resolutions()), s.partitions(), (short) 1);
      if (!created.isEmpty()) {
        log.info("created topics {}", created);
      }

      // each stage reports on its own registry; the query port's /metrics shows all but ingest's
      PrometheusRegistry ingestMetrics = new PrometheusRegistry();
      PrometheusRegistry stageMetrics = new PrometheusRegistry();
      PrometheusRegistry queryMetrics = new PrometheusRegistry();
      queryMetrics.register((MultiCollector) stageMetrics::scrape);
      queryMetrics.register((MultiCollector) PrometheusRegistry.defaultRegistry::scrape);

      step("Kafka Streams rollups " + s.resolutions());
      RollupService rollups = new RollupService(kafkaBootstrap, registryUrl, "strata-rollup", dir("streams"), s.topicPrefix(),
          s.resolutions(), s.grace(), stageMetrics);
      rollups.start();
      started.push(rollups);

      startFlink(stageMetrics);

      step("TSDB store and Kafka Connect sink");
      Path tsdb = dir("tsdb");
      Store store = SharedStores.acquire(tsdb, SimpleStore::new);
      started.push(() -> SharedStores.release(tsdb));
      ConnectWorker connect = ConnectWorker.start(kafkaBootstrap, s.host(), s.connectPort(), dir("connect"), s.sinkCommitInterval().toMillis(), Map.of());
      started.push(connect);
      connect.putConnector(TSDB_CONNECTOR, tsdbSinkConfig(tsdb));

      step("ingest");
      SampleBatchProducer producer = new SampleBatchProducer(kafkaBootstrap, registryUrl, s.topicPrefix(), Map.of(), ingestMetrics);
      started.push(producer);
      IngestServer ingest = new IngestServer(IngestConfig.defaults(s.host(), s.ingestPort()), producer, ingestMetrics).start();
      started.push(ingest);
      ingestPort = ingest.port();

      step("query API");
      QueryServer query = new QueryServer(QueryConfig.defaults(s.host(), s.queryPort()), store, queryMetrics, ready::get).start();
      started.push(query);
      queryPort = query.port();

      startSelfScrape(producer);

      ready.set(true);
      printUrls((System.nanoTime() - t0) / 1_000_000);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startFlink(PrometheusRegistry metrics) {
    // wired in with the Flink rule job
  }

  private void startSelfScrape(SampleBatchProducer producer) {
    // wired in with the scrape engine
  }

  private Map<String, String> tsdbSinkConfig(Path tsdb) {
    List<String> topics = new ArrayList<>();
    topics.add(s.topicPrefix() + Topics.SAMPLES);
    for (String r : s.resolutions()) {
      topics.add(s.topicPrefix() + Topics.rollup(r));
    }
    Map<String, String> cfg = new HashMap<>();
    cfg.put("connector.class", TsdbSinkConnector.class.getName());
    cfg.put("tasks.max", "2");
    cfg.put("topics", String.join(",", topics));
    cfg.put(TsdbSinkConfig.DATA_DIR, tsdb.toString());
    cfg.put(TsdbSinkConfig.REGISTRY_URL, registryUrl);
    cfg.put("errors.tolerance", "all");
    cfg.put("errors.deadletterqueue.topic.name", s.topicPrefix() + Topics.DEADLETTER);
    cfg.put("errors.deadletterqueue.topic.replication.factor", "1");
    cfg.put("errors.deadletterqueue.context.headers.enable", "true");
    cfg.put("consumer.override.isolation.level", "read_committed");
    return cfg;
  }

  private void step(String what) {
    out.println("  starting " + what + " ...");
    out.flush();
  }

  private void printUrls(long millis) {
    String h = s.host();
    out.println();
    out.println("Strata is up (" + millis + " ms). Data in " + s.dataDir());
    out.println("  query API + UI     http://" + h + ":" + queryPort + "/   (Prometheus HTTP API at /api/v1/, Grafana data source URL)");
    out.println("  ingest             http://" + h + ":" + ingestPort + "/api/v1/write   (remote_write)");
    out.println("  Kafka              " + kafkaBootstrap);
    out.println("  schema registry    " + registryUrl);
    out.println("  Kafka Connect REST http://" + h + ":" + s.connectPort() + "/connectors");
    out.println("  metrics            http://" + h + ":" + queryPort + "/metrics  http://" + h + ":" + ingestPort + "/metrics");
    out.println("ready");
    out.flush();
  }

  public boolean isReady() {
    return ready.get();
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  @Override
  public synchronized void close() {
    ready.set(false);
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
