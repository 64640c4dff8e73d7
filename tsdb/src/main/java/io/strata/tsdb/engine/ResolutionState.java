package io.strata.tsdb.engine;

import java.util.concurrent.atomic.AtomicLong;

/** Per resolution: its name, retention and the newest timestamp ever appended (the store's clock for it). */
final class ResolutionState {
  final long millis;
  final String name;
  final long retentionMillis;
  final AtomicLong maxT = new AtomicLong(Long.MIN_VALUE);

  ResolutionState(long millis, String name, long retentionMillis) {
    this.millis = millis;
    this.name = name;
    this.retentionMillis = retentionMillis;
  }

  /** Raises maxT to t; a plain read first so the common case (t not newer) writes nothing. */
  void observe(long t) {
    long cur = maxT.get();
    while (t > cur && !maxT.compareAndSet(cur, t)) {
      cur = maxT.get();
    }
  }

  static String nameOf(long millis) {
    if (millis == 0) {
      return "raw";
    }
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
