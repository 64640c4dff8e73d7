package io.strata.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One open store per data directory per JVM, shared by every sink task of a Connect worker and by the
 * query server in the same JVM; reference-counted, closed when the last user releases it.
 */
public final class SharedStores {
  private SharedStores() {}

  private record Entry(Store store, int refs) {}

  private static final Map<Path, Entry> OPEN = new HashMap<>();

  public static synchronized Store acquire(Path dir, Function<Path, Store> opener) {
    Path key = dir.toAbsolutePath().normalize();
    Entry e = OPEN.get(key);
    if (e == null) {
      e = new Entry(opener.apply(key), 0);
    }
    OPEN.put(key, new Entry(e.store(), e.refs() + 1));
    return e.store();
  }

  public static synchronized void release(Path dir) {
    Path key = dir.toAbsolutePath().normalize();
    Entry e = OPEN.get(key);
    if (e == null) {
      return;
    }
    if (e.refs() > 1) {
      OPEN.put(key, new Entry(e.store(), e.refs() - 1));
      return;
    }
    OPEN.remove(key);
    try {
      e.store().close();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot close store at " + key, ex);
    }
  }
}
