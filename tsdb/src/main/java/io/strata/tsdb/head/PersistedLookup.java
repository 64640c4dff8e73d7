package io.strata.tsdb.head;

import io.strata.tsdb.format.ChunkRecord;
import java.util.List;

/** The persisted chunks of one series and resolution whose time range holds {@code t}: the slow path of duplicate detection. */
@FunctionalInterface
public interface PersistedLookup {
  List<ChunkRecord> chunksCovering(long seriesId, long res, long t);
}
