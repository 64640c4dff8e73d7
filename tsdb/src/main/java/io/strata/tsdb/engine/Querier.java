package io.strata.tsdb.engine;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.head.MemSeries;
import io.strata.tsdb.head.SeriesHead;
import io.strata.tsdb.index.PostingList;
import io.strata.tsdb.index.TenantIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The read side of {@link StrataStore}: series selection through the postings index, and label lookups. */
final class Querier {
  private final StrataStore store;

  Querier(StrataStore store) {
    this.store = store;
  }

  /**
   * Series matching all matchers; {@code lazy}: every series whose time bounds overlap [mint, maxt], read
   * nothing yet; otherwise only those with a sample in the range (their chunk lists are read to find out).
   */
  List<StoredSeries> select(String tenant, Resolution resolution, long mint, long maxt, List<LabelMatcher> matchers, boolean lazy) {
    TenantIndex ti = store.tenant(tenant);
    if (ti == null || mint > maxt) {
      return List.of();
    }
    long res = resolution.millis();
    List<MemSeries> cands = new ArrayList<>();
    for (long id : ti.select(matchers)) {
      MemSeries s = store.table().get(id);
      if (s != null && s.mayOverlap(res, mint, maxt)) {
        cands.add(s);
      }
    }
    if (cands.isEmpty()) {
      return List.of();
    }
    cands.sort(Comparator.comparing(MemSeries::labels));
    // memory first, then the snapshot: a commit writes chunks to disk before it drops them from memory
    List<List<ChunkRecord>> mem = new ArrayList<>(cands.size());
    long[] bounds = new long[cands.size() * 2];
    for (int i = 0; i < cands.size(); i++) {
      MemSeries s = cands.get(i);
      List<ChunkRecord> l = new ArrayList<>(2);
      bounds[2 * i] = Long.MAX_VALUE;
      bounds[2 * i + 1] = Long.MIN_VALUE;
      synchronized (s) {
        SeriesHead h = s.head(res, false);
        if (h != null) {
          h.collect(mint, maxt, l);
          bounds[2 * i] = h.minT();
          bounds[2 * i + 1] = h.maxT();
        }
      }
      l.sort(ChunkReader.BY_MINT);
      mem.add(l);
    }
    ReadContext rc = store.readContext();
    List<List<BlockMeta>> clusters = new ArrayList<>();
    long clusterEnd = Long.MIN_VALUE;
    for (BlockMeta b : store.reader().blocks(rc.ro(), res, store.config().blockDuration().toMillis())) {
      if (!b.overlaps(mint, maxt) && !(b.start() <= maxt && b.maxT() >= mint)) {
        continue;
      }
      long end = Math.max(b.end(), b.maxT() + 1);
      if (clusters.isEmpty() || b.start() >= clusterEnd) {
        clusters.add(new ArrayList<>());
      }
      clusters.get(clusters.size() - 1).add(b);
      clusterEnd = Math.max(clusterEnd, end);
    }
    List<StoredSeries> out = new ArrayList<>();
    Tombstones tombstones = store.tombstones().isEmpty() ? null : store.tombstones();
    for (int i = 0; i < cands.size(); i++) {
      MemSeries s = cands.get(i);
      SelectedSeries ss = new SelectedSeries(rc, store.reader(), s.id(), s.labels(), res, mint, maxt, bounds[2 * i], bounds[2 * i + 1], mem.get(i), clusters);
      long[] deleted = tombstones == null ? null : tombstones.get(s.id());
      if (deleted != null) {
        TombstonedSeries ts = new TombstonedSeries(ss, deleted, res);
        if (lazy ? !ts.empty() : ts.hasPoint(mint, maxt)) {
          out.add(ts);
        }
      } else if (lazy || ss.prime()) {
        out.add(ss);
      }
    }
    return out;
  }

  List<String> labelNames(String tenant, long mint, long maxt, List<LabelMatcher> matchers) {
    TenantIndex ti = store.tenant(tenant);
    if (ti == null) {
      return List.of();
    }
    Set<String> names = new TreeSet<>();
    if (matchers.isEmpty()) {
      for (var e : ti.postings().entrySet()) {
        if (anyOverlaps(e.getValue().values(), mint, maxt)) {
          names.add(e.getKey());
        }
      }
    } else {
      for (long id : ti.select(matchers)) {
        MemSeries s = store.table().get(id);
        if (s != null && s.mayOverlap(mint, maxt)) {
          Labels l = s.labels();
          for (int i = 0; i < l.size(); i++) {
            names.add(l.name(i));
          }
        }
      }
    }
    return new ArrayList<>(names);
  }

  List<String> labelValues(String tenant, String name, long mint, long maxt, List<LabelMatcher> matchers) {
    TenantIndex ti = store.tenant(tenant);
    if (ti == null) {
      return List.of();
    }
    Set<String> values = new TreeSet<>();
    if (matchers.isEmpty()) {
      var byValue = ti.postings().get(name);
      if (byValue != null) {
        for (var e : byValue.entrySet()) {
          if (anyOverlaps(List.of(e.getValue()), mint, maxt)) {
            values.add(e.getKey());
          }
        }
      }
    } else {
      for (long id : ti.select(matchers)) {
        MemSeries s = store.table().get(id);
        if (s != null && s.mayOverlap(mint, maxt)) {
          String v = s.labels().get(name);
          if (v != null) {
            values.add(v);
          }
        }
      }
    }
    return new ArrayList<>(values);
  }

  private boolean anyOverlaps(Iterable<PostingList> lists, long mint, long maxt) {
    for (PostingList p : lists) {
      int n = p.size();
      for (int i = 0; i < n; i++) {
        MemSeries s = store.table().get(p.get(i));
        if (s != null && s.mayOverlap(mint, maxt)) {
          return true;
        }
      }
    }
    return false;
  }
}
