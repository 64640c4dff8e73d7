package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class WindowKeyTest {
  private static final byte[] SERIES = {3, 'a', 'b', 'c'};

  @Test
  void roundTrips() {
    for (long start : new long[] {0, 1_767_225_600_000L, -60_000, Long.MAX_VALUE - 1, Long.MIN_VALUE}) {
      byte[] k = WindowKey.encode(start, SERIES);
      assertEquals(start, WindowKey.start(k));
      assertArrayEquals(SERIES, WindowKey.seriesKey(k));
    }
  }

  @Test
  void byteOrderIsStartOrderIncludingNegativeStarts() {
    long[] starts = {-120_000, -60_000, 0, 60_000, 1_767_225_600_000L};
    for (int i = 1; i < starts.length; i++) {
      Bytes a = Bytes.wrap(WindowKey.encode(starts[i - 1], new byte[] {(byte) 0xff, (byte) 0xff}));
      Bytes b = Bytes.wrap(WindowKey.encode(starts[i], new byte[] {0}));
      assertTrue(a.compareTo(b) < 0, starts[i - 1] + " sorts before " + starts[i]);
    }
  }

  @Test
  void upperBoundIncludesEveryKeyOfTheMaxStartAndNothingLater() {
    Bytes bound = Bytes.wrap(WindowKey.upperBound(60_000));
    assertTrue(Bytes.wrap(WindowKey.encode(60_000, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})).compareTo(bound) < 0);
    assertTrue(Bytes.wrap(WindowKey.encode(60_001, new byte[] {0})).compareTo(bound) > 0);
    assertTrue(Bytes.wrap(WindowKey.lowest()).compareTo(Bytes.wrap(WindowKey.encode(Long.MIN_VALUE, new byte[0]))) <= 0);
  }
}
