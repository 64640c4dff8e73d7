package io.strata.ingest.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.OperatingSystemMXBean;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.limits.Limits;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test (runs only with {@code -Dstrata.bench=true}): CPU-seconds per million samples of
 * the remote_write path, receive → decode → encode → Kafka acknowledged, against the in-process broker.
 * 10,000 series (node_exporter-like labels), requests of 2,000 samples (Prometheus's max_samples_per_send),
 * 4 concurrent senders. CPU is measured per thread (ThreadMXBean) and attributed by thread name: ingest =
 * Jetty ({@code ingest-http}) + Kafka producer I/O thread; client = the load generator; the rest of the
 * JVM's threads are the broker (plus registry mock, JUnit). GC and JIT threads are not Java threads: the
 * process CPU not attributed to any thread is reported separately (an upper bound to add to ingest).
 * Prints numbers; asserts nothing.
 */
@StrataTest
class RemoteWriteCpuBenchIT {
  /** The fixed timestamps of this test are months old: no sample window. */
  private static final Limits HISTORIC = Limits.defaults().withoutSampleWindow();
  private static final int SERIES = 10_000;
  private static final int PER_REQUEST = 2_000;
  private static final int SENDERS = 4;

  @Test
  void cpuSecondsPerMillionSamples(TestCluster cluster) throws Exception {
    assumeTrue(Boolean.getBoolean("strata.bench"), "benchmark: run with -Dstrata.bench=true");
    int requests = Integer.getInteger("strata.bench.requests", 1000);
    // -Dstrata.bench.encoders=direct,direct runs only those; -Dstrata.bench.jfr=/tmp/rw.jfr records the measured phases
    String encoders = System.getProperty("strata.bench.encoders", "avro-specific,direct,avro-specific,direct");
    String jfrFile = System.getProperty("strata.bench.jfr");
    Recording jfr = null;
    if (jfrFile != null) {
      jfr = new Recording(Configuration.getConfiguration("profile"));
      jfr.setDestination(Path.of(jfrFile));
    }
    // -Dstrata.bench.producer="compression.type=zstd;compression.type=lz4,batch.size=65536" compares producer settings,
    // interleaved in one JVM (the shared machine's load moves between invocations); -Dstrata.bench.rounds repeats all
    String[] producerConfigs = System.getProperty("strata.bench.producer", "").split(";");
    int rounds = Integer.getInteger("strata.bench.rounds", 1);
    try {
      for (int round = 0; round < rounds; round++) {
        for (String encoder : encoders.split(",")) {
          for (String producerConfig : producerConfigs) {
            run(cluster, encoder.trim(), producerConfig.trim(), requests, jfr);
          }
        }
      }
    } finally {
      if (jfr != null) {
        jfr.close();
      }
    }
  }

  private static List<byte[]> bodies(int rounds) {
    List<byte[]> out = new ArrayList<>();
    long t = 1767225600000L;
    for (int round = 0; round < rounds; round++) {
      for (int start = 0; start < SERIES; start += PER_REQUEST) {
        List<SeriesSamples> batch = new ArrayList<>(PER_REQUEST);
        for (int i = start; i < start + PER_REQUEST; i++) {
          batch.add(SeriesSamples.of(Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i % 64), "instance",
              "host-" + (i / 64) + ".example.org:9100", "job", "node", "mode", i % 2 == 0 ? "user" : "system"), t, i * 1.5 + round));
        }
        out.add(RemoteWriteV1Encoder.encode(batch));
      }
      t += 15_000;
    }
    return out;
  }

  private static Map<Long, Long> threadCpu(ThreadMXBean mx, Map<Long, String> names) {
    Map<Long, Long> out = new HashMap<>();
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        out.put(info.getThreadId(), cpu);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return out;
  }

  private void run(TestCluster cluster, String encoder, String producerConfig, int requests, Recording jfr) throws Exception {
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 4);
    List<byte[]> bodies = bodies(10);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    AtomicInteger clientThreads = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(SENDERS, r -> new Thread(r, "bench-client-" + clientThreads.incrementAndGet()));
    HttpClient http = HttpClient.newBuilder().executor(clients).build();
    Map<String, String> overrides = new HashMap<>();
    overrides.put(SampleBatchProducer.ENCODER_KEY, encoder);
    for (String kv : producerConfig.split(",")) {
      if (!kv.isBlank()) {
        overrides.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
      }
    }
    try (var producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        overrides, new PrometheusRegistry());
         var server = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withLimits(HISTORIC, Map.of()).withPushgateway(false, Duration.ofSeconds(15)), producer,
             new PrometheusRegistry()).start()) {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write");
      send(http, uri, bodies, requests / 2); // warm-up: JIT, connections, producer metadata
      Map<Long, String> names = new HashMap<>();
      Map<Long, Long> before = threadCpu(mx, names);
      long processBefore = os.getProcessCpuTime();
      long wallBefore = System.nanoTime();
      if (jfr != null && jfr.getState() == RecordingState.NEW) {
        jfr.start();
      }
      send(http, uri, bodies, requests);
      long wall = System.nanoTime() - wallBefore;
      long process = os.getProcessCpuTime() - processBefore;
      Map<Long, Long> after = threadCpu(mx, names);
      long ingest = 0;
      long httpCpu = 0;
      long client = 0;
      long other = 0;
      for (var e : after.entrySet()) {
        long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
        String n = names.get(e.getKey());
        if (n.startsWith("ingest-http")) {
          ingest += d;
          httpCpu += d;
        } else if (n.startsWith("kafka-producer-network-thread")) {
          ingest += d;
        } else if (n.startsWith("bench-client") || n.startsWith("HttpClient")) {
          client += d;
        } else {
          other += d;
        }
      }
      long unattributed = Math.max(0, process - ingest - client - other);
      double millions = (double) requests * PER_REQUEST / 1e6;
      System.out.printf("remote_write bench encoder=%s producer=" + (producerConfig.isEmpty() ? "default" : producerConfig) + " requests=%d samples=%d wall=%.2fs (%.0f samples/s)%n  CPU-s per million samples:"
              + " ingest=%.3f (http threads %.3f, producer I/O %.3f)  broker+other threads=%.3f  client=%.3f  unattributed (GC/JIT)=%.3f  process=%.3f%n",
          encoder, requests, requests * PER_REQUEST, wall / 1e9, requests * PER_REQUEST / (wall / 1e9),
          ingest / 1e9 / millions, httpCpu / 1e9 / millions, (ingest - httpCpu) / 1e9 / millions, other / 1e9 / millions, client / 1e9 / millions, unattributed / 1e9 / millions, process / 1e9 / millions);
    } finally {
      clients.shutdownNow();
    }
  }

  private static void send(HttpClient http, URI uri, List<byte[]> bodies, int requests) throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS, r -> new Thread(r, "bench-client-sender"));
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      done.add(senders.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < requests) {
          HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
              .header("Content-Encoding", "snappy").POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i % bodies.size()))).build(),
              HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() != 204) {
            throw new IllegalStateException("status " + r.statusCode());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    senders.shutdown();
  }
}
