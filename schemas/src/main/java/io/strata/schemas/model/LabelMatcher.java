package io.strata.schemas.model;

import io.strata.schemas.prom.GoRegex;

/**
 * A PromQL label matcher: {@code =}, {@code !=}, {@code =~}, {@code !~}. Regular expressions are RE2
 * ({@link GoRegex}: linear-time, Go's syntax and errors) and fully anchored, as in Prometheus. A missing
 * label matches as the empty string.
 */
public final class LabelMatcher {
  public enum Type {
    EQ("="), NEQ("!="), RE("=~"), NRE("!~");

    private final String op;

    Type(String op) {
      this.op = op;
    }

    public String op() {
      return op;
    }
  }

  private final Type type;
  private final String name;
  private final String value;
  private final GoRegex pattern;

  private LabelMatcher(Type type, String name, String value) {
    this.type = type;
    this.name = name;
    this.value = value;
    if (type == Type.RE || type == Type.NRE) {
      this.pattern = GoRegex.anchored(value);
    } else {
      this.pattern = null;
    }
  }

  /** @throws GoRegex.SyntaxException for a regex RE2 refuses, with Go's message */
  public static LabelMatcher of(Type type, String name, String value) {
    return new LabelMatcher(type, name, value);
  }

  public static LabelMatcher eq(String name, String value) {
    return new LabelMatcher(Type.EQ, name, value);
  }

  public Type type() {
    return type;
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  /** Whether a label value (null when the label is absent) satisfies the matcher. */
  public boolean matches(String labelValue) {
    String v = labelValue == null ? "" : labelValue;
    return switch (type) {
      case EQ -> v.equals(value);
      case NEQ -> !v.equals(value);
      case RE -> pattern.matches(v);
      case NRE -> !pattern.matches(v);
    };
  }

  public boolean matches(Labels labels) {
    return matches(labels.get(name));
  }

  /** True when the matcher accepts the empty string, i.e. also series that lack the label. */
  public boolean matchesEmpty() {
    return matches((String) null);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  @Override
  public String toString() {
    return name + type.op + quote(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMatcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
  }
}
