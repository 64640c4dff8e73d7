package io.strata.tsdb.engine;

import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.DecimalIterator;
import io.strata.tsdb.chunkenc.XorIterator;
import io.strata.tsdb.format.ChunkRecord;

/**
 * Decodes raw chunks straight into {@link SampleColumns}: one tight loop per encoding, no cursor and no
 * merge in between (the bulk read's path when a series' chunks do not overlap). Reusable for the chunks of
 * one read; not thread-safe.
 */
final class RawDecode {
  private final XorIterator xor = new XorIterator();
  private DecimalIterator dec;

  /**
   * Appends the chunk's samples with timestamps in [lo, hi] to {@code out}. Returns false when the chunk is
   * damaged (it ended before its sample count, or names no raw encoding); the samples before the damage are kept.
   */
  boolean into(ChunkRecord c, long lo, long hi, SampleColumns out) {
    out.ensure(c.count());
    long[] t = out.timestamps();
    double[] v = out.values();
    double[] counts = out.counts();
    int n = out.size();
    boolean damaged;
    boolean ended = true;
    if (c.encoding() == ChunkEncoding.XOR) {
      XorIterator it = xor.reset(c.data());
      while (it.next()) {
        long ts = it.t();
        if (ts < lo) {
          continue;
        }
        if (ts > hi) {
          ended = false;
          break;
        }
        t[n] = ts;
        v[n] = it.v();
        n++;
      }
      damaged = ended && it.damaged();
    } else if (c.encoding() == ChunkEncoding.DECIMAL) {
      if (dec == null) {
        dec = new DecimalIterator();
      }
      DecimalIterator it = dec.reset(c.data());
      while (it.next()) {
        long ts = it.t();
        if (ts < lo) {
          continue;
        }
        if (ts > hi) {
          break;
        }
        t[n] = ts;
        v[n] = it.v();
        n++;
      }
      damaged = it.damaged();
    } else {
      damaged = true;
    }
    if (counts != null) {
      java.util.Arrays.fill(counts, out.size(), n, 1);
    }
    out.setSize(n);
    return !damaged;
  }
}
