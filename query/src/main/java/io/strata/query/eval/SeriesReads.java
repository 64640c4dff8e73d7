package io.strata.query.eval;

import io.strata.promql.storage.StorageException;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Reads the series of one select on all cores: decoding is per series and independent, and on a query over
 * thousands of series it is most of the work. A small select is read on the calling thread. One pool of
 * daemon threads ({@code strata-query-read-N}, as many as cores) serves every query of the process.
 */
final class SeriesReads {
  /** Below this many series the hand-off costs more than it saves. */
  static final int PARALLEL_FROM = 32;

  private static final ForkJoinPool READERS = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()), pool -> {
    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
    t.setName("strata-query-read-" + t.getPoolIndex());
    t.setDaemon(true);
    return t;
  }, null, false);

  private SeriesReads() {}

  /** Tasks per reading thread in {@link #inTasks}: a few, so a thread that finishes early takes another share. */
  static final int TASKS_PER_THREAD = 4;

  /** Fewest series per task in {@link #inTasks}: half of {@link #PARALLEL_FROM}, so a parallel read has two tasks. */
  static final int MIN_PER_TASK = PARALLEL_FROM / 2;

  /** {@code read} applied to every series, results in the series' order (null where it returned null). */
  @SuppressWarnings("unchecked")
  static <R> List<R> each(List<StoredSeries> series, Function<StoredSeries, R> read) {
    int n = series.size();
    Object[] out = new Object[n];
    if (n < PARALLEL_FROM) {
      for (int i = 0; i < n; i++) {
        out[i] = read.apply(series.get(i));
      }
      return (List<R>) Arrays.asList(out);
    }
    run(() -> IntStream.range(0, n).parallel().forEach(i -> out[i] = read.apply(series.get(i))));
    return (List<R>) Arrays.asList(out);
  }

  /**
   * The items split into contiguous shares, each handled by one task with its own function from
   * {@code perTask} (so a function may keep scratch buffers and counters without locking); the non-null
   * results in the items' order. Under {@link #PARALLEL_FROM} items, one task on the calling thread.
   */
  static <T, R> List<R> inTasks(List<T> items, Supplier<? extends Function<T, ? extends R>> perTask) {
    int n = items.size();
    int tasks = n < PARALLEL_FROM ? 1 : Math.min(n / MIN_PER_TASK, READERS.getParallelism() * TASKS_PER_THREAD);
    Object[] out = new Object[n];
    Runnable all = () -> IntStream.range(0, tasks).parallel().forEach(task -> {
      Function<T, ? extends R> f = perTask.get();
      long from = (long) n * task / tasks;
      long to = (long) n * (task + 1) / tasks;
      for (int i = (int) from; i < to; i++) {
        out[i] = f.apply(items.get(i));
      }
    });
    if (tasks == 1) {
      all.run();
    } else {
      run(all);
    }
    List<R> kept = new ArrayList<>(n);
    for (Object o : out) {
      if (o != null) {
        @SuppressWarnings("unchecked")
        R r = (R) o;
        kept.add(r);
      }
    }
    return kept;
  }

  /** Runs {@code work} on the reading pool and waits; its exceptions are thrown here. */
  private static void run(Runnable work) {
    try {
      READERS.submit(work).get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new StorageException("reading series failed: " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while reading series", e);
    }
  }
}
