package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.strata.tsdb.WindowColumns;
import java.util.Arrays;

/**
 * Jazzer target for the chunk decoders (issue 17 item 5): any bytes read from a chunk file decode to at
 * most the samples or windows the chunk's header declares, or stop and report {@link
 * RawChunkIterator#damaged()}, never an exception (no out-of-bounds read on a torn or corrupt chunk). The
 * input's first byte is the encoding as the chunk index stores it ({@link ChunkEncoding}; other values
 * must be refused as damaged), the rest is the chunk. Every decoder of that encoding reads it: the raw
 * iterators (XOR, decimal), the window iterator and the column decoder (interleaved, columns, exact),
 * over the whole chunk and over a time range inside it. Runs on the committed corpus
 * ({@code ChunkDecodersFuzzTestInputs/}) in every build; {@code -Pfuzz} fuzzes it.
 */
class ChunkDecodersFuzzTest {
  private final RawChunkIterator raw = new RawChunkIterator();
  private final RollupIterator windows = new RollupIterator();
  private final RollupColumnDecoder columns = new RollupColumnDecoder();
  private final WindowColumns out = new WindowColumns(0);

  @FuzzTest(maxDuration = "60s")
  void decodesOrReportsDamage(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int encoding = input[0] & 0xFF;
    byte[] chunk = Arrays.copyOfRange(input, 1, input.length);
    int declared = chunk.length >= ChunkEncoding.HEADER_BYTES ? ChunkEncoding.count(chunk, 0) : 0;

    raw.reset(encoding, chunk);
    int samples = 0;
    while (raw.next()) {
      raw.t();
      raw.v();
      samples++;
      assertTrue(samples <= declared, () -> "more samples than the header's " + declared);
    }
    raw.damaged();

    windows.reset(encoding, chunk);
    int n = 0;
    while (windows.next()) {
      windows.point();
      n++;
      assertTrue(n <= declared, () -> "more windows than the header's " + declared);
    }
    windows.damaged();

    out.truncate(0);
    int all = columns.decodeWindows(encoding, chunk, Long.MIN_VALUE, Long.MAX_VALUE, out);
    assertTrue(all <= declared && all == out.size(), () -> all + " windows decoded, header says " + declared);
    long mint = all > 0 ? out.starts()[all / 2] : 0;
    long maxt = all > 0 ? out.starts()[all - 1] : 0;
    out.truncate(0);
    columns.decodeWindows(encoding, chunk, mint, maxt, out);

    long[] t = new long[1 + declared];
    double[] v = new double[1 + declared];
    double[] counts = new double[1 + declared];
    for (RollupField f : RollupField.values()) {
      int got = columns.decode(encoding, chunk, f, Long.MIN_VALUE, Long.MAX_VALUE, t, v, f == RollupField.SUM ? counts : null, 1);
      assertTrue(got <= declared, () -> got + " values of " + f + " decoded, header says " + declared);
      columns.decode(encoding, chunk, f, mint, maxt, t, v, null, 1);
      columns.damaged();
    }
  }
}
