package io.strata.query.eval;

import io.strata.promql.Durations;
import io.strata.tsdb.Resolution;
import java.util.List;

/**
 * Thanos's {@code max_source_resolution}: the coarsest stored resolution a query may read. The value is
 * {@code raw} (or {@code 0s}), a duration ({@code 5m}, {@code 1h}, or seconds), or {@code auto}: step / 5,
 * so that a point of the result spans at least five source points. The query reads the coarsest
 * configured rollup resolution that is not coarser than that bound, else raw samples.
 */
public final class SourceResolution {
  /** Thanos's auto-downsampling divisor: max_source_resolution = step / 5. */
  public static final long AUTO_DIVISOR = 5;

  private SourceResolution() {}

  /**
   * The bound in milliseconds (0 = raw only).
   *
   * @throws IllegalArgumentException with the reason, when the value is not raw, auto or a duration >= 0
   */
  public static long maxMillis(String value, long stepMs) {
    String v = value.trim();
    if (v.equals("auto")) {
      return stepMs / AUTO_DIVISOR;
    }
    if (v.equals("raw")) {
      return 0;
    }
    long ms;
    try {
      ms = Math.round(Double.parseDouble(v) * 1000);
    } catch (NumberFormatException e) {
      try {
        ms = Durations.parse(v);
      } catch (RuntimeException e2) {
        throw new IllegalArgumentException("cannot parse \"" + value + "\" to a valid duration; use raw, auto, 5m, 1h or seconds");
      }
    }
    if (ms < 0) {
      throw new IllegalArgumentException("negative max_source_resolution is not accepted. Try a positive integer");
    }
    return ms;
  }

  /** The coarsest of {@code available} not coarser than {@code maxMillis}, else {@link Resolution#RAW}. */
  public static Resolution choose(long maxMillis, List<Resolution> available) {
    Resolution best = Resolution.RAW;
    for (Resolution r : available) {
      if (!r.isRaw() && r.millis() <= maxMillis && r.millis() > best.millis()) {
        best = r;
      }
    }
    return best;
  }
}
