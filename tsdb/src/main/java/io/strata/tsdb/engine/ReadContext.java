package io.strata.tsdb.engine;

import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A RocksDB snapshot shared by the series of one select, so block metas and chunks are read as of one
 * instant even while commits and compactions go on. Cursors have no close method, so the snapshot is
 * released when the {@link io.strata.tsdb.Store#readScope} it was taken in closes, else when the select's
 * results become unreachable (a {@link Cleaner}), or when the store closes.
 */
final class ReadContext {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The releasing action; must not reference the ReadContext. */
  static final class Handle implements Runnable {
    private final StrataStore store;
    final Snapshot snapshot;
    final ReadOptions ro;
    final long seq;
    /** Reads hold it shared; releasing the snapshot takes it exclusively, after every read in flight. */
    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private final ReentrantLock sharedInUse = new ReentrantLock();
    private boolean released;
    /** One iterator for the chunk reads of the select (opening one per series cost more than its seeks). */
    private RocksIterator iterator;

    Handle(StrataStore store, Snapshot snapshot) {
      this.store = store;
      this.snapshot = snapshot;
      this.ro = new ReadOptions().setSnapshot(snapshot);
      this.seq = snapshot.getSequenceNumber();
    }

    /**
     * Runs {@code read} with the select's iterator, or, while another thread uses that one (series of one
     * select read in parallel), with an iterator of its own on the same snapshot.
     */
    <T> T withIterator(RocksDB db, Function<RocksIterator, T> read) {
      life.readLock().lock();
      try {
        if (released) {
          throw new IllegalStateException("read after its read scope or its store closed");
        }
        if (sharedInUse.tryLock()) {
          try {
            if (iterator == null) {
              iterator = db.newIterator(ro);
            }
            return read.apply(iterator);
          } finally {
            sharedInUse.unlock();
          }
        }
        try (RocksIterator own = db.newIterator(ro)) {
          return read.apply(own);
        }
      } finally {
        life.readLock().unlock();
      }
    }

    @Override
    public void run() {
      life.writeLock().lock();
      try {
        if (!released) {
          released = true;
          if (iterator != null) {
            iterator.close();
          }
          store.release(this);
        }
      } finally {
        life.writeLock().unlock();
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

  /** The snapshot's sequence number: what the chunk cache checks its entries against. */
  long seq() {
    return handle.seq;
  }
}
