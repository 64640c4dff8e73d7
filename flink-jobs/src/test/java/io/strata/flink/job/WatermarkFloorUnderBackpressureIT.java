package io.strata.flink.job;

import static io.strata.flink.TestSeries.SECOND;
import static io.strata.flink.TestSeries.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.flink.AlertRuleSettings;
import io.strata.flink.CountingMetrics;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.RuleSamples;
import io.strata.flink.model.SeriesSamples;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * The wall-clock floor under backpressure, on a local MiniCluster with the job's real wiring: the samples
 * source holds a backlog far behind the wall clock, and the evaluator's task stalls twice for longer than
 * {@code wall-clock-delay} (its sink blocks), so the source is backpressured and emits nothing for that long.
 * A partition with unread records is not quiet: event time must follow the samples, and no sample may arrive
 * behind the watermark. (With the floor measured on the wall clock, the first stall moved event time to the
 * wall clock and every later sample was counted late.)
 */
class WatermarkFloorUnderBackpressureIT {
  static final int BATCHES = 60;
  static final int SERIES = 20;
  static final long STALL_MS = 5_000;
  /** Sink writes after which the evaluator's task blocks for {@link #STALL_MS}. */
  static final long[] STALL_AFTER = {8, 20};
  /** The wall clock: an hour after the backlog's newest sample. */
  static final long NOW = T0 + BATCHES * 15 * SECOND + 3_600 * SECOND;
  static final AtomicLong SINK_WRITES = new AtomicLong();

  @Test
  void aBacklogBehindABusyEvaluatorIsNotOvertakenByTheFloor() throws Exception {
    CountingMetrics metrics = new CountingMetrics();
    String hook = "backpressure-" + UUID.randomUUID();
    MetricsHooks.register(hook, metrics);
    SINK_WRITES.set(0);
    List<GroupSpec> files = Groups.file("default", "rules.yml", """
        groups:
          - name: g
            interval: 15s
            rules:
              - record: x:sum
                expr: sum(x)
        """);
    AlertRuleSettings settings = AlertRuleSettings.defaults()
        // 3 s, not less: after the backlog the source emits an empty batch every 20 ms, and a loaded machine
        // (the full suite) can starve it for a second, which would rightly count as a quiet partition
        .withWallClockDelay(Duration.ofMillis(3_000))
        .withMaxEvaluationAge(Duration.ZERO)
        .withSpreadEvaluations(false)
        .withEvaluationInterval(Duration.ofSeconds(15));
    Configuration conf = new Configuration();
    // small network buffers: a stalled evaluator backpressures the source after a few batches
    conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("4kb"));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    SampleWatermarks.Clock wallClock = () -> NOW;
    new RuleJob(files, settings, 1, hook, wallClock, null,
        new DataGeneratorSource<>(WatermarkFloorUnderBackpressureIT::backlog, Long.MAX_VALUE, TypeInformation.of(DecodedBatch.class)),
        new DataGeneratorSource<>(i -> GroupSpec.started(), 0, TypeInformation.of(GroupSpec.class)),
        new DiscardingSink<>(), new StallingSink(), new DiscardingSink<>(), new DiscardingSink<>())
        .build(env);
    JobClient job = env.executeAsync("backpressure");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // the last batch's watermark (its time - 10 s) lets the evaluator reach the grid time before it
      while (metrics.evaluations.get() < BATCHES - 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      job.cancel().get();
      MetricsHooks.unregister(hook);
    }
    assertTrue(SINK_WRITES.get() > STALL_AFTER[1], "the evaluator stalled twice: " + SINK_WRITES.get() + " writes");
    assertEquals(0, metrics.late.get(), "samples counted late");
    assertEquals((long) BATCHES * SERIES, metrics.routed.get(), "every sample reached the group");
    // every grid time of the backlog was evaluated; once the backlog is read the partition is caught up, and the
    // floor may then (rightly) carry evaluations on towards the wall clock before the test cancels the job
    assertTrue(metrics.evaluations.get() >= BATCHES - 1, "one evaluation per grid time of the backlog: " + metrics.evaluations.get());
  }

  /** Batch i: {@link #SERIES} series at T0 + i x 15 s; after the backlog, an empty batch every 20 ms. */
  static DecodedBatch backlog(long i) throws InterruptedException {
    DecodedBatch b = new DecodedBatch();
    b.tenant = "default";
    b.source = "scrape";
    if (i >= BATCHES) {
      Thread.sleep(20);
      b.series = new SeriesSamples[0];
      b.maxTimestampMs = Long.MIN_VALUE;
      return b;
    }
    long t = T0 + i * 15 * SECOND;
    b.series = new SeriesSamples[SERIES];
    for (int s = 0; s < SERIES; s++) {
      // a long label: each batch fills a few network buffers
      b.series[s] = new SeriesSamples(new String[] {"__name__", "x", "instance", "host-" + s + "-" + "p".repeat(200)},
          new long[] {t}, new double[] {i});
    }
    b.maxTimestampMs = t;
    return b;
  }

  /** The rule samples sink: blocks the evaluator's task for {@link #STALL_MS} after some writes. */
  static final class StallingSink implements Sink<RuleSamples> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<RuleSamples> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(RuleSamples element, Context context) throws InterruptedException {
          long n = SINK_WRITES.incrementAndGet();
          for (long at : STALL_AFTER) {
            if (n == at) {
              Thread.sleep(STALL_MS);
            }
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
