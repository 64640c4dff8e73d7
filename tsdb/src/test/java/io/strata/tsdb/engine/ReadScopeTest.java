package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.Store;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query's store snapshots go when its read scope closes: a snapshot left to the garbage collector keeps every
 * version it sees on disk, so an admin flush right after a few queries left the store 2-4 times its compacted size.
 */
class ReadScopeTest {
  @TempDir Path dir;

  @Test
  void closingTheScopeReleasesTheSnapshotsOfItsSelectsAndNestedScopesLeaveThatToTheOuterOne() throws Exception {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      for (int i = 0; i < 100; i++) {
        s.append("t", counter("c_total", "i", Integer.toString(i % 3)), T0 + i * 15_000L, i);
      }
      s.commit(Map.of("samples/0", 100L));
      assertEquals("0", snapshots(s));
      Object[] kept = new Object[1]; // a strong reference: the garbage collector cannot release these
      try (Store.ReadScope outer = s.readScope()) {
        try (Store.ReadScope inner = s.readScope()) {
          kept[0] = readRaw(s, "t", MIN, MAX);
          assertEquals(3, ((Map<?, ?>) kept[0]).size());
          readRaw(s, "t", MIN, MAX);
        }
        assertEquals("2", snapshots(s), "the inner scope does not release the outer one's reads");
      }
      assertEquals("0", snapshots(s));
      readRaw(s, "t", MIN, MAX); // outside any scope: released later by the cleaner, as before
      assertEquals(3, ((Map<?, ?>) kept[0]).size());
    }
  }

  private static String snapshots(StrataStore s) throws Exception {
    return s.db().getProperty("rocksdb.num-snapshots");
  }
}
