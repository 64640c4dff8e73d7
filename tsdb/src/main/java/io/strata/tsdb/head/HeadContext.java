package io.strata.tsdb.head;

/**
 * What every series head needs to know of the store: block length (chunks never cross a block
 * boundary), the out-of-order window, the chunk length, and where to look for persisted samples.
 */
public record HeadContext(long blockMillis, long outOfOrderWindowMillis, int chunkSamples, PersistedLookup lookup) {
  /** First byte-buffer size of a head chunk: 120 counter samples at ~1.4 B each fit without growing. */
  public static final int INITIAL_CHUNK_BYTES = 192;

  public long blockEnd(long t) {
    return (Math.floorDiv(t, blockMillis) + 1) * blockMillis;
  }
}
