package io.strata.flink.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.strata.promql.PromQL;
import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.SubqueryExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleGroup;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoRegex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the job needs to know about a group beyond its rules: the selectors that decide which series are
 * routed to it, how much of each series' history its evaluations can read (its retention), and its
 * evaluation grid (interval and offset).
 *
 * <p>Selectors are every vector selector of every rule expression, plus those of the queries its templates
 * run with {@code query "..."} when the query is a string literal. Retention is, over every selector, the
 * lookback delta (instant selector) or range (range selector) plus its offset, plus the range, step and
 * offset of every subquery around it; negative offsets and {@code @} are not counted, so an {@code @} that
 * points before the retention reads only what is still kept.
 *
 * <p>Grid: evaluations at {@code k * interval + offset}. With spreading on, the offset is a stable 64-bit
 * FNV-1a hash of the group key modulo the interval, as Prometheus offsets each group by a hash of its name
 * and file so that groups do not all evaluate at the same instant.
 */
public final class GroupPlan {
  // RE2: java.util.regex recurses per character in (?:a|b)* and overflows the stack on a long template
  private static final Pattern TEMPLATE_QUERY =
      GoRegex.unanchored("query\\s+\"((?:[^\"\\\\]|\\\\.)*)\"|query\\s+`([^`]*)`").pattern();

  private final RuleGroup group;
  private final List<List<LabelMatcher>> selectors;
  private final long retentionMs;
  private final long intervalMs;
  private final long offsetMs;

  public GroupPlan(String key, RuleGroup group, long lookbackDeltaMs, long defaultIntervalMs, boolean spread) {
    this.group = group;
    this.intervalMs = group.intervalMs() > 0 ? group.intervalMs() : defaultIntervalMs;
    List<List<LabelMatcher>> sel = new ArrayList<>();
    long[] retention = {0};
    for (Rule r : group.rules()) {
      walk(r.expr(), 0, lookbackDeltaMs, sel, retention);
      for (String text : templates(r)) {
        Matcher m = TEMPLATE_QUERY.matcher(text);
        while (m.find()) {
          String q = m.group(1) != null ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(2);
          try {
            walk(PromQL.parse(q), 0, lookbackDeltaMs, sel, retention);
          } catch (RuntimeException ignored) {
            // not a literal query we can read: the template gets what the rules' selectors bring
          }
        }
      }
    }
    this.selectors = List.copyOf(sel);
    this.retentionMs = retention[0];
    this.offsetMs = spread ? Long.remainderUnsigned(fnv(key), intervalMs) : 0;
  }

  private static List<String> templates(Rule r) {
    List<String> out = new ArrayList<>(r.labels().values());
    out.addAll(r.annotations().values());
    return out;
  }

  /** {@code outer}: the range, offset and step of the subqueries around {@code e}. */
  private static void walk(Expr e, long outer, long lookback, List<List<LabelMatcher>> sel, long[] retention) {
    if (e instanceof VectorSelector v) {
      sel.add(v.matchers());
      retention[0] = Math.max(retention[0], outer + lookback + Math.max(0, v.offsetMs()));
    } else if (e instanceof MatrixSelector m) {
      sel.add(m.selector().matchers());
      retention[0] = Math.max(retention[0], outer + m.rangeMs() + Math.max(0, m.selector().offsetMs()));
    } else if (e instanceof SubqueryExpr s) {
      walk(s.expr(), outer + s.rangeMs() + Math.max(0, s.offsetMs()) + s.stepMs(), lookback, sel, retention);
    } else if (e instanceof ParenExpr p) {
      walk(p.expr(), outer, lookback, sel, retention);
    } else if (e instanceof UnaryExpr u) {
      walk(u.expr(), outer, lookback, sel, retention);
    } else if (e instanceof BinaryExpr b) {
      walk(b.lhs(), outer, lookback, sel, retention);
      walk(b.rhs(), outer, lookback, sel, retention);
    } else if (e instanceof AggregateExpr a) {
      walk(a.expr(), outer, lookback, sel, retention);
      if (a.param() != null) {
        walk(a.param(), outer, lookback, sel, retention);
      }
    } else if (e instanceof Call c) {
      for (Expr arg : c.args()) {
        walk(arg, outer, lookback, sel, retention);
      }
    }
    // number and string literals read nothing
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }

  public RuleGroup group() {
    return group;
  }

  /** Whether some selector of the group matches the series. */
  public boolean selects(Labels series) {
    for (List<LabelMatcher> ms : selectors) {
      boolean all = true;
      for (LabelMatcher m : ms) {
        if (!m.matches(series)) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  public List<List<LabelMatcher>> selectors() {
    return selectors;
  }

  /** How far before an evaluation time its rules can read: samples older than that are dropped. */
  public long retentionMs() {
    return retentionMs;
  }

  public long intervalMs() {
    return intervalMs;
  }

  public long offsetMs() {
    return offsetMs;
  }

  /** The first evaluation time of the grid strictly after {@code t}. */
  public long nextAfter(long t) {
    return lastAtOrBefore(t) + intervalMs;
  }

  /** The last evaluation time of the grid at or before {@code t}. */
  public long lastAtOrBefore(long t) {
    return Math.floorDiv(t - offsetMs, intervalMs) * intervalMs + offsetMs;
  }
}
