package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.AppendResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sink tasks append and commit while queries and compaction run: no sample is lost, none read twice, none out of order. */
class ConcurrencyTest {
  @TempDir Path dir;

  @Test
  void appendsCommitsCompactionsAndSelectsRunTogether() throws Exception {
    int tasks = 3;
    int seriesPerTask = 20;
    int steps = 2000; // 8 h at 15 s: two 4 h groups to compact
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    try (StrataStore s = StrataStore.open(config(dir).withBackgroundCompaction(true), new PrometheusRegistry())) {
      List<Thread> writers = new ArrayList<>();
      for (int task = 0; task < tasks; task++) {
        int id = task;
        writers.add(new Thread(() -> {
          try {
            for (int step = 0; step < steps; step++) {
              for (int k = 0; k < seriesPerTask; k++) {
                AppendResult r = s.append("t", counter("c", "task", Integer.toString(id), "k", Integer.toString(k)), T0 + step * 15_000L, step);
                if (r != AppendResult.APPENDED) {
                  throw new AssertionError("append " + step + " of task " + id + ": " + r);
                }
              }
              if (step % 100 == 99) {
                s.commit(Map.of("p/" + id, (long) step));
              }
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        }));
      }
      Thread reader = new Thread(() -> {
        try {
          while (!done.get()) {
            for (var e : readRaw(s, "t", MIN, MAX).values()) {
              // cursors check order and uniqueness; values equal the step of their timestamp
              for (var sample : e.entrySet()) {
                assertEquals((double) ((sample.getKey() - T0) / 15_000L), Double.longBitsToDouble(sample.getValue()));
              }
            }
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      writers.forEach(Thread::start);
      reader.start();
      for (Thread w : writers) {
        w.join();
      }
      done.set(true);
      reader.join();
      assertTrue(errors.isEmpty(), () -> errors.peek().toString());
      s.commit(Map.of());
      s.flush();
      var all = readRaw(s, "t", MIN, MAX);
      assertEquals(tasks * seriesPerTask, all.size());
      for (var e : all.values()) {
        assertEquals(steps, e.size());
      }
    }
  }
}
