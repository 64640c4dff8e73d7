package io.strata.schemas.model;

/** Prometheus's stale marker: a NaN with a fixed bit pattern, distinct from an ordinary NaN. */
public final class StaleMarker {
  private StaleMarker() {}

  public static final long BITS = 0x7ff0000000000002L;
  public static final double VALUE = Double.longBitsToDouble(BITS);

  public static boolean isStale(double v) {
    return Double.doubleToRawLongBits(v) == BITS;
  }
}
