package io.strata.promql.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStorageTest {
  private static final Labels A = Labels.of("__name__", "x", "job", "a");
  private static final Labels B = Labels.of("__name__", "x", "job", "b");

  private static List<SeriesData> all(InMemoryStorage s) {
    return s.select(new SelectHints(Long.MIN_VALUE, Long.MAX_VALUE, 0, "", 0), List.of(LabelMatcher.eq("__name__", "x")));
  }

  @Test
  void addAllHoldsWhatAddingEachSampleHolds() {
    InMemoryStorage each = new InMemoryStorage();
    InMemoryStorage bulk = new InMemoryStorage();
    long[] ts = {1000, 2000, 2000, 1500};
    double[] vs = {1, 2, 3, 4};
    for (int i = 0; i < ts.length; i++) {
      each.add(A, ts[i], vs[i]);
    }
    each.add(B, 5, 6);
    bulk.addAll(A, ts, vs).addAll(B, new long[] {5}, new double[] {6}).addAll(Labels.of("__name__", "x", "job", "empty"), new long[0], new double[0]);
    assertEquals(2, bulk.seriesCount(), "a series without samples is not added");
    List<SeriesData> e = all(each);
    List<SeriesData> b = all(bulk);
    assertEquals(e.size(), b.size());
    for (int i = 0; i < e.size(); i++) {
      assertEquals(e.get(i).labels(), b.get(i).labels());
      assertArrayEquals(e.get(i).timestamps(), b.get(i).timestamps());
      assertArrayEquals(e.get(i).values(), b.get(i).values());
    }
    assertArrayEquals(new long[] {1000, 1500, 2000}, b.get(0).timestamps(), "sorted, the last write of a timestamp winning");
    assertArrayEquals(new double[] {1, 4, 3}, b.get(0).values());
  }
}
