package io.strata.promql.template;

import java.util.List;

/**
 * The Go types a Prometheus template can meet, with Go's names (they appear in error texts such as
 * {@code wrong type for value; expected string; got float64}).
 */
final class GoType {
  enum Kind { BOOL, INT, INT64, UINT, UINT64, FLOAT64, COMPLEX128, STRING, MAP, SLICE, PTR, STRUCT, INTERFACE, VALUE }

  final Kind kind;
  final String name;
  final GoType elem;
  final List<String> fieldNames;
  final List<GoType> fieldTypes;

  private GoType(Kind kind, String name, GoType elem, List<String> fieldNames, List<GoType> fieldTypes) {
    this.kind = kind;
    this.name = name;
    this.elem = elem;
    this.fieldNames = fieldNames;
    this.fieldTypes = fieldTypes;
  }

  private static GoType basic(Kind k, String name) {
    return new GoType(k, name, null, List.of(), List.of());
  }

  static final GoType BOOL = basic(Kind.BOOL, "bool");
  static final GoType INT = basic(Kind.INT, "int");
  static final GoType INT64 = basic(Kind.INT64, "int64");
  static final GoType UINT = basic(Kind.UINT, "uint");
  static final GoType UINT64 = basic(Kind.UINT64, "uint64");
  /** A byte, what {@code index} returns for a string. */
  static final GoType UINT8 = basic(Kind.UINT, "uint8");
  static final GoType FLOAT64 = basic(Kind.FLOAT64, "float64");
  static final GoType COMPLEX128 = basic(Kind.COMPLEX128, "complex128");
  static final GoType STRING = basic(Kind.STRING, "string");
  /** html/template.HTML: a named string type, not assignable to string. */
  static final GoType HTML = basic(Kind.STRING, "template.HTML");
  static final GoType IFACE = basic(Kind.INTERFACE, "interface {}");
  /** reflect.Value, the parameter type of the builtins that take any value. */
  static final GoType VALUE = basic(Kind.VALUE, "reflect.Value");
  static final GoType MAP_SS = new GoType(Kind.MAP, "map[string]string", STRING, List.of(), List.of());
  static final GoType MAP_SI = new GoType(Kind.MAP, "map[string]interface {}", IFACE, List.of(), List.of());
  static final GoType SAMPLE = new GoType(Kind.STRUCT, "template.sample", null, List.of("Labels", "Value"),
      List.of(MAP_SS, FLOAT64));
  static final GoType PTR_SAMPLE = new GoType(Kind.PTR, "*template.sample", SAMPLE, List.of(), List.of());
  static final GoType QUERY_RESULT = new GoType(Kind.SLICE, "template.queryResult", PTR_SAMPLE, List.of(), List.of());
  static final GoType ALERT_DATA = new GoType(Kind.STRUCT,
      "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }", null,
      List.of("Labels", "ExternalLabels", "ExternalURL", "Value"), List.of(MAP_SS, MAP_SS, STRING, FLOAT64));
  /** time.Time: a struct with methods (its fields are unexported); the value is an Instant. */
  static final GoType TIME = new GoType(Kind.STRUCT, "time.Time", null, List.of(), List.of());
  static final GoType PTR_TIME = new GoType(Kind.PTR, "*time.Time", TIME, List.of(), List.of());
  static final GoType TIME_MONTH = basic(Kind.INT, "time.Month");
  static final GoType TIME_WEEKDAY = basic(Kind.INT, "time.Weekday");
  static final GoType TIME_DURATION = basic(Kind.INT64, "time.Duration");

  /** Go's AssignableTo for these types: identical, or any type to the empty interface. */
  boolean assignableTo(GoType t) {
    return this == t || t == IFACE;
  }

  boolean canBeNil() {
    return switch (kind) {
      case INTERFACE, MAP, PTR, SLICE, VALUE -> true;
      default -> false;
    };
  }

  int fieldIndex(String f) {
    return fieldNames.indexOf(f);
  }

  boolean isIntLike() {
    return kind == Kind.INT || kind == Kind.INT64 || kind == Kind.UINT || kind == Kind.UINT64;
  }

  @Override
  public String toString() {
    return name;
  }
}
