package io.strata.ingest.pushgateway;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.IngestRejectedException;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pushgateway's state, kept on a compacted Kafka topic ({@value #TOPIC} with the pipeline's prefix, one
 * partition, key = tenant + grouping key, value = {@link GroupCodec} bytes, tombstone = deleted) and in
 * memory. All changes run one at a time on a writer thread (as the Pushgateway serialises its writes):
 * validate against every group of the tenant, write the group record, wait for Kafka's acknowledgement,
 * then apply it in memory; so memory never holds a state Kafka has not acknowledged. On start the topic is
 * read to its end to restore the groups.
 *
 * <p>A push or delete that changed a group writes that group's series to {@code metrics.samples} (source
 * {@code pushgateway}) before it is answered, so they are queryable at once; series the change removed get a
 * stale marker. Then every {@code interval} all groups are written, as Prometheus would store them scraping a
 * Pushgateway with {@code honor_labels: true}, stamped with the emission time; series emitted last time and
 * gone now (deleted or expired groups, metrics replaced) get a stale marker. Groups past their TTL are
 * deleted (tombstone) at emission.
 */
public final class PushgatewayStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushgatewayStore.class);
  /** The group log, under the pipeline's topic prefix. */
  public static final String TOPIC = "metrics.pushgateway";
  public static final String SOURCE = "pushgateway";
  /** Pushes waiting for the writer beyond this many are refused with 503 rather than queued without bound. */
  static final int WRITE_QUEUE = 1024;

  /** What a push or delete came to: the HTTP status and message to answer. */
  public record Outcome(int status, String message) {}

  private final SampleBatchProducer producer;
  private final String topic;
  private final Duration interval;
  private final Duration ackTimeout;
  private final Clock clock;
  private final Map<String, ConcurrentSkipListMap<GroupingKey, PushGroup>> groups = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor writer;
  private final ScheduledExecutorService emitter;
  private final Map<String, Set<Labels>> lastEmitted = new HashMap<>(); // guarded by emitLock
  private final Object emitLock = new Object();
  private long lastEmitMs = Long.MIN_VALUE; // guarded by emitLock: emissions get strictly increasing timestamps
  private final Counter emittedSamples;
  private final Counter emissionFailures;
  private final Counter expired;
  private volatile boolean started;

  public PushgatewayStore(SampleBatchProducer producer, Duration interval, Duration ackTimeout, PrometheusRegistry metrics, Clock clock) {
    this.producer = producer;
    this.topic = producer.topicPrefix() + TOPIC;
    this.interval = interval;
    this.ackTimeout = ackTimeout;
    this.clock = clock;
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(WRITE_QUEUE), r -> {
      Thread t = new Thread(r, "pushgateway-writer");
      t.setDaemon(true);
      return t;
    });
    this.emitter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pushgateway-emitter");
      t.setDaemon(true);
      return t;
    });
    this.emittedSamples = Counter.builder().name("strata_pushgateway_emitted_samples_total")
        .help("Samples of Pushgateway groups (stale markers included) acknowledged by Kafka").register(metrics);
    this.emissionFailures = Counter.builder().name("strata_pushgateway_emission_failures_total")
        .help("Emissions of Pushgateway groups that Kafka did not acknowledge").register(metrics);
    this.expired = Counter.builder().name("strata_pushgateway_expired_groups_total").help("Groups deleted because their TTL passed")
        .register(metrics);
    GaugeWithCallback.builder().name("strata_pushgateway_groups").help("Pushgateway groups held, all tenants")
        .callback(cb -> cb.call(groupCount())).register(metrics);
  }

  public String topic() {
    return topic;
  }

  /** Creates the group log if absent, restores the groups from it, and starts the periodic emission. */
  public PushgatewayStore start() {
    GroupLog.ensureTopic(producer.clientConfig(), topic);
    int n = 0;
    for (PushGroup g : GroupLog.restore(producer.clientConfig(), topic)) {
      groups.computeIfAbsent(g.tenant(), t -> new ConcurrentSkipListMap<>()).put(g.key(), g);
      n++;
    }
    log.info("pushgateway: restored {} groups from {}", n, topic);
    long ms = interval.toMillis();
    emitter.scheduleAtFixedRate(this::emitSafely, ms, ms, TimeUnit.MILLISECONDS);
    started = true;
    return this;
  }

  private double groupCount() {
    long n = 0;
    for (var m : groups.values()) {
      n += m.size();
    }
    return n;
  }

  /** The groups of a tenant, ordered by grouping key. */
  public List<PushGroup> groups(String tenant) {
    var m = groups.get(tenant);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  /**
   * PUT ({@code replace}) or POST of parsed families to a group. Completes with 200 when Kafka acknowledged
   * the new group state; 400 when the push is inconsistent (the group then records the failure time, as the
   * Pushgateway does); 503 when Kafka did not acknowledge or the writer queue is full.
   *
   * @param ttlMs null keeps the group's TTL, 0 removes it, otherwise the new TTL
   */
  public CompletableFuture<Outcome> push(String tenant, GroupingKey key, boolean replace, TextPushParser.Result parsed, Long ttlMs) {
    return submit(() -> doPush(tenant, key, replace, parsed, ttlMs));
  }

  /** DELETE of a group: 202 whether it existed or not (as the Pushgateway), after Kafka acknowledged the tombstone. */
  public CompletableFuture<Outcome> delete(String tenant, GroupingKey key) {
    return submit(() -> doDelete(tenant, key, false));
  }

  private CompletableFuture<Outcome> submit(java.util.function.Supplier<Outcome> op) {
    if (!started) {
      return CompletableFuture.completedFuture(new Outcome(503, "the Pushgateway state is not restored yet; retry"));
    }
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    try {
      writer.execute(() -> {
        try {
          result.complete(op.get());
        } catch (RuntimeException e) {
          log.error("BUG: pushgateway write failed", e);
          result.complete(new Outcome(500, "internal error: " + e));
        }
      });
    } catch (RejectedExecutionException e) {
      result.complete(new Outcome(503, "too many pushes waiting (" + WRITE_QUEUE + "); retry"));
    }
    return result;
  }

  private Outcome doPush(String tenant, GroupingKey key, boolean replace, TextPushParser.Result parsed, Long ttlMs) {
    long now = clock.millis();
    var tenantGroups = groups.computeIfAbsent(tenant, t -> new ConcurrentSkipListMap<>());
    PushGroup old = tenantGroups.get(key);
    PushGroup base = old == null ? PushGroup.empty(tenant, key) : old;
    long ttl = ttlMs == null ? base.ttlMs() : ttlMs;
    List<PushedFamily> pushed = GroupConsistency.sanitize(parsed.families(), key);
    Map<String, PushedFamily> families = new TreeMap<>(replace ? Map.of() : base.families());
    Map<String, Long> times = new TreeMap<>(replace ? Map.of() : base.familyTimesMs());
    for (PushedFamily f : pushed) {
      families.put(f.name(), f);
      times.put(f.name(), now);
    }
    PushGroup candidate = new PushGroup(tenant, key, families, times, now, base.failureTimeMs(), true, ttl);
    String problem = GroupConsistency.check(candidate, parsed.hasTimestamps(), tenantGroups.values());
    if (problem != null) {
      PushGroup failed = new PushGroup(tenant, key, base.families(), base.familyTimesMs(), base.pushTimeMs(), now, false, ttl);
      Outcome written = write(tenantGroups, failed, List.of());
      if (written != null) {
        log.warn("pushgateway: failure time of group {} not recorded: {}", key, written.message());
      } else {
        emitGroup(tenant, old, failed);
      }
      return new Outcome(400, problem);
    }
    List<FamilyMetadata> metadata = new ArrayList<>();
    for (PushedFamily f : pushed) {
      metadata.add(new FamilyMetadata(f.name(), f.type(), f.help(), ""));
    }
    metadata.add(new FamilyMetadata(GroupConsistency.PUSH_TIME, MetricType.GAUGE, "Last Unix time when changing this group in the Pushgateway succeeded.", ""));
    metadata.add(new FamilyMetadata(GroupConsistency.PUSH_FAILURE_TIME, MetricType.GAUGE, "Last Unix time when changing this group in the Pushgateway failed.", ""));
    Outcome failure = write(tenantGroups, candidate, metadata);
    if (failure != null) {
      return failure;
    }
    emitGroup(tenant, old, candidate);
    return new Outcome(200, null);
  }

  private Outcome doDelete(String tenant, GroupingKey key, boolean expiry) {
    var tenantGroups = groups.get(tenant);
    if (tenantGroups == null || !tenantGroups.containsKey(key)) {
      return new Outcome(202, null);
    }
    if (expiry) {
      PushGroup g = tenantGroups.get(key);
      if (g.expiresAtMs() > clock.millis()) {
        return new Outcome(202, null); // pushed again since the emitter saw it expired
      }
    }
    try {
      producer.sendRecord(topic, key.recordKey(tenant), null).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return new Outcome(503, "deletion not acknowledged by Kafka: " + cause(e) + "; retry");
    }
    PushGroup removed = tenantGroups.remove(key);
    if (expiry) {
      expired.inc(); // its series get their stale markers from the periodic emission that found it expired
    } else {
      emitGroup(tenant, removed, null);
    }
    return new Outcome(202, null);
  }

  /** Writes the group record (and metadata) and applies it once acknowledged; null on success, else a 503 outcome. */
  private Outcome write(Map<GroupingKey, PushGroup> tenantGroups, PushGroup g, List<FamilyMetadata> metadata) {
    byte[] record = GroupCodec.encode(g);
    if (record.length > SampleBatchProducer.MAX_KEYED_RECORD_BYTES) {
      return new Outcome(413, "group " + g.key() + " encodes to " + record.length + " bytes, more than the largest group ingest stores ("
          + SampleBatchProducer.MAX_KEYED_RECORD_BYTES + " bytes); split its metrics over several groups");
    }
    try {
      CompletableFuture<Void> ack = producer.sendRecord(topic, g.key().recordKey(g.tenant()), record);
      if (!metadata.isEmpty()) {
        ack = CompletableFuture.allOf(ack, producer.metadata().publish(g.tenant(), metadata));
      }
      ack.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(503, "interrupted while waiting for Kafka; retry");
    } catch (ExecutionException | TimeoutException | IngestRejectedException e) {
      return new Outcome(503, "not acknowledged by Kafka: " + cause(e) + "; retry");
    }
    tenantGroups.put(g.key(), g);
    return null;
  }

  private static String cause(Exception e) {
    Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return c instanceof TimeoutException ? "no answer in time" : c.getMessage();
  }

  private void emitSafely() {
    try {
      emitNow();
    } catch (RuntimeException e) {
      log.error("pushgateway emission failed", e);
    }
  }

  /**
   * Writes every group's series at the current time, stale markers for series gone since the last
   * emission, and deletes expired groups. Returns the number of samples acknowledged. Called by the timer;
   * public for tests and for a final emission on demand.
   */
  public long emitNow() {
    synchronized (emitLock) {
      long now = emissionTime();
      Set<String> tenants = new HashSet<>(groups.keySet());
      tenants.addAll(lastEmitted.keySet());
      long total = 0;
      for (String tenant : tenants) {
        Collection<PushGroup> current = groups(tenant);
        Map<Labels, Double> series = new LinkedHashMap<>();
        for (PushGroup g : current) {
          if (g.expiresAtMs() <= now) {
            doDeleteLater(tenant, g.key());
            continue;
          }
          GroupSeries.forEach(g, (l, v) -> series.putIfAbsent(l, v));
        }
        List<SeriesSamples> out = new ArrayList<>(series.size());
        for (var e : series.entrySet()) {
          out.add(SeriesSamples.of(e.getKey(), now, e.getValue()));
        }
        Set<Labels> previous = lastEmitted.getOrDefault(tenant, Set.of());
        for (Labels l : previous) {
          if (!series.containsKey(l)) {
            out.add(SeriesSamples.of(l, now, StaleMarker.VALUE));
          }
        }
        if (out.isEmpty()) {
          lastEmitted.remove(tenant);
          continue;
        }
        try {
          producer.send(tenant, SOURCE, out).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return total;
        } catch (ExecutionException | TimeoutException | IngestRejectedException e) {
          emissionFailures.inc();
          log.warn("pushgateway: emission for tenant {} not acknowledged by Kafka: {}", tenant, cause(e));
          continue; // keep the previous set, so the next emission still marks what disappeared
        }
        emittedSamples.inc(out.size());
        total += out.size();
        if (series.isEmpty()) {
          lastEmitted.remove(tenant);
        } else {
          lastEmitted.put(tenant, new HashSet<>(series.keySet()));
        }
      }
      return total;
    }
  }

  /** The time of an emission: the clock, but always after the previous emission (one sample per series and time). */
  private long emissionTime() {
    lastEmitMs = Math.max(clock.millis(), lastEmitMs + 1);
    return lastEmitMs;
  }

  /**
   * Writes one changed group's series at once (after its record was acknowledged): {@code after}'s series,
   * and stale markers for {@code before}'s series that {@code after} no longer has (all of them when deleted,
   * {@code after} null). Series are unique across a tenant's groups (the consistency check), so no other
   * group's series is touched. A failure is counted and logged only: the group is stored, and the next
   * periodic emission writes it.
   */
  private void emitGroup(String tenant, PushGroup before, PushGroup after) {
    synchronized (emitLock) {
      Map<Labels, Double> series = new LinkedHashMap<>();
      if (after != null) {
        GroupSeries.forEach(after, (l, v) -> series.putIfAbsent(l, v));
      }
      Set<Labels> previous = lastEmitted.getOrDefault(tenant, Set.of());
      Set<Labels> gone = new HashSet<>();
      if (before != null) {
        GroupSeries.forEach(before, (l, v) -> {
          if (!series.containsKey(l) && previous.contains(l)) {
            gone.add(l);
          }
        });
      }
      if (series.isEmpty() && gone.isEmpty()) {
        return;
      }
      long now = emissionTime();
      List<SeriesSamples> out = new ArrayList<>(series.size() + gone.size());
      series.forEach((l, v) -> out.add(SeriesSamples.of(l, now, v)));
      gone.forEach(l -> out.add(SeriesSamples.of(l, now, StaleMarker.VALUE)));
      try {
        producer.send(tenant, SOURCE, out).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException | IngestRejectedException e) {
        emissionFailures.inc();
        log.warn("pushgateway: emission of group {} not acknowledged by Kafka (the next periodic emission writes it): {}",
            (after != null ? after : before).key(), cause(e));
        return;
      }
      emittedSamples.inc(out.size());
      Set<Labels> emitted = new HashSet<>(previous);
      emitted.removeAll(gone);
      emitted.addAll(series.keySet());
      if (emitted.isEmpty()) {
        lastEmitted.remove(tenant);
      } else {
        lastEmitted.put(tenant, emitted);
      }
    }
  }

  private void doDeleteLater(String tenant, GroupingKey key) {
    try {
      writer.execute(() -> {
        Outcome o = doDelete(tenant, key, true);
        if (o.status() != 202) {
          log.warn("pushgateway: expired group {} not deleted: {}", key, o.message());
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("pushgateway: expired group {} not deleted now (writer queue full); next emission retries", key);
    }
  }

  @Override
  public void close() {
    emitter.shutdownNow();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        writer.shutdownNow();
      }
      emitter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
