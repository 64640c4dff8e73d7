package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus (2.42) scraping itself every second with remote_write to Strata's ingest: its samples
 * arrive on metrics.samples, and when ingest goes down for a few seconds and comes back on the same port,
 * Prometheus retries, so the samples scraped during the outage arrive afterwards (no gap). Skipped when
 * /usr/bin/prometheus is not installed.
 */
@StrataTest
class PrometheusRemoteWriteIT {
  private static final String BINARY = "/usr/bin/prometheus";

  @Test
  void samplesArriveAndAnIngestOutageLeavesNoGap(TestCluster cluster, @TempDir Path dir) throws Exception {
    assumeTrue(ExternalProcess.installed(BINARY), BINARY + " not installed (apt-get install prometheus)");
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    int ingestPort = Ports.free();
    int promPort = Ports.free();
    Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: self
            static_configs:
              - targets: ['127.0.0.1:%d']
        remote_write:
          - url: http://127.0.0.1:%d/api/v1/write
            queue_config:
              batch_send_deadline: 500ms
              min_backoff: 100ms
              max_backoff: 1s
            metadata_config:
              send_interval: 2s
        """.formatted(promPort, ingestPort));
    String upSelf = "up{instance=\"127.0.0.1:" + promPort + "\", job=\"self\"}";
    IngestConfig cfg = IngestConfig.defaults("127.0.0.1", ingestPort).withPushgateway(false, Duration.ofSeconds(15));
    try (var producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), new PrometheusRegistry());
         var consumer = consumer(cluster, prefix + Topics.SAMPLES)) {
      var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
      TreeSet<Long> upTimestamps = new TreeSet<>();
      IngestServer server = new IngestServer(cfg, producer, new PrometheusRegistry()).start();
      try (ExternalProcess prom = ExternalProcess.start(List.of(BINARY, "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort), dir)) {
        prom.awaitReady("http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(20));
        poll(consumer, serde, upSelf, upTimestamps, () -> upTimestamps.size() >= 3, Duration.ofSeconds(20));
        assertFalse(upTimestamps.isEmpty(), "Prometheus's samples reach metrics.samples");

        server.close();
        long downAt = System.currentTimeMillis();
        Thread.sleep(4000);
        long upAt = System.currentTimeMillis();
        server = new IngestServer(cfg, producer, new PrometheusRegistry()).start();
        poll(consumer, serde, upSelf, upTimestamps, () -> upTimestamps.last() > upAt + 3000, Duration.ofSeconds(25));

        long before = upTimestamps.floor(downAt);
        long after = upTimestamps.ceiling(upAt);
        int inOutage = upTimestamps.subSet(downAt, upAt).size();
        assertTrue(inOutage >= 3, "samples scraped during the outage arrived afterwards: " + inOutage);
        Long previous = null;
        for (long t : upTimestamps.subSet(before, true, after, true)) {
          if (previous != null) {
            assertTrue(t - previous <= 2000, "gap of " + (t - previous) + " ms in " + upSelf + " at " + t);
          }
          previous = t;
        }
        System.out.println("remote_write outage: " + inOutage + " samples of " + upSelf + " from the 4 s outage arrived after it; "
            + upTimestamps.size() + " in all");
      } finally {
        server.close();
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(TestCluster cluster, String topic) {
    Properties c = new Properties();
    c.put("bootstrap.servers", cluster.bootstrapServers());
    c.put("group.id", "prom-" + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    k.subscribe(List.of(topic));
    return k;
  }

  private static void poll(KafkaConsumer<byte[], byte[]> consumer, AvroWireSerde<SampleBatch> serde, String series, TreeSet<Long> out,
      java.util.function.BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && (out.isEmpty() || !done.getAsBoolean())) {
      for (var r : consumer.poll(Duration.ofMillis(200))) {
        for (Series s : serde.deserialize(r.value()).getSeries()) {
          if (Labels.fromAvro(s.getLabels()).toString().equals(series)) {
            s.getSamples().forEach(p -> out.add(p.getTimestampMs()));
          }
        }
      }
    }
  }
}
