package io.strata.tsdb.head;

import io.strata.tsdb.format.ChunkRecord;
import java.util.List;

/**
 * What one commit takes from one series head: chunks to persist, the open chunk to checkpoint (or the
 * checkpoint to delete), and tokens to release exactly that from memory once it is durable.
 */
public record HeadFlush(SeriesHead head, List<ChunkRecord> chunks, int pendingTaken, long[] oooTaken, ChunkRecord checkpoint, boolean deleteCheckpoint) {}
