package io.strata.streams.rollup;

import static io.strata.streams.rollup.SeriesState.Outcome.APPENDED;
import static io.strata.streams.rollup.SeriesState.Outcome.CONFLICTING_VALUE;
import static io.strata.streams.rollup.SeriesState.Outcome.DUPLICATE;
import static io.strata.streams.rollup.SeriesState.Outcome.TOO_OLD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesStateTest {
  static final long WINDOW = 600_000; // 10m
  static final long[] COARSER = {300_000, 3_600_000};

  static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  @Test
  void theTsdbRuleNewerAppendsSameTimestampIsDuplicateOrConflictOlderThanTheWindowIsTooOld() {
    SeriesState s = new SeriesState(COARSER);
    assertEquals(APPENDED, s.offer(1_000_000, bits(1), WINDOW));
    assertEquals(APPENDED, s.offer(2_000_000, bits(2), WINDOW), "newer than maxT");
    assertEquals(2_000_000, s.maxT());
    assertEquals(DUPLICATE, s.offer(2_000_000, bits(2), WINDOW));
    assertEquals(CONFLICTING_VALUE, s.offer(2_000_000, bits(3), WINDOW), "the first value stays");
    assertEquals(APPENDED, s.offer(1_400_000, bits(5), WINDOW), "exactly maxT - window is inside the window");
    assertEquals(TOO_OLD, s.offer(1_399_999, bits(5), WINDOW));
    assertEquals(DUPLICATE, s.offer(1_000_000, bits(1), WINDOW), "a stored sample is found before the age check");
    assertEquals(2_000_000, s.maxT(), "out-of-order appends do not move maxT");
    assertEquals(3, s.size());
  }

  @Test
  void aStaleMarkerIsASampleAndItsBitsDifferFromAnOrdinaryNan() {
    SeriesState s = new SeriesState(COARSER);
    assertEquals(APPENDED, s.offer(10, StaleMarker.BITS, WINDOW));
    assertEquals(10, s.maxT(), "a stale marker moves maxT");
    assertEquals(CONFLICTING_VALUE, s.offer(10, bits(Double.NaN), WINDOW));
    assertEquals(DUPLICATE, s.offer(10, StaleMarker.BITS, WINDOW));
  }

  @Test
  void samplesStaySortedWhateverTheArrivalOrder() {
    SeriesState s = new SeriesState(COARSER);
    long[] order = {500, 100, 300, 200, 400, 600, 50};
    for (long t : order) {
      assertEquals(APPENDED, s.offer(t, bits(t), WINDOW));
    }
    for (int i = 1; i < s.size(); i++) {
      assertTrue(s.timestamp(i - 1) < s.timestamp(i));
    }
  }

  @Test
  void encodingRoundTripsSamplesAndOpenCoarserWindows() {
    SeriesState s = new SeriesState(COARSER);
    for (int i = 0; i < 40; i++) {
      s.offer(i * 15_000L, bits(i % 7), WINDOW);
    }
    s.offer(5, StaleMarker.BITS, WINDOW);
    s.open(1, 0);
    s.partial(1).add(3, 4);
    byte[] encoded = s.encode();
    SeriesState back = new SeriesState(COARSER).decode(encoded);
    assertArrayEquals(encoded, back.encode());
    assertEquals(s.maxT(), back.maxT());
    assertEquals(41, back.size());
    assertTrue(back.isOpen(1) && !back.isOpen(0));
    assertEquals(4.0, back.partial(1).last());
    assertEquals(SeriesState.NO_SAMPLES, new SeriesState(COARSER).decode(null).maxT(), "no stored value: a new series");
  }

  @Test
  void aStoredValueOfAnotherVersionLengthOrResolutionListIsRejected() {
    byte[] good = new SeriesState(COARSER).encode();
    byte[] otherVersion = good.clone();
    otherVersion[0] = 1;
    assertTrue(assertThrows(IllegalStateException.class, () -> new SeriesState(COARSER).decode(otherVersion))
        .getMessage().contains("version 1"));
    assertThrows(IllegalStateException.class, () -> new SeriesState(COARSER).decode(java.util.Arrays.copyOf(good, good.length - 1)));
    assertTrue(assertThrows(IllegalStateException.class, () -> new SeriesState(new long[] {300_000}).decode(good))
        .getMessage().contains("streams.application.id"));
  }

  /** The closer: what windows come out, and when, for one series. */
  @Test
  void windowsCloseOnlyWhenMaxTIsAWindowPastTheirEndAndCascadeInStartOrder() {
    SeriesState s = new SeriesState(COARSER);
    WindowCloser closer = new WindowCloser(60_000, WINDOW);
    List<String> out = new ArrayList<>();
    WindowCloser.Emitter e = (level, start, agg) -> out.add(level + "@" + start / 1000 + "=" + agg.count());
    for (long t = 0; t < 300_000; t += 15_000) {
      s.offer(t, bits(1), WINDOW);
    }
    s.offer(659_999, bits(1), WINDOW);
    closer.close(s, e);
    assertEquals(List.of(), out, "[0, 60s) is final only when maxT >= 60s + 10m");
    s.offer(660_000, bits(1), WINDOW);
    closer.close(s, e);
    assertEquals(List.of("0@0=4"), out);
    out.clear();
    s.offer(900_000, bits(1), WINDOW);
    closer.close(s, e);
    assertEquals(List.of("0@60=4", "0@120=4", "0@180=4", "0@240=4", "1@0=20"), out,
        "the 5m window in the same pass as its last minute");
    assertEquals(TOO_OLD, s.offer(30_000, bits(1), WINDOW), "a re-sent sample of an emitted window");
    assertEquals(3, s.size(), "659.999s, 660s and 900s stay: their windows are open");
  }
}
