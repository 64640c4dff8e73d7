package io.strata.streams.rollup;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every rollup store of this JVM together: one LRU block cache of
 * {@link #TOTAL_BYTES} shared by all stores, with their memtables charged to it (a write buffer manager of
 * {@link #MEMTABLE_BYTES}), index and filter blocks cached in it too. Kafka Streams' default gives each store
 * its own 50 MB cache and up to 3 x 16 MB memtables, so the 4 partitions' stores could take ~400 MB off heap
 * for state that is a few hundred bytes per series. The cache and manager are shared, so never closed per store.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  /** Block cache plus memtables of all rollup stores in this JVM. */
  public static final long TOTAL_BYTES = 32L << 20;
  /** The memtables' share of {@link #TOTAL_BYTES}. */
  public static final long MEMTABLE_BYTES = 16L << 20;
  private static final long WRITE_BUFFER_BYTES = 4L << 20;

  private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
  private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(WRITE_BUFFERS);
    options.setWriteBufferSize(WRITE_BUFFER_BYTES);
    options.setMaxWriteBufferNumber(2);
  }

  @Override
  public void close(String storeName, Options options) {
    // CACHE and WRITE_BUFFERS are shared by every store of the JVM: not closed with one store
  }
}
