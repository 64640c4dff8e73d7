package io.strata.tsdb.head;

import io.strata.schemas.model.Labels;

/**
 * One series in memory: its stable id, tenant and labels, and a head per resolution (raw created on
 * the first raw append, rollups on their first window). Lock: the object itself.
 */
public final class MemSeries {
  private final long id;
  private final String tenant;
  private final Labels labels;
  /** True once the series record is durable. Guarded by this. */
  private boolean persisted;
  private RawHead raw;
  private RollupHead[] rollups;

  public MemSeries(long id, String tenant, Labels labels, boolean persisted) {
    this.id = id;
    this.tenant = tenant;
    this.labels = labels;
    this.persisted = persisted;
  }

  public long id() {
    return id;
  }

  public String tenant() {
    return tenant;
  }

  public Labels labels() {
    return labels;
  }

  public boolean persisted() {
    return persisted;
  }

  public void markPersisted() {
    persisted = true;
  }

  /** The raw head, created when absent. Call under the lock. */
  public RawHead raw() {
    if (raw == null) {
      raw = new RawHead();
    }
    return raw;
  }

  /** The head at a resolution, or null; {@code create} adds it. Call under the lock. */
  public SeriesHead head(long res, boolean create) {
    if (res == 0) {
      return raw != null || create ? raw() : null;
    }
    if (rollups != null) {
      for (RollupHead h : rollups) {
        if (h.res() == res) {
          return h;
        }
      }
    }
    if (!create) {
      return null;
    }
    RollupHead h = new RollupHead(res);
    rollups = rollups == null ? new RollupHead[] {h} : java.util.Arrays.copyOf(rollups, rollups.length + 1);
    rollups[rollups.length - 1] = h;
    return h;
  }

  /** Every head, raw first. Call under the lock. */
  public SeriesHead[] heads() {
    int n = (raw == null ? 0 : 1) + (rollups == null ? 0 : rollups.length);
    SeriesHead[] out = new SeriesHead[n];
    int i = 0;
    if (raw != null) {
      out[i++] = raw;
    }
    if (rollups != null) {
      for (RollupHead h : rollups) {
        out[i++] = h;
      }
    }
    return out;
  }

  /** Whether any resolution has data touching [mint, maxt] (time bounds only; no decoding). */
  public synchronized boolean mayOverlap(long mint, long maxt) {
    for (SeriesHead h : heads()) {
      if (h.minT() <= maxt && h.maxT() >= mint) {
        return true;
      }
    }
    return false;
  }

  public synchronized boolean mayOverlap(long res, long mint, long maxt) {
    SeriesHead h = head(res, false);
    return h != null && h.minT() <= maxt && h.maxT() >= mint;
  }
}
