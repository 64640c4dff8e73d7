package io.strata.promql.rules.eval;

/** The state of one alert instance, as Prometheus names it (ordered: inactive &lt; pending &lt; firing). */
public enum AlertState {
  INACTIVE, PENDING, FIRING;

  /** {@code inactive}, {@code pending}, {@code firing}: the {@code alertstate} label and the API's word. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
