package io.strata.query.metadata;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * TYPE, HELP and UNIT of metric families by tenant, as {@code /api/v1/metadata} serves them. Filled by
 * {@link MetadataTopicReader} from the compacted {@code metrics.metadata} topic; safe for one writer and
 * many readers.
 */
public final class MetadataCatalog {
  /** One family's metadata, in Prometheus's words ({@code counter}, {@code gauge}, ... {@code unknown}). */
  public record Entry(String type, String help, String unit) {}

  private final Map<String, ConcurrentSkipListMap<String, Entry>> byTenant = new ConcurrentHashMap<>();

  public void put(String tenant, String family, Entry entry) {
    byTenant.computeIfAbsent(tenant, t -> new ConcurrentSkipListMap<>()).put(family, entry);
  }

  /**
   * A tombstone on the topic: its key is the family name only (DESIGN.md's topic table), so the family is
   * forgotten for every tenant.
   */
  public void removeFamily(String family) {
    for (ConcurrentSkipListMap<String, Entry> m : byTenant.values()) {
      m.remove(family);
    }
  }

  /** The tenant's families sorted by name (a live view). */
  public NavigableMap<String, Entry> families(String tenant) {
    ConcurrentSkipListMap<String, Entry> m = byTenant.get(tenant);
    return m == null ? new ConcurrentSkipListMap<>() : m;
  }

  public int size() {
    int n = 0;
    for (ConcurrentSkipListMap<String, Entry> m : byTenant.values()) {
      n += m.size();
    }
    return n;
  }
}
