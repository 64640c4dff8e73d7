package io.strata.schemas.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition count of a topic, as the partition check ({@link io.strata.schemas.model.SampleBatchCheck})
 * needs it: 0 means unknown (the check is skipped rather than refusing good records).
 */
@FunctionalInterface
public interface PartitionCounts {
  int of(String topic);

  /** The same count for every topic (tests, and a job that read the count once at start). */
  static PartitionCounts fixed(int partitions) {
    return topic -> partitions;
  }

  /**
   * Counts read with the stage's admin client and kept for a minute, so partitions added to a topic are seen
   * within a minute. A lookup that fails keeps the last known count (0 when none), logs, and is retried at the
   * next expiry. Thread-safe; the caller owns (and closes) the admin client.
   */
  static PartitionCounts cached(Admin admin) {
    return new Cached(admin, Duration.ofMinutes(1));
  }

  /** See {@link #cached}. */
  final class Cached implements PartitionCounts {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCounts.class);
    private record Entry(int count, long expiresAtNanos) {}

    private final Admin admin;
    private final long ttlNanos;
    private final Map<String, Entry> counts = new ConcurrentHashMap<>();

    Cached(Admin admin, Duration ttl) {
      this.admin = admin;
      this.ttlNanos = ttl.toNanos();
    }

    @Override
    public int of(String topic) {
      long now = System.nanoTime();
      Entry e = counts.get(topic);
      if (e != null && now - e.expiresAtNanos < 0) {
        return e.count;
      }
      int count = e == null ? 0 : e.count;
      try {
        count = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().size();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } catch (Exception ex) {
        LOG.warn("cannot read the partition count of {} (keeping {}): {}", topic, count, ex.toString());
      }
      counts.put(topic, new Entry(count, now + ttlNanos));
      return count;
    }
  }
}
