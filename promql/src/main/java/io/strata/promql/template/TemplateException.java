package io.strata.promql.template;

/** A template failed to parse or expand; the message is Go's. */
public final class TemplateException extends Exception {
  public TemplateException(String message) {
    super(message);
  }
}
