package io.strata.app.up.supervise;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer-group lag in records: for each partition a group has committed, the log end offset minus the
 * committed offset (committed transactions only, as the stages read {@code read_committed}). A record is
 * one batch (a request's series of one partition), not one sample.
 */
public final class ConsumerLag implements Supervisor.LagSource, AutoCloseable {
  private final Admin admin;

  public ConsumerLag(String bootstrapServers) {
    this(bootstrapServers, Map.of());
  }

  /** With extra client properties (a SASL login allowed to describe the stages' groups). */
  public ConsumerLag(String bootstrapServers, Map<String, String> kafkaClient) {
    Map<String, Object> p = new HashMap<>(kafkaClient);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    this.admin = Admin.create(p);
  }

  /** Lag per group; a group that has committed nothing yet is left out (its stage reads from its start position). */
  @Override
  public Map<String, Long> lag(List<String> groups) {
    Map<String, Long> out = new HashMap<>();
    try {
      Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
      for (String g : groups) {
        specs.put(g, new ListConsumerGroupOffsetsSpec());
      }
      var committed = admin.listConsumerGroupOffsets(specs);
      Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup = new HashMap<>();
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (String g : groups) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committed.partitionsToOffsetAndMetadata(g).get(10, TimeUnit.SECONDS);
        byGroup.put(g, offsets);
        for (TopicPartition tp : offsets.keySet()) {
          ends.put(tp, OffsetSpec.latest());
        }
      }
      var endOffsets = ends.isEmpty() ? Map.<TopicPartition, Long>of() : new HashMap<TopicPartition, Long>();
      if (!ends.isEmpty()) {
        admin.listOffsets(ends, new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
            .all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> endOffsets.put(tp, info.offset()));
      }
      for (var e : byGroup.entrySet()) {
        if (e.getValue().isEmpty()) {
          continue;
        }
        long sum = 0;
        for (var p : e.getValue().entrySet()) {
          Long end = endOffsets.get(p.getKey());
          if (end != null && p.getValue() != null) {
            sum += Math.max(0, end - p.getValue().offset());
          }
        }
        out.put(e.getKey(), sum);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading consumer lag", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read consumer lag: " + e.getMessage(), e);
    }
  }

  /** True when the broker answers a metadata request within a few seconds. */
  public String brokerProblem() {
    try {
      int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
      return nodes == 0 ? "the broker reports no nodes" : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      return "broker unreachable: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(5));
  }
}
