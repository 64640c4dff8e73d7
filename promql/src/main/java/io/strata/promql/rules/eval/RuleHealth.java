package io.strata.promql.rules.eval;

/** A rule's health after its last evaluation, with the API's words ({@code unknown}, {@code ok}, {@code err}). */
public enum RuleHealth {
  UNKNOWN("unknown"), OK("ok"), ERR("err");

  private final String text;

  RuleHealth(String text) {
    this.text = text;
  }

  @Override
  public String toString() {
    return text;
  }
}
