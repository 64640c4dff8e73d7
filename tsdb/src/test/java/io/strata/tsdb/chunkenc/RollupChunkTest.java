package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.head.RollupHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupChunkTest {
  @Test
  void windowsRoundTripWithEveryCountBucketAndSpecialValues() {
    Random r = new Random(3);
    List<RollupPoint> in = new ArrayList<>();
    long t = 1_767_225_600_000L;
    long[] counts = {4, 4, 5, 0, 70_000, 70_001, 3, Long.MAX_VALUE, 1};
    for (long c : counts) {
      t += 60_000;
      in.add(new RollupPoint(t, c, r.nextGaussian(), -1, Double.POSITIVE_INFINITY, StaleMarker.VALUE, r.nextDouble() * 1e9));
    }
    RollupAppender a = new RollupAppender(8);
    for (RollupPoint p : in) {
      a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    RollupIterator it = new RollupIterator().reset(a.toBytes());
    for (RollupPoint p : in) {
      assertTrue(it.next());
      RollupPoint got = it.point();
      assertTrue(p.sameBits(got), "expected " + p + " got " + got);
      assertTrue(StaleMarker.isStale(got.last()));
    }
    assertFalse(it.next());
    assertFalse(it.damaged());
    assertEquals(in.size(), ChunkEncoding.count(a.toBytes(), 0));
  }
}
