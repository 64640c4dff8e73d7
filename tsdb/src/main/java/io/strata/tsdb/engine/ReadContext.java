package io.strata.tsdb.engine;

import java.lang.ref.Cleaner;
import java.util.function.Function;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A RocksDB snapshot shared by the series of one select, so block metas and chunks are read as of one
 * instant even while commits and compactions go on. Cursors have no close method, so the snapshot is
 * released when the select's results become unreachable (a {@link Cleaner}), or when the store closes.
 */
final class ReadContext {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The releasing action; must not reference the ReadContext. */
  static final class Handle implements Runnable {
    private final StrataStore store;
    final Snapshot snapshot;
    final ReadOptions ro;
    private boolean released;
    /** One iterator for every chunk read of the select (opening one per series cost more than its seeks). */
    private RocksIterator iterator;

    Handle(StrataStore store, Snapshot snapshot) {
      this.store = store;
      this.snapshot = snapshot;
      this.ro = new ReadOptions().setSnapshot(snapshot);
    }

    /** Runs {@code read} with the select's iterator, one reader at a time. */
    synchronized <T> T withIterator(RocksDB db, Function<RocksIterator, T> read) {
      if (released) {
        throw new IllegalStateException("read after its store closed");
      }
      if (iterator == null) {
        iterator = db.newIterator(ro);
      }
      return read.apply(iterator);
    }

    @Override
    public synchronized void run() {
      if (!released) {
        released = true;
        if (iterator != null) {
          iterator.close();
        }
        store.release(this);
      }
    }
  }

  final Handle handle;

  ReadContext(StrataStore store, Snapshot snapshot) {
    this.handle = new Handle(store, snapshot);
    CLEANER.register(this, handle);
  }

  ReadOptions ro() {
    return handle.ro;
  }
}
