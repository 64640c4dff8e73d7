package io.strata.promql.template;

/**
 * A template that does not parse or fails while executing; the message is Prometheus's
 * {@code Expander.Expand} error, e.g. {@code error executing template __alert_X: template: __alert_X:1:120:
 * executing "__alert_X" at <humanize "x">: error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax}.
 * An alerting rule shows it as {@code <error expanding template: MESSAGE>}.
 */
public final class TemplateException extends Exception {
  public TemplateException(String message) {
    super(message);
  }
}
