package io.strata.query.eval;

import io.strata.promql.storage.StorageException;
import io.strata.tsdb.StoredSeries;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Function;
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
    try {
      READERS.submit(() -> IntStream.range(0, n).parallel().forEach(i -> out[i] = read.apply(series.get(i)))).get();
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
    return (List<R>) Arrays.asList(out);
  }
}
