package io.strata.sinks.tsdb;

import io.strata.tsdb.Store;

/**
 * The store of the Connect worker in this JVM, for sink tasks whose connector config names no directory
 * ({@code tsdb.data.dir} empty). In distributed mode one connector config serves every worker, so it cannot carry a
 * worker's path: {@code strata connect} opens its store under {@code --data-dir}, serves it on its query port and
 * registers it here, and every TSDB sink task this worker runs writes into it. The registrant owns the store: tasks
 * never close it.
 */
public final class WorkerStore {
  private static Store store;

  private WorkerStore() {}

  /** Makes {@code s} this worker's store; one per JVM. */
  public static synchronized void register(Store s) {
    if (store != null && store != s) {
      throw new IllegalStateException("BUG: this JVM already registered a worker store; one Connect worker, one store");
    }
    store = s;
  }

  /** Forgets {@code s} (before its owner closes it); tasks started afterwards fail until another is registered. */
  public static synchronized void unregister(Store s) {
    if (store == s) {
      store = null;
    }
  }

  /** This worker's store, or null when none is registered. */
  static synchronized Store get() {
    return store;
  }
}
