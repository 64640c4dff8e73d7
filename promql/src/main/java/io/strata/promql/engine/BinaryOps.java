package io.strata.promql.engine;

import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.BinaryOp;
import io.strata.promql.ast.GoFormat;
import io.strata.promql.ast.VectorMatching;
import io.strata.schemas.model.Labels;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Binary operators: scalar/scalar, vector/scalar and vector/vector with Prometheus's matching rules. */
final class BinaryOps {
  private BinaryOps() {}

  /**
   * The operator applied to its evaluated operands at one evaluation time {@code t}: two scalars give a
   * {@link Double}, anything with a vector an {@link InstantVector}.
   */
  static Object apply(BinaryExpr b, Object l, Object r, long t) {
    BinaryOp op = b.op();
    if (l instanceof Double lv && r instanceof Double rv) {
      double v = scalarOp(op, lv, rv);
      if (op.isComparison()) {
        // only reachable with bool: scalars must use it
        return v != 0 ? 1.0 : 0.0;
      }
      return v;
    }
    if (l instanceof InstantVector lv && r instanceof InstantVector rv) {
      return vectors(b, lv, rv, t);
    }
    if (l instanceof InstantVector lv) {
      return vectorScalar(lv, (Double) r, b, false, t);
    }
    return vectorScalar((InstantVector) r, (Double) l, b, true, t);
  }

  /** A vector/vector operator (arithmetic, comparison or set operator) with the expression's matching. */
  static InstantVector vectors(BinaryExpr b, InstantVector lv, InstantVector rv, long t) {
    return switch (b.op()) {
      case AND -> and(lv, rv, b.matching());
      case OR -> or(lv, rv, b.matching());
      case UNLESS -> unless(lv, rv, b.matching());
      default -> vectorVector(lv, rv, b, t);
    };
  }

  /**
   * The arithmetic result, or for comparisons 1 (true) / 0 (false) as a double. NaN compares false
   * except with {@code !=}.
   */
  static double scalarOp(BinaryOp op, double l, double r) {
    return switch (op) {
      case ADD -> l + r;
      case SUB -> l - r;
      case MUL -> l * r;
      case DIV -> l / r;
      case MOD -> l % r;
      case POW -> GoMath.pow(l, r);
      case ATAN2 -> Math.atan2(l, r);
      case EQLC -> l == r ? 1 : 0;
      case NEQ -> l != r ? 1 : 0;
      case GTR -> l > r ? 1 : 0;
      case LSS -> l < r ? 1 : 0;
      case GTE -> l >= r ? 1 : 0;
      case LTE -> l <= r ? 1 : 0;
      default -> throw new IllegalStateException("BUG: " + op + " is not a scalar operator");
    };
  }

  /** Prometheus 2.42's shouldDropMetricName: arithmetic drops the name, but atan2 keeps it (checked against 2.42). */
  static boolean dropsName(BinaryOp op) {
    return switch (op) {
      case ADD, SUB, MUL, DIV, MOD, POW -> true;
      default -> false;
    };
  }

  private static InstantVector vectorScalar(InstantVector v, double s, BinaryExpr b, boolean scalarOnLeft, long t) {
    BinaryOp op = b.op();
    InstantVector out = new InstantVector(v.size);
    for (int i = 0; i < v.size; i++) {
      double x = v.values[i];
      double l = scalarOnLeft ? s : x;
      double r = scalarOnLeft ? x : s;
      double value = scalarOp(op, l, r);
      boolean keep = true;
      if (op.isComparison()) {
        keep = value != 0;
        // a comparison filters: the vector's own value is kept, whichever side it is on
        value = x;
      }
      if (b.returnBool()) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (keep) {
        Labels ls = v.labels[i];
        if (dropsName(op) || b.returnBool()) {
          ls = LabelSets.dropName(ls);
        }
        out.add(ls, value, t);
      }
    }
    LabelSets.checkUnique(out);
    return out;
  }

  private static InstantVector vectorVector(InstantVector lhs, InstantVector rhs, BinaryExpr b, long t) {
    VectorMatching m = b.matching();
    BinaryOp op = b.op();
    InstantVector out = new InstantVector(Math.min(lhs.size, rhs.size));
    if (lhs.size == 0 || rhs.size == 0) {
      return out;
    }
    List<String> names = m.matchingLabels();
    boolean swap = m.card() == VectorMatching.Cardinality.ONE_TO_MANY;
    InstantVector many = swap ? rhs : lhs;
    InstantVector one = swap ? lhs : rhs;
    Map<String, Integer> oneBySig = new HashMap<>(one.size * 2);
    for (int i = 0; i < one.size; i++) {
      String sig = LabelSets.signature(one.labels[i], m.on(), names);
      Integer dup = oneBySig.putIfAbsent(sig, i);
      if (dup != null) {
        throw new QueryExecutionException("found duplicate series for the match group "
            + GoFormat.labels(LabelSets.matchLabels(one.labels[i], m.on(), names)) + " on the "
            + (swap ? "left" : "right") + " hand-side of the operation: [" + GoFormat.labels(one.labels[i]) + ", "
            + GoFormat.labels(one.labels[dup]) + "];many-to-many matching not allowed: matching labels must be unique on one side");
      }
    }
    Map<String, Set<Labels>> matched = new HashMap<>();
    for (int i = 0; i < many.size; i++) {
      String sig = LabelSets.signature(many.labels[i], m.on(), names);
      Integer j = oneBySig.get(sig);
      if (j == null) {
        continue;
      }
      double vl = many.values[i];
      double vr = one.values[j];
      if (swap) {
        double tmp = vl;
        vl = vr;
        vr = tmp;
      }
      double value = scalarOp(op, vl, vr);
      boolean keep = true;
      if (op.isComparison()) {
        keep = value != 0;
        value = vl;
      }
      if (b.returnBool()) {
        value = keep ? 1 : 0;
      } else if (!keep) {
        continue;
      }
      Labels metric = resultLabels(many.labels[i], one.labels[j], op, m);
      if (b.returnBool()) {
        metric = LabelSets.dropName(metric);
      }
      Set<Labels> inserted = matched.get(sig);
      if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
        if (inserted != null) {
          throw new QueryExecutionException(
              "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        }
        matched.put(sig, Set.of());
      } else {
        if (inserted == null) {
          inserted = new HashSet<>();
          matched.put(sig, inserted);
        } else if (inserted.contains(metric)) {
          throw new QueryExecutionException("multiple matches for labels: grouping labels must ensure unique matches");
        }
        inserted.add(metric);
      }
      out.add(metric, value, t);
    }
    LabelSets.checkUnique(out);
    return out;
  }

  private static Labels resultLabels(Labels many, Labels one, BinaryOp op, VectorMatching m) {
    Labels l = many;
    if (dropsName(op)) {
      l = LabelSets.dropName(l);
    }
    if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
      l = m.on() ? LabelSets.keep(l, m.matchingLabels()) : LabelSets.remove(l, m.matchingLabels(), false);
    }
    for (String name : m.include()) {
      String v = one.get(name);
      if (v != null && !v.isEmpty()) {
        l = l.with(name, v);
      } else if (l.get(name) != null) {
        l = l.without(name);
      }
    }
    return l;
  }

  private static InstantVector and(InstantVector lhs, InstantVector rhs, VectorMatching m) {
    InstantVector out = new InstantVector(lhs.size);
    if (lhs.size == 0 || rhs.size == 0) {
      return out;
    }
    Set<String> right = new HashSet<>();
    for (int i = 0; i < rhs.size; i++) {
      right.add(LabelSets.signature(rhs.labels[i], m.on(), m.matchingLabels()));
    }
    for (int i = 0; i < lhs.size; i++) {
      if (right.contains(LabelSets.signature(lhs.labels[i], m.on(), m.matchingLabels()))) {
        out.add(lhs.labels[i], lhs.values[i], lhs.times[i]);
      }
    }
    return out;
  }

  private static InstantVector or(InstantVector lhs, InstantVector rhs, VectorMatching m) {
    InstantVector out = new InstantVector(lhs.size + rhs.size);
    Set<String> left = new HashSet<>();
    for (int i = 0; i < lhs.size; i++) {
      left.add(LabelSets.signature(lhs.labels[i], m.on(), m.matchingLabels()));
      out.add(lhs.labels[i], lhs.values[i], lhs.times[i]);
    }
    for (int i = 0; i < rhs.size; i++) {
      if (!left.contains(LabelSets.signature(rhs.labels[i], m.on(), m.matchingLabels()))) {
        out.add(rhs.labels[i], rhs.values[i], rhs.times[i]);
      }
    }
    return out;
  }

  private static InstantVector unless(InstantVector lhs, InstantVector rhs, VectorMatching m) {
    InstantVector out = new InstantVector(lhs.size);
    Set<String> right = new HashSet<>();
    for (int i = 0; i < rhs.size; i++) {
      right.add(LabelSets.signature(rhs.labels[i], m.on(), m.matchingLabels()));
    }
    for (int i = 0; i < lhs.size; i++) {
      if (!right.contains(LabelSets.signature(lhs.labels[i], m.on(), m.matchingLabels()))) {
        out.add(lhs.labels[i], lhs.values[i], lhs.times[i]);
      }
    }
    return out;
  }
}
