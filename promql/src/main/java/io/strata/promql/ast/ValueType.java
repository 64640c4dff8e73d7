package io.strata.promql.ast;

/** The static type of an expression, named as Prometheus documents it. */
public enum ValueType {
  NONE("none", "none"),
  SCALAR("scalar", "scalar"),
  VECTOR("vector", "instant vector"),
  MATRIX("matrix", "range vector"),
  STRING("string", "string");

  private final String internalName;
  private final String documentedName;

  ValueType(String internalName, String documentedName) {
    this.internalName = internalName;
    this.documentedName = documentedName;
  }

  /** Prometheus's internal name ({@code vector}, {@code matrix}), used in the API's {@code resultType}. */
  public String internalName() {
    return internalName;
  }

  /** The documented name ({@code instant vector}, {@code range vector}), used in error messages. */
  public String documentedName() {
    return documentedName;
  }
}
