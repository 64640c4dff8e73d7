package io.strata.tsdb.index;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.MatchDeadline;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.head.MemSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The series of one tenant: lookup by labels for appends, and an inverted index from each label pair to
 * the ids of the series carrying it (postings), so a matcher reads the postings of the values it
 * accepts instead of every series. A matcher that also accepts the empty string (it matches series
 * without the label) is answered as "all minus the values it rejects", as Prometheus does.
 */
public final class TenantIndex {
  private final ConcurrentHashMap<Labels, MemSeries> byLabels = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, ConcurrentSkipListMap<String, PostingList>> postings = new ConcurrentSkipListMap<>();
  private final PostingList all = new PostingList();

  public MemSeries get(Labels labels) {
    return byLabels.get(labels);
  }

  /** Adds a series; ids must arrive in increasing order per tenant. */
  public synchronized void add(MemSeries s) {
    Labels l = s.labels();
    for (int i = 0; i < l.size(); i++) {
      postings.computeIfAbsent(l.name(i), k -> new ConcurrentSkipListMap<>()).computeIfAbsent(l.value(i), k -> new PostingList()).add(s.id());
    }
    all.add(s.id());
    byLabels.put(l, s);
  }

  public int size() {
    return all.size();
  }

  /**
   * Characters of label values matched between two looks at the query's deadline: at RE2's tens of ns per
   * character, well under a millisecond, and a clock read per 64K characters costs nothing measurable.
   */
  private static final int DEADLINE_CHECK_CHARS = 1 << 16;

  /**
   * Sorted ids of the series matching every matcher (all series when none); throws
   * {@link MatchDeadline.Exceeded} when the query of this thread passes its deadline while matching.
   */
  public long[] select(List<LabelMatcher> matchers) {
    long[] result = null;
    List<long[]> minus = new ArrayList<>();
    for (LabelMatcher m : matchers) {
      Map<String, PostingList> values = postings.get(m.name());
      if (!m.matchesEmpty()) {
        long[] p = values == null ? new long[0] : matching(values, m, true);
        result = result == null ? p : Postings.intersect(result, p);
      } else if (values != null) {
        minus.add(matching(values, m, false));
      }
    }
    if (result == null) {
      result = all.toArray();
    }
    for (long[] m : minus) {
      result = Postings.subtract(result, m);
    }
    return result;
  }

  private static long[] matching(Map<String, PostingList> values, LabelMatcher m, boolean accepted) {
    if (m.type() == LabelMatcher.Type.EQ && accepted) {
      PostingList p = values.get(m.value());
      return p == null ? new long[0] : p.toArray();
    }
    if (m.type() == LabelMatcher.Type.NEQ && !accepted) {
      PostingList p = values.get(m.value());
      return p == null ? new long[0] : p.toArray();
    }
    List<long[]> lists = new ArrayList<>();
    long chars = 0;
    for (var e : values.entrySet()) {
      // the query's deadline, every ~64K characters matched: RE2 is linear, but many long values take long
      chars += e.getKey().length() + 16;
      if (chars > DEADLINE_CHECK_CHARS) {
        chars = 0;
        MatchDeadline.check();
      }
      if (m.matches(e.getKey()) == accepted) {
        lists.add(e.getValue().toArray());
      }
    }
    return Postings.union(lists);
  }

  /** Label names in order, each with its postings by value. */
  public ConcurrentSkipListMap<String, ConcurrentSkipListMap<String, PostingList>> postings() {
    return postings;
  }
}
