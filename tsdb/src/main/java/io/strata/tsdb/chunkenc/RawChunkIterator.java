package io.strata.tsdb.chunkenc;

/**
 * Iterates the samples of a raw chunk of either encoding ({@link ChunkEncoding#XOR} from the head,
 * {@link ChunkEncoding#DECIMAL} from compaction). Reusable, allocation-free once warmed up.
 */
public final class RawChunkIterator {
  private final XorIterator xor = new XorIterator();
  private DecimalIterator dec;
  private boolean decimal;

  /** Positions on a chunk; an encoding that holds no raw samples is reported as damaged. */
  public RawChunkIterator reset(int encoding, byte[] chunk) {
    decimal = encoding == ChunkEncoding.DECIMAL;
    if (decimal) {
      if (dec == null) {
        dec = new DecimalIterator();
      }
      dec.reset(chunk);
    } else if (encoding == ChunkEncoding.XOR) {
      xor.reset(chunk);
    } else {
      xor.reset(chunk, 0, 0); // no samples, damaged
    }
    return this;
  }

  public boolean next() {
    return decimal ? dec.next() : xor.next();
  }

  public long t() {
    return decimal ? dec.t() : xor.t();
  }

  public double v() {
    return decimal ? dec.v() : xor.v();
  }

  public long bits() {
    return decimal ? dec.bits() : xor.bits();
  }

  public boolean damaged() {
    return decimal ? dec.damaged() : xor.damaged();
  }
}
