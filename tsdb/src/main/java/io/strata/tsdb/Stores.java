package io.strata.tsdb;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.engine.StrataStore;

/** Opens stores. Returns the real engine ({@link StrataStore}); {@code io.strata.tsdb.simple.SimpleStore} stays for comparison. */
public final class Stores {
  private Stores() {}

  /** Opens the store with its metrics on a private registry. */
  public static Store open(TsdbConfig config) {
    return open(config, new PrometheusRegistry());
  }

  /** Opens the store, registering its {@code strata_tsdb_*} metrics on {@code registry}. */
  public static Store open(TsdbConfig config, PrometheusRegistry registry) {
    return StrataStore.open(config, registry);
  }
}
