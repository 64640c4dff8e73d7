package io.strata.app.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.app.rules.RulesTopic;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleFiles;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule job on a Flink session cluster of Strata processes, as a user runs it: {@code strata flink jobmanager}
 * and {@code strata flink taskmanager} as child JVMs, a rule group pushed to {@code metrics.rules}, the job submitted
 * with {@code strata flink submit}; samples make its alert pending, a second submit upgrades the job through a
 * savepoint, and the alert then fires with the {@code activeAt} it had before the upgrade (its {@code for} was not
 * restarted: a job without that state would make it pending anew).
 */
@StrataTest(realRegistry = true)
class FlinkSessionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUNNING = Pattern.compile("job ([0-9a-f]{32}) RUNNING");
  private static final String GROUP = """
      groups:
        - name: session
          interval: 2s
          rules:
            - alert: FlinkSessionHot
              expr: flinkit_temperature_celsius > 30
              for: 10s
      """;

  @Test
  void ruleJobFiresOnTheSessionClusterAndAnUpgradeThroughASavepointKeepsThePendingAlert(TestCluster cluster, @TempDir Path work) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.RULES, 1);
    String alerts = cluster.createTopic(prefix + Topics.ALERTS, 1);
    cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    cluster.createTopic(prefix + Topics.RULES_STATUS, 1);
    RulesTopic.of(cluster.bootstrapServers(), cluster.registryUrl(), "default", prefix).write(List.of(new RulesTopic.Stored(
        RuleGroups.key("default", "flinkit", "session"),
        RuleGroups.toAvro("default", "flinkit", RuleFiles.parse(GROUP, "flinkit.yml").groups().get(0)))));
    Path strataYml = Files.writeString(work.resolve("strata.yml"), """
        rule_job:
          checkpoint.interval: 1s
          watermark.max-out-of-orderness: 1s
          watermark.wall-clock-delay: 3s
          rules.spread-evaluations: "false"
          rules.resend-delay: 5s
          consumer.group-id: %s-rules
        """.formatted(prefix));

    int[] ports = Ports.free(4);
    String rest = "http://127.0.0.1:" + ports[1];
    String jmHttp = "http://127.0.0.1:" + ports[2];
    String tmHttp = "http://127.0.0.1:" + ports[3];
    Path jmDir = work.resolve("jobmanager-1");
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    try (Child jm = Child.start("jobmanager", "--rpc-port", Integer.toString(ports[0]), "--rest-port", Integer.toString(ports[1]),
            "--port", Integer.toString(ports[2]), "--data-dir", jmDir.toString());
        Child tm = Child.start("taskmanager", "--jobmanager", "127.0.0.1:" + ports[0], "--jobmanager-rest", rest, "--slots", "2",
            "--port", Integer.toString(ports[3]), "--data-dir", work.resolve("taskmanager-1").toString());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(cluster), new ByteArraySerializer(), new ByteArraySerializer());
        Alerts seen = new Alerts(cluster, alerts)) {
      jm.awaitReady();
      tm.awaitReady();
      assertTrue(jm.output().contains("  rest               " + rest + "   (/overview, /jobs, /taskmanagers)"), String.join("\n", jm.output()));

      List<String> submit = List.of("--rest", rest, "--bootstrap", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl(),
          "--config", strataYml.toString(), "--topic-prefix", prefix, "--timeout", "60s");
      Child first = Child.run("submit", submit);
      assertEquals(0, first.exitCode(), String.join("\n", first.output()));
      String firstJob = jobId(first);

      // each process's own port: health, readiness, process/JVM metrics and the role's gauges
      assertTrue(jm.output().contains("  metrics            " + jmHttp + "/metrics   (health: /-/healthy, /-/ready)"), String.join("\n", jm.output()));
      assertTrue(tm.output().contains("  metrics            " + tmHttp + "/metrics   (health: /-/healthy, /-/ready)"), String.join("\n", tm.output()));
      for (String base : List.of(jmHttp, tmHttp)) {
        assertEquals(200, status(base + "/-/healthy"), base);
        assertEquals(200, status(base + "/-/ready"), base);
        String metrics = FlinkCommand.get(base, "/metrics");
        assertTrue(metrics.contains("\nprocess_cpu_seconds_total ") && metrics.contains("\njvm_memory_used_bytes{area=\"heap\"} "), metrics);
        assertTrue(metrics.matches("(?s).*\nstrata_flink_task_slots 2(\\.0)?\n.*"), metrics);
      }
      String jmMetrics = FlinkCommand.get(jmHttp, "/metrics");
      assertTrue(jmMetrics.matches("(?s).*\nstrata_flink_jobs_running 1(\\.0)?\n.*"), jmMetrics);
      assertTrue(jmMetrics.matches("(?s).*\nstrata_flink_taskmanagers_registered 1(\\.0)?\n.*"), jmMetrics);
      assertTrue(FlinkCommand.get(tmHttp, "/metrics").matches("(?s).*\nstrata_flink_taskmanager_registered 1(\\.0)?\n.*"));

      // 40 °C every second, live timestamps, on the series' own partition
      AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
      List<Label> labels = List.of(new Label("__name__", "flinkit_temperature_celsius"), new Label("room", "lab"));
      int partition = SeriesPartitioner.partition("default", Labels.fromAvro(labels), 2);
      sender.scheduleAtFixedRate(() -> {
        SampleBatch b = new SampleBatch("default", "test", List.of(new Series(labels, List.of(new Sample(System.currentTimeMillis(), 40.0)))));
        producer.send(new ProducerRecord<>(samples, partition, null, serde.serialize(samples, b)));
      }, 0, 1, TimeUnit.SECONDS);

      AlertEvent pending = seen.await(e -> e.getState() == AlertState.pending, Duration.ofSeconds(40));
      long activeAt = (long) pending.getActiveAtMs();

      Child second = Child.run("submit", submit);
      long upgraded = System.currentTimeMillis();
      assertEquals(0, second.exitCode(), String.join("\n", second.output()));
      String secondJob = jobId(second);
      assertNotEquals(firstJob, secondJob);
      assertTrue(second.output().contains("stopping job " + firstJob + " with a savepoint ..."), String.join("\n", second.output()));
      String savepoint = second.output().stream().filter(l -> l.startsWith("savepoint ")).findFirst().orElseThrow().substring(10);
      assertTrue(Files.isRegularFile(Path.of(URI.create(savepoint)).resolve("_metadata")), savepoint);
      assertTrue(Path.of(URI.create(savepoint)).startsWith(jmDir.resolve("savepoints")), savepoint + " under the JobManager's data dir");
      JsonNode jobs = JSON.readTree(FlinkCommand.get(rest, "/jobs"));
      assertTrue(jobs.toString().contains("{\"id\":\"" + firstJob + "\",\"status\":\"FINISHED\"}"), jobs.toString());
      assertTrue(jobs.toString().contains("{\"id\":\"" + secondJob + "\",\"status\":\"RUNNING\"}"), jobs.toString());

      // the new job's evaluations fire the alert (or re-send it every 5 s, if the old job fired it) with the activeAt of the
      // old job's pending alert; a job without that state would have made it pending anew, at a later activeAt
      AlertEvent firing = seen.await(e -> e.getState() == AlertState.firing && e.getEvaluatedAtMs() >= upgraded, Duration.ofSeconds(40));
      assertEquals(activeAt, (long) firing.getActiveAtMs(), "the pending alert's activeAt survived the upgrade");
      assertEquals(activeAt + 10_000, (long) firing.getFiredAtMs(), "fired when its for of 10s had passed since then");

      sender.shutdownNow();
      jm.stop(); // SIGTERM, as Ctrl-C: the shutdown hook stops it
      assertTrue(jm.output().contains("strata flink jobmanager: stopped"), String.join("\n", jm.output()));
      assertEquals(503, status(tmHttp + "/-/ready"), "a TaskManager without its JobManager is not ready");
      assertEquals(200, status(tmHttp + "/-/healthy"));
      tm.stop();
      assertTrue(tm.output().contains("strata flink taskmanager: stopped"), String.join("\n", tm.output()));
    } finally {
      sender.shutdownNow();
    }
  }

  private static int status(String url) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String jobId(Child submit) {
    for (String line : submit.output()) {
      Matcher m = RUNNING.matcher(line);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no \"job <id> RUNNING\" line:\n" + String.join("\n", submit.output()));
  }

  private static Properties props(TestCluster cluster) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    return p;
  }

  /** Every committed alert event of the topic, read as they come. */
  private static final class Alerts implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroWireSerde<AlertEvent> serde;
    private final List<AlertEvent> events = new ArrayList<>();

    Alerts(TestCluster cluster, String topic) {
      Properties p = props(cluster);
      p.put("isolation.level", "read_committed");
      consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(consumer.assignment());
      serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
    }

    AlertEvent await(Predicate<AlertEvent> wanted, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (AlertEvent e : events) {
          if (wanted.test(e)) {
            return e;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no such alert event in " + timeout + "; seen: " + events);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            events.add(serde.deserialize(r.value()));
          }
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  /** {@code strata flink <role>} as a child JVM (logs in {@code target/flink-session-logs}). */
  private static final class Child implements AutoCloseable {
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
    private final Thread reader;

    private Child(List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
          "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.strata.app.Main", "flink"));
      cmd.add(args.get(0));
      cmd.addAll(List.of("--log-dir", Path.of("target", "flink-session-logs").toAbsolutePath().toString()));
      cmd.addAll(args.subList(1, args.size()));
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            output.add(line);
            if (line.equals("ready")) {
              ready.complete(true);
            }
          }
        } catch (IOException e) {
          // process gone
        }
        ready.complete(false);
      }, "strata-flink-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(String... args) throws IOException {
      return new Child(List.of(args));
    }

    /** Runs a one-shot command to its end. */
    static Child run(String role, List<String> args) throws Exception {
      List<String> all = new ArrayList<>(List.of(role));
      all.addAll(args);
      Child c = new Child(all);
      if (!c.process.waitFor(120, TimeUnit.SECONDS)) {
        c.process.destroyForcibly();
        throw new AssertionError("strata flink " + role + " did not exit:\n" + String.join("\n", c.output));
      }
      c.reader.join(10_000);
      return c;
    }

    void awaitReady() throws Exception {
      if (!ready.get(90, TimeUnit.SECONDS)) {
        throw new AssertionError("exited before ready:\n" + String.join("\n", output));
      }
    }

    int exitCode() {
      return process.exitValue();
    }

    List<String> output() {
      return output;
    }

    /** SIGTERM (through the handle: {@code Process.destroy} would close the pipe before the last lines are read). */
    int stop() throws InterruptedException {
      process.toHandle().destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(10_000);
      return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        stop();
      }
    }
  }
}
