package io.strata.query.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Matrix;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReplicaDedupTest {
  private static final Labels A = Labels.of("__name__", "up", "job", "node", "replica", "a");
  private static final Labels B = Labels.of("__name__", "up", "job", "node", "replica", "b");
  private static final Labels C = Labels.of("__name__", "up", "job", "node", "replica", "c");
  private static final Labels DEDUPED = Labels.of("__name__", "up", "job", "node");
  private static final SelectHints ALL = new SelectHints(0, 10_000_000, 0, "", 0);
  private static final List<LabelMatcher> UP = List.of(LabelMatcher.eq("__name__", "up"));

  private static InMemoryStorage store(Object... labelsAndTimes) {
    InMemoryStorage s = new InMemoryStorage();
    for (int i = 0; i < labelsAndTimes.length; i += 2) {
      for (long t : (long[]) labelsAndTimes[i + 1]) {
        s.add((Labels) labelsAndTimes[i], t, t / 1000.0);
      }
    }
    return s;
  }

  private static long[] every(long start, long step, long end) {
    return LongStream.iterate(start, t -> t <= end, t -> t + step).toArray();
  }

  private static SeriesData only(List<SeriesData> got) {
    assertEquals(1, got.size(), got.toString());
    return got.get(0);
  }

  private static long[] times(SeriesData s) {
    return Arrays.copyOf(s.timestamps(), s.size());
  }

  @Test
  void replicasScrapingInStepAreOneSeriesWithoutTheReplicaLabel() {
    long[] ts = every(0, 15_000, 600_000);
    SeriesData s = only(new ReplicaDedup(store(A, ts, B, ts), Set.of("replica")).select(ALL, UP));
    assertEquals(DEDUPED, s.labels());
    assertArrayEquals(ts, times(s));
  }

  @Test
  void replicasAtOtherPhasesDoNotDoubleTheSampleRate() {
    long[] a = every(0, 15_000, 600_000);
    long[] b = every(7_000, 15_000, 600_000);
    SeriesData s = only(new ReplicaDedup(store(A, a, B, b), Set.of("replica")).select(ALL, UP));
    long[] got = times(s);
    for (int i = 1; i < got.length; i++) {
      assertEquals(true, got[i] - got[i - 1] >= 7_000, "samples " + got[i - 1] + " and " + got[i] + " too close: " + Arrays.toString(got));
    }
    // one switch at the start (b's 7 s is earlier than a's 15 s), then b alone: 41 samples, as each replica has
    assertEquals(41, got.length, Arrays.toString(got));
  }

  @Test
  void aGapInOneReplicaIsFilledFromTheOther() {
    long[] a = LongStream.concat(LongStream.of(every(0, 15_000, 120_000)), LongStream.of(every(600_000, 15_000, 900_000))).toArray();
    long[] b = every(1_000, 15_000, 900_000);
    SeriesData s = only(new ReplicaDedup(store(A, a, B, b), Set.of("replica")).select(ALL, UP));
    long[] got = times(s);
    long maxGap = 0;
    int inGap = 0;
    for (int i = 1; i < got.length; i++) {
      maxGap = Math.max(maxGap, got[i] - got[i - 1]);
      if (got[i] > 120_000 && got[i] < 600_000) {
        inGap++;
      }
    }
    // b is read again 2 x 15 s after a's last sample (the penalty), then fills a's gap
    assertEquals(31_000, maxGap, Arrays.toString(got));
    assertEquals(30, inGap, Arrays.toString(got)); // 151 s, 166 s, ... 586 s
    assertEquals(true, got.length <= 61, "no more samples than one replica has: " + got.length);
  }

  @Test
  void threeReplicasAndUnreplicatedSeries() {
    Labels other = Labels.of("__name__", "up", "job", "push");
    long[] ts = every(0, 15_000, 300_000);
    List<SeriesData> got = new ReplicaDedup(store(C, ts, A, ts, B, ts, other, ts), Set.of("replica")).select(ALL, UP);
    assertEquals(2, got.size());
    for (SeriesData s : got) {
      assertArrayEquals(ts, times(s));
    }
    assertEquals(Set.of(DEDUPED, other), Set.of(got.get(0).labels(), got.get(1).labels()));
  }

  @Test
  void sumOverDeduplicatedReplicasCountsEachTargetOnce() {
    long[] ts = every(0, 15_000, 600_000);
    InMemoryStorage s = store(A, ts, B, every(3_000, 15_000, 600_000));
    Matrix raw = new Engine().rangeQuery(s, "count(up)", 300_000, 600_000, 60_000);
    Matrix deduped = new Engine().rangeQuery(new ReplicaDedup(s, Set.of("replica")), "count(up)", 300_000, 600_000, 60_000);
    assertEquals(2.0, raw.series().get(0).values()[0]);
    assertEquals(1.0, deduped.series().get(0).values()[0]);
  }
}
