package io.strata.query.store;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.engine.ChunkSeries;
import io.strata.tsdb.format.ChunkRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One series of remote selections, held on the query node as the chunks the stores sent (raw and, for a rollup
 * read, rollup ones), decoded only when the engine reads it ({@link ChunkSeries}). {@link #merge} joins the copies
 * of one series that several stores hold (a partition that moved between sink workers, or two stores that both got
 * it) without decoding: the chunks of both, read merged, one point per timestamp.
 */
final class RemoteSeries {
  private static final Comparator<ChunkRecord> BY_MINT = Comparator.comparingLong(ChunkRecord::minT);

  private final Labels labels;
  private final StoreWire.Part raw;
  private final StoreWire.Part rolled;

  RemoteSeries(StoreWire.Series s) {
    this(s.labels(), s.raw(), s.rolled());
  }

  private RemoteSeries(Labels labels, StoreWire.Part raw, StoreWire.Part rolled) {
    this.labels = labels;
    this.raw = raw;
    this.rolled = rolled;
  }

  Labels labels() {
    return labels;
  }

  /**
   * The union of two copies of one series: where both hold a point (sample, or window by start), {@code first}'s
   * is kept (copies of a sample that Kafka delivered to two stores are equal). The bounds are the union of both
   * copies' bounds.
   */
  static RemoteSeries merge(RemoteSeries first, RemoteSeries second) {
    return new RemoteSeries(first.labels, merge(first.raw, second.raw), merge(first.rolled, second.rolled));
  }

  private static StoreWire.Part merge(StoreWire.Part a, StoreWire.Part b) {
    List<ChunkRecord> cs = new ArrayList<>(a.chunks().size() + b.chunks().size());
    cs.addAll(a.chunks());
    cs.addAll(b.chunks());
    cs.sort(BY_MINT); // stable: on equal first timestamps, the first store's chunk comes first and wins a tie
    return new StoreWire.Part(Math.min(a.minTime(), b.minTime()), Math.max(a.maxTime(), b.maxTime()), cs);
  }

  /** The raw samples in [minT, maxT] as a selected series. */
  StoredSeries raw(long minT, long maxT) {
    return ChunkSeries.of(labels, Resolution.RAW, minT, maxT, raw.minTime(), raw.maxTime(), sorted(raw.chunks()));
  }

  /** The rollup windows starting in [minT, maxT] as a selected series. */
  StoredSeries rolled(Resolution res, long minT, long maxT) {
    return ChunkSeries.of(labels, res, minT, maxT, rolled.minTime(), rolled.maxTime(), sorted(rolled.chunks()));
  }

  /** A store sends each series' chunks by first timestamp; checked, since the reader relies on it. */
  private static List<ChunkRecord> sorted(List<ChunkRecord> cs) {
    for (int i = 1; i < cs.size(); i++) {
      if (cs.get(i).minT() < cs.get(i - 1).minT()) {
        List<ChunkRecord> s = new ArrayList<>(cs);
        s.sort(BY_MINT);
        return s;
      }
    }
    return cs;
  }
}
