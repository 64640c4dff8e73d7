package io.strata.promql.template;

import java.util.List;
import java.util.Map;

/**
 * A Go value as {@code reflect.Value} holds it; {@code null} stands for the invalid Value (Go's
 * {@code reflect.Value{}}: no value at all, printed {@code <no value>}).
 *
 * <p>Payload by kind: BOOL Boolean; INT/INT64 Long; UINT/UINT64 Long (unsigned bits); FLOAT64 Double;
 * COMPLEX128 double[2]; STRING String; MAP {@code Map<String, GoValue>} (sorted) or null for a nil map;
 * SLICE {@code List<GoValue>} or null; PTR the pointed-to GoValue or null; STRUCT {@code GoValue[]}
 * fields (time.Time: an Instant); INTERFACE the dynamic GoValue or null for a nil interface.
 */
record GoValue(GoType type, Object v) {
  static GoValue str(String s) {
    return new GoValue(GoType.STRING, s);
  }

  static GoValue f64(double d) {
    return new GoValue(GoType.FLOAT64, d);
  }

  static GoValue integer(long i) {
    return new GoValue(GoType.INT, i);
  }

  static GoValue bool(boolean b) {
    return new GoValue(GoType.BOOL, b);
  }

  GoType.Kind kind() {
    return type.kind;
  }

  String s() {
    return (String) v;
  }

  double f() {
    return (Double) v;
  }

  long l() {
    return (Long) v;
  }

  boolean b() {
    return (Boolean) v;
  }

  @SuppressWarnings("unchecked")
  Map<String, GoValue> map() {
    return (Map<String, GoValue>) v;
  }

  @SuppressWarnings("unchecked")
  List<GoValue> list() {
    return (List<GoValue>) v;
  }

  GoValue elem() {
    return (GoValue) v;
  }

  /** reflect's IsNil for the kinds that can be nil. */
  boolean isNil() {
    return type.canBeNil() && v == null;
  }

  /** Len for map, slice and string (bytes, as Go). */
  int len() {
    return switch (type.kind) {
      case MAP -> v == null ? 0 : map().size();
      case SLICE -> v == null ? 0 : list().size();
      case STRING -> s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      default -> throw new IllegalStateException("BUG: len of " + type);
    };
  }

  @Override
  public String toString() {
    return type + "(" + v + ")";
  }
}
