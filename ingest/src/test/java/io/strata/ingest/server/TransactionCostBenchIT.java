package io.strata.ingest.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.OperatingSystemMXBean;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What a Kafka transaction per request would cost next to the idempotent producer ingest uses: requests of
 * one ~60 KB record per partition (4 partitions, ~a 2,000-sample remote_write request), acknowledged before
 * the next, from 1 and 4 threads (one transactional producer per thread: a producer runs one transaction at a
 * time). Prints wall time, requests/s, latency percentiles and process CPU (broker included) per request.
 * Skipped unless {@code -Dstrata.bench=true}; results in bench/results/IngestTransactionCost.md.
 */
@StrataTest
class TransactionCostBenchIT {
  static final int PARTITIONS = 4;
  static final int REQUESTS = Integer.getInteger("tx.requests", 400);

  @Test
  void measure(TestCluster cluster) throws Exception {
    assumeTrue(Boolean.getBoolean("strata.bench"), "benchmark: run with -Dstrata.bench=true");
    String topic = cluster.createTopic(cluster.uniquePrefix() + "tx", PARTITIONS);
    byte[] value = new byte[60_000];
    new Random(1).nextBytes(value);
    for (int i = 0; i < value.length; i += 3) {
      value[i] = 7; // partly compressible, as label bytes are
    }
    for (int round = 0; round < 2; round++) { // round 0 warms up
      for (int threads : new int[] {1, 4}) {
        run(cluster, topic, value, false, threads, round);
        run(cluster, topic, value, true, threads, round);
      }
    }
  }

  private void run(TestCluster cluster, String topic, byte[] value, boolean tx, int threads, int round) throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    for (int t = 0; t < (tx ? threads : 1); t++) {
      Properties p = new Properties();
      p.put("bootstrap.servers", cluster.bootstrapServers());
      p.put("acks", "all");
      p.put("enable.idempotence", "true");
      p.put("compression.type", "lz4");
      p.put("linger.ms", "2");
      p.put("batch.size", "262144");
      if (tx) {
        p.put("transactional.id", "tx-" + round + "-" + threads + "-" + t + "-" + System.nanoTime());
      }
      var prod = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
      if (tx) {
        prod.initTransactions();
      }
      producers.add(prod);
    }
    long[][] lat = new long[threads][REQUESTS / threads];
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int ti = t;
      Thread th = new Thread(() -> {
        var prod = producers.get(tx ? ti : 0);
        try {
          for (int r = 0; r < REQUESTS / threads; r++) {
            long s = System.nanoTime();
            if (tx) {
              prod.beginTransaction();
            }
            List<Future<RecordMetadata>> fs = new ArrayList<>();
            for (int part = 0; part < PARTITIONS; part++) {
              fs.add(prod.send(new ProducerRecord<>(topic, part, null, value)));
            }
            if (tx) {
              prod.commitTransaction();
            }
            for (var f : fs) {
              f.get();
            }
            lat[ti][r] = System.nanoTime() - s;
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) th.join();
    long wall = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - cpu0;
    long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf("TXCOST round=%d mode=%s threads=%d requests=%d wall=%.2fs req/s=%.0f p50=%.2fms p99=%.2fms cpu/request=%.2fms%n",
        round, tx ? "transaction" : "idempotent", threads, all.length, wall / 1e9, all.length / (wall / 1e9),
        all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, cpu / 1e6 / all.length);
    producers.forEach(KafkaProducer::close);
  }
}
