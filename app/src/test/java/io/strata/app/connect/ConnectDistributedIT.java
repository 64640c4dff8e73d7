package io.strata.app.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.store.FanoutStore;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code strata connect --distributed} workers of one group, as separate processes on the test's Kafka and
 * registry: both get a TSDB sink task and write their own store; one is killed with -9, the survivor takes its
 * partitions (from the committed offsets) while a query node with partial responses warns about the dead store; the
 * killed worker restarts on its data; a query node over both stores then counts every produced sample exactly once
 * per series, although the moved partitions are split over (and partly copied in) both stores.
 */
@StrataTest(realRegistry = true)
class ConnectDistributedIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120); // a few seconds each on a quiet machine
  private static final int PARTITIONS = 4;
  private static final int SERIES = 20;
  private static final String METRIC = "distconnect_temperature";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aKilledWorkersPartitionsMoveToTheSurvivorAndTheQueryNodeCountsEverySampleOnce(TestCluster cluster, @TempDir Path work)
      throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, PARTITIONS);
    cluster.createTopic(prefix + Topics.rollup("1m"), 2);
    cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    String group = "strata-tsdb-sink-" + prefix.replace(".", "");
    int[] ports = Ports.free(5); // A: store, REST; B: store, REST; the query node
    Path strataYml = Files.writeString(work.resolve("strata.yml"), "rollups: {resolutions: [1m]}\nsink: {commit_interval: 500ms}\n");
    List<String> a = args(cluster, prefix, group, ports[0], ports[1], work.resolve("connect-1"), strataYml);
    List<String> b = args(cluster, prefix, group, ports[2], ports[3], work.resolve("connect-2"), strataYml);
    String storeA = "http://127.0.0.1:" + ports[0];
    String storeB = "http://127.0.0.1:" + ports[2];
    String restA = "http://127.0.0.1:" + ports[1];
    long t0 = (System.currentTimeMillis() / 60_000 - 1) * 60_000;
    long started = System.nanoTime();

    Properties admin = new Properties();
    admin.put("bootstrap.servers", cluster.bootstrapServers());
    ConnectChild workerA = ConnectChild.launch("connectdist-logs-1", a);
    ConnectChild workerB = ConnectChild.launch("connectdist-logs-2", b);
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    try (Admin kafka = Admin.create(admin); workerB; var producer = new KafkaProducer<>(admin, new ByteArraySerializer(), new ByteArraySerializer())) {
      workerA.awaitReady();
      workerB.awaitReady();
      phase("both workers ready", started);
      assertTrue(workerA.output().stream().anyMatch(l -> l.contains("of group " + group)), String.join("\n", workerA.output()));
      // the group's topics, named for it
      Set<String> topics = kafka.listTopics().names().get();
      assertTrue(topics.containsAll(ConnectWorker.internalTopics(prefix, group)), topics.toString());
      assertEquals(List.of(prefix + "connect-" + group + "-configs", prefix + "connect-" + group + "-offsets",
          prefix + "connect-" + group + "-status"), ConnectWorker.internalTopics(prefix, group));

      await("a sink task RUNNING on each worker and each task's consumer owning samples partitions", () ->
          workersWithRunningTasks(restA) == 2 && sinkConsumersOwning(kafka, samples) == 2);
      // the connector config names no path: each worker's tasks write its own store
      JsonNode config = JSON.readTree(get(restA + "/connectors/" + TsdbSinkSettings.CONNECTOR + "/config").body());
      assertTrue(config.path("tsdb.data.dir").isMissingNode(), config.toString());

      phase("a task on each worker", started);
      produce(producer, serde, samples, t0, 1);
      await("batch 1 in the two stores", () -> seriesAt(storeA, t0) + seriesAt(storeB, t0) == SERIES);
      int inA = seriesAt(storeA, t0);
      assertTrue(inA > 0 && inA < SERIES, "both stores hold part of the series, A holds " + inA);

      phase("batch 1 stored", started);
      workerA.kill();
      produce(producer, serde, samples, t0 + 15_000, 2);
      // the survivor takes A's partitions once its consumer's session expires, from the offsets A committed
      await("batch 2 wholly in B's store", () -> seriesAt(storeB, t0 + 15_000) == SERIES);
      phase("A killed, B took its partitions", started);

      PrometheusRegistry metrics = new PrometheusRegistry();
      try (FanoutStore fanout = new FanoutStore(List.of(URI.create(storeA), URI.create(storeB)), false, Duration.ofSeconds(5), metrics)) {
        QueryServer node = new QueryServer(QueryConfig.defaults("127.0.0.1", ports[4]), fanout, metrics, () -> true).start();
        try {
          String nodeUrl = "http://127.0.0.1:" + node.port();
          // while A is down: a partial answer that names it, or an error naming it
          JsonNode partial = query(nodeUrl, "count(" + METRIC + ")", t0 + 15_000, "&partial_response=true");
          assertEquals(Integer.toString(SERIES), partial.at("/data/result/0/value/1").asText(), "B holds every series' latest sample");
          assertTrue(partial.path("warnings").toString().contains("store " + storeA + " did not answer"), partial.toString());
          HttpResponse<String> strict = get(nodeUrl + "/api/v1/query?query=" + enc("count(" + METRIC + ")") + "&partial_response=false");
          assertEquals(503, strict.statusCode(), strict.body());
          assertTrue(strict.body().contains(storeA), strict.body());

          ConnectChild restarted = ConnectChild.start("connectdist-logs-1", a);
          try {
            phase("A restarted", started);
            await("A back with a task", () -> workersWithRunningTasks(restA) == 2 && sinkConsumersOwning(kafka, samples) == 2);
            phase("A has a task again", started);
            produce(producer, serde, samples, t0 + 30_000, 3);
            await("batch 3 in the two stores", () -> seriesAt(storeA, t0 + 30_000) + seriesAt(storeB, t0 + 30_000) >= SERIES
                && seriesAt(nodeUrl, t0 + 30_000) == SERIES);

            // every sample once per series: count and sum over the three batches, through the query node over both stores
            long end = t0 + 30_000;
            Map<String, Double> counts = perSeries(query(nodeUrl, "count_over_time(" + METRIC + "[5m])", end, ""));
            Map<String, Double> sums = perSeries(query(nodeUrl, "sum_over_time(" + METRIC + "[5m])", end, ""));
            assertEquals(SERIES, counts.size(), counts.toString());
            for (int i = 0; i < SERIES; i++) {
              assertEquals(3.0, counts.get("r" + i), "samples of r" + i);
              assertEquals(30.0 * i + 6, sums.get("r" + i), "sum of r" + i + ": 10i+1 + 10i+2 + 10i+3");
            }
            assertEquals(Integer.toString(3 * SERIES),
                query(nodeUrl, "sum(count_over_time(" + METRIC + "[5m]))", end, "").at("/data/result/0/value/1").asText());
            phase("every sample counted once", started);
          } finally {
            restarted.close();
          }
        } finally {
          node.close();
        }
      }
    } finally {
      workerA.close();
    }
  }

  /** Where the time goes (the test's budget is 60 s on a quiet machine). */
  private static void phase(String what, long started) {
    System.out.println("ConnectDistributedIT: " + what + " at " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
  }

  private static List<String> args(TestCluster cluster, String prefix, String group, int storePort, int restPort, Path dir, Path yml) {
    return List.of("--distributed", "--group-id", group, "--replication-factor", "1", "--bootstrap", cluster.bootstrapServers(),
        "--registry-url", cluster.registryUrl(), "--topic-prefix", prefix, "--port", Integer.toString(storePort),
        "--connect-port", Integer.toString(restPort), "--data-dir", dir.toString(), "--config", yml.toString());
  }

  /** One sample of every series at {@code t}, value {@code 10 i + batch}, each on its series' partition. */
  private static void produce(KafkaProducer<byte[], byte[]> producer, AvroWireSerde<SampleBatch> serde, String topic, long t, int batch)
      throws Exception {
    for (int i = 0; i < SERIES; i++) {
      Labels l = Labels.of("__name__", METRIC, "room", "r" + i);
      Series s = new Series(l.toAvro(), List.of(new Sample(t, 10.0 * i + batch)));
      producer.send(new ProducerRecord<>(topic, SeriesPartitioner.partition("default", l, PARTITIONS), null,
          serde.serialize(topic, new SampleBatch("default", "test", List.of(s))))).get();
    }
  }

  /** Workers holding a RUNNING task of the sink, by the connector's status. */
  private int workersWithRunningTasks(String rest) {
    try {
      HttpResponse<String> r = get(rest + "/connectors/" + TsdbSinkSettings.CONNECTOR + "/status");
      if (r.statusCode() != 200) {
        return 0;
      }
      Set<String> workers = new HashSet<>();
      for (JsonNode t : JSON.readTree(r.body()).path("tasks")) {
        if ("RUNNING".equals(t.path("state").asText())) {
          workers.add(t.path("worker_id").asText());
        }
      }
      return workers.size();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Members of the sink's consumer group, stable, that own partitions of the samples topic. */
  private static int sinkConsumersOwning(Admin kafka, String topic) {
    try {
      String g = "connect-" + TsdbSinkSettings.CONNECTOR;
      ConsumerGroupDescription d = kafka.describeConsumerGroups(List.of(g)).all().get().get(g);
      if (d.groupState() != GroupState.STABLE) {
        return 0;
      }
      int n = 0;
      for (MemberDescription m : d.members()) {
        if (m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic))) {
          n++;
        }
      }
      return n;
    } catch (Exception e) {
      return 0;
    }
  }

  /** Series with a sample at exactly {@code t} in the store (or query node) at {@code base}; 0 when it does not answer. */
  private int seriesAt(String base, long t) {
    try {
      JsonNode r = query(base, "count(count_over_time(" + METRIC + "[1s]))", t, "");
      String v = r.at("/data/result/0/value/1").asText();
      return v.isEmpty() ? 0 : Integer.parseInt(v);
    } catch (Throwable e) {
      return 0;
    }
  }

  private static Map<String, Double> perSeries(JsonNode r) {
    Map<String, Double> out = new HashMap<>();
    for (JsonNode s : r.at("/data/result")) {
      out.put(s.at("/metric/room").asText(), Double.parseDouble(s.at("/value/1").asText()));
    }
    return out;
  }

  private JsonNode query(String base, String expr, long timeMs, String extra) throws Exception {
    HttpResponse<String> r = get(base + "/api/v1/query?query=" + enc(expr) + "&time=" + (timeMs / 1000.0) + extra);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
      }
      Thread.sleep(250);
    }
  }
}
