package io.strata.query.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.simple.SimpleStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.Test;

/** The store API's wire form and how the fan-out merges the copies of one series that several stores hold. */
class FanoutMergeTest {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final Labels L = Labels.of("__name__", "x_total", "job", "a");
  static final Resolution R5M = Resolution.parse("5m");
  static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

  @Test
  void overlappingCopiesAreOneSeriesWithOneSamplePerTimestampTheFirstStoresWinning() throws Exception {
    RemoteSeries a = roundTrip(new long[] {T0, T0 + 15_000, T0 + 30_000}, new double[] {1, 2, 3}, T0, T0 + 30_000);
    RemoteSeries b = roundTrip(new long[] {T0 + 30_000, T0 + 45_000, T0 + 60_000}, new double[] {99, 4, STALE}, T0 + 30_000, T0 + 60_000);
    StoredSeries m = RemoteSeries.merge(a, b).raw(Long.MIN_VALUE, Long.MAX_VALUE);
    SampleColumns c = new SampleColumns(8, false);
    assertEquals(5, m.readSamples(Long.MIN_VALUE, Long.MAX_VALUE, c));
    assertArrayEquals(new long[] {T0, T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_000}, Arrays.copyOf(c.timestamps(), 5));
    assertEquals(3, c.values()[2], "the first store's copy of a timestamp both hold");
    assertEquals(0x7ff0000000000002L, Double.doubleToRawLongBits(c.values()[4]), "a stale marker keeps its bits");
    assertEquals(T0, m.minTime());
    assertEquals(T0 + 60_000, m.maxTime());
    SampleColumns part = new SampleColumns(8, false);
    assertEquals(2, m.readSamples(T0 + 15_000, T0 + 30_000, part), "reads are cut to [from, to]");
  }

  @Test
  void rollupWindowsMergeByStartOnePerWindow() throws Exception {
    RollupPoint w1 = new RollupPoint(T0, 20, 10, 0, 1, 1, 1, T0, 0, T0 + 285_000, 0, 0, 3, true);
    RollupPoint w2 = new RollupPoint(T0 + 300_000, 20, 30, 1, 2, 2, 2, T0 + 300_000, 1, T0 + 585_000, 0, 0, 1, true);
    RollupPoint w3 = new RollupPoint(T0 + 600_000, 20, 50, 2, 3, 3, 3, T0 + 600_000, 2, T0 + 885_000, 0, 0, 1, true);
    RemoteSeries a = roundTrip(w1, w2);
    RemoteSeries b = roundTrip(w2, w3);
    StoredSeries m = RemoteSeries.merge(a, b).rolled(R5M, Long.MIN_VALUE, Long.MAX_VALUE);
    var cur = m.rollups();
    List<RollupPoint> back = new java.util.ArrayList<>();
    while (cur.next()) {
      back.add(cur.point());
    }
    assertEquals(List.of(w1, w2, w3), back, "one window per start, every field as stored");
    assertEquals(T0, m.minTime());
    assertEquals(T0 + 600_000, m.maxTime());
  }

  @Test
  void longSeriesTravelInSeveralChunks() throws Exception {
    int n = StoreWire.SAMPLES_PER_CHUNK * 2 + 5;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = T0 + i * 1000L;
      v[i] = i * 0.1;
    }
    RemoteSeries r = roundTrip(t, v, T0, t[n - 1]);
    SampleColumns c = new SampleColumns(8, false);
    assertEquals(n, r.raw(Long.MIN_VALUE, Long.MAX_VALUE).readSamples(Long.MIN_VALUE, Long.MAX_VALUE, c));
    assertArrayEquals(v, Arrays.copyOf(c.values(), n));
  }

  @Test
  void aCutOffAnswerIsAnErrorNotAShortAnswer() throws Exception {
    byte[] whole = encode(new long[] {T0, T0 + 1000}, new double[] {1, 2}, T0, T0 + 1000);
    byte[] cut = Arrays.copyOf(whole, whole.length - 1); // the end marker is missing
    IOException e = assertThrows(IOException.class, () -> StoreWire.read(new DataInputStream(new ByteArrayInputStream(cut)), x -> { }));
    assertTrue(e.getMessage().contains("cut off"), e.getMessage());
    byte[] html = "<html>".getBytes();
    assertThrows(IOException.class, () -> StoreWire.read(new DataInputStream(new ByteArrayInputStream(html)), x -> { }));
  }

  @Test
  void matchersTravelAsNameOpValue() {
    Fields f = new Fields(true);
    for (LabelMatcher m : List.of(LabelMatcher.eq("job", "a=b"), LabelMatcher.of(LabelMatcher.Type.NEQ, "x", ""),
        LabelMatcher.of(LabelMatcher.Type.RE, "i", "i[0-9]+|!~"), LabelMatcher.of(LabelMatcher.Type.NRE, "__name__", "up"))) {
      f.add("matcher", StoreApi.format(m));
    }
    List<LabelMatcher> back = StoreApi.matchers(f);
    assertEquals(4, back.size());
    assertEquals("a=b", back.get(0).value());
    assertEquals(LabelMatcher.Type.NEQ, back.get(1).type());
    assertEquals("", back.get(1).value());
    assertEquals("i[0-9]+|!~", back.get(2).value());
    assertEquals(LabelMatcher.Type.NRE, back.get(3).type());
    for (String bad : List.of("job", "1job=a", "job~a", "job=~(")) {
      Fields b = new Fields(true);
      b.add("matcher", bad);
      assertThrows(IllegalArgumentException.class, () -> StoreApi.matchers(b), bad);
    }
  }

  /** The samples through a store, the store API's writer and its reader. */
  private static RemoteSeries roundTrip(long[] t, double[] v, long minT, long maxT) throws IOException {
    return read(encode(t, v, minT, maxT));
  }

  /** The windows through a store, the store API's writer and its reader. */
  private static RemoteSeries roundTrip(RollupPoint... windows) throws IOException {
    try (SimpleStore store = new SimpleStore(Files.createTempDirectory("strata-wire"))) {
      for (RollupPoint w : windows) {
        store.appendRollup("default", L, R5M, w);
      }
      return read(write(store.select("default", R5M, Long.MIN_VALUE, Long.MAX_VALUE, List.of()), false, Long.MIN_VALUE, Long.MAX_VALUE));
    }
  }

  private static RemoteSeries read(byte[] answer) throws IOException {
    List<RemoteSeries> s = new java.util.ArrayList<>();
    StoreWire.read(new DataInputStream(new ByteArrayInputStream(answer)), w -> s.add(new RemoteSeries(w)));
    assertEquals(1, s.size());
    assertEquals(L, s.get(0).labels());
    return s.get(0);
  }

  private static byte[] encode(long[] t, double[] v, long minT, long maxT) throws IOException {
    try (SimpleStore store = new SimpleStore(Files.createTempDirectory("strata-wire"))) {
      for (int i = 0; i < t.length; i++) {
        store.append("default", L, t[i], v[i]);
      }
      return write(store.select("default", Resolution.RAW, minT, maxT, List.of()), true, minT, maxT);
    }
  }

  private static byte[] write(List<StoredSeries> sel, boolean raw, long minT, long maxT) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    StoreWire.writeMagic(out);
    for (StoredSeries s : sel) {
      StoreWire.Part p = StoreWire.part(s, raw, minT, maxT);
      StoreWire.writeSeries(out, s.labels(), raw ? p : StoreWire.Part.NONE, raw ? StoreWire.Part.NONE : p);
    }
    StoreWire.writeEnd(out);
    out.flush();
    return bytes.toByteArray();
  }
}
