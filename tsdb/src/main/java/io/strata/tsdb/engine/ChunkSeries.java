package io.strata.tsdb.engine;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.format.ChunkRecord;
import java.util.List;

/**
 * A series made of chunks held in memory (what {@link StoredSeries#storedChunks} gave, shipped elsewhere), read
 * exactly as the store reads its own: clipped to the selected range, overlapping chunks merged one point per
 * timestamp (the earlier chunk in the list wins a tie), the same bulk decoders. A damaged chunk is an
 * {@link IllegalStateException}.
 */
public final class ChunkSeries {
  private ChunkSeries() {}

  /**
   * @param chunks sorted by first timestamp (stable: on equal ones, the earlier is preferred)
   * @param minT the selected range's start
   * @param maxT the selected range's end
   * @param dataMinT what {@link StoredSeries#minTime()} reports
   * @param dataMaxT what {@link StoredSeries#maxTime()} reports
   */
  public static StoredSeries of(Labels labels, Resolution res, long minT, long maxT, long dataMinT, long dataMaxT, List<ChunkRecord> chunks) {
    return new SelectedSeries(null, null, 0, labels, res.millis(), minT, maxT, dataMinT, dataMaxT, chunks, List.of());
  }
}
